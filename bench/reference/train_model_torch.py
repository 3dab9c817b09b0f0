#!/usr/bin/python3
"""The CNN or transformer of a wavelearn run, rebuilt and trained in python3-torch, timed:
training samples/s to compare with the run's metrics.json `training.train_samples_per_s`.

Usage: train_model_torch.py RUN_DIR [--epochs E] [--threads T] [--seed S] [--data FILE]
                            [--json OUT.json] [--quiet]

Everything is read from the run directory, so the two sides cannot drift apart:
  - config.toml: [model] (type, sizes, activation, pooling, dropout, init), data.batch_size,
    data.targets, [train] (optimizer adam/adamw, lr, weight_decay, clip_grad_norm, cosine
    schedule, epochs unless --epochs);
  - preprocess.json: the window (start, length), the normalisation (minmax or none), the
    energy field and threshold;
  - run.json: the training file (unless --data).
The networks are written out op for op as src/nn/cnn.cpp and src/nn/transformer.cpp write
their TorchScript (same layers, same order, same parameter count): the CNN is conv1d ->
batch norm -> activation -> pool blocks, flatten, Linear(., fc_hidden) -> activation ->
dropout, task Linear; the transformer is a Linear patch embedding plus a learned position
embedding, pre-norm blocks (LN -> fused qkv Linear -> softmax(q k^T / sqrt(dh)) -> dropout
-> @ v -> proj Linear -> dropout -> residual; LN -> fc1 -> GELU -> fc2 -> dropout ->
residual), final LN, mean over patches, task Linear. Before timing, the run's model.pt weights
are loaded into a copy and its outputs compared with model.pt's (printed; in the JSON).
Loss: BCEWithLogits. Optimiser: torch.optim Adam or AdamW with PyTorch's defaults otherwise
(betas, eps; in 1.13 the per-tensor loop, `foreach=False`), gradient clipping when the config
sets it.

Data: the events with energy > threshold (all of them are training events: the driver runs
wavelearn with data.train_fraction = 1, so both sides train on the same events), the window
read with h5py and normalised once, before timing, as wavelearn's in-memory loader does before
its epochs. Timed (the `train` phase): the epochs, each a shuffle (torch.randperm), then per
batch of data.batch_size (incomplete last batch dropped, as wavelearn does): index_select of
the windows and targets, zero_grad, forward, loss, loss.item(), backward, [clip], step; after
each epoch a checkpoint of the model and optimiser state (torch.save to a file, renamed into
place), as wavelearn writes one. samples/s = epochs x batches x batch_size / that time
(wavelearn's formula).
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time
import tomllib

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def fail(msg):
    sys.stderr.write(f"error: {msg}\n")
    sys.exit(2)


def load_run(run_dir):
    def read(name, loader):
        path = os.path.join(run_dir, name)
        try:
            with open(path, "rb") as f:
                return loader(f)
        except (OSError, ValueError) as e:
            fail(f"{path}: {e}")
    return (read("config.toml", tomllib.load), read("preprocess.json", json.load),
            read("run.json", json.load))


def init_weight(w, init, fan_in, fan_out):
    """ScriptBuilder::init_weight: he = N(0, 2/fan_in), xavier = U(+-sqrt(6/(in+out))),
    default = U(+-1/sqrt(fan_in)); biases 0 except with default (U(+-1/sqrt(fan_in)))."""
    with torch.no_grad():
        if init == "he":
            w.normal_(0.0, math.sqrt(2.0 / fan_in))
        elif init == "xavier":
            a = math.sqrt(6.0 / (fan_in + fan_out))
            w.uniform_(-a, a)
        else:
            w.uniform_(-1.0 / math.sqrt(fan_in), 1.0 / math.sqrt(fan_in))


def init_module(m, init):
    for mod in m.modules():
        if isinstance(mod, (nn.Linear, nn.Conv1d)):
            k = mod.weight.shape[2] if mod.weight.dim() == 3 else 1
            fan_in, fan_out = mod.weight.shape[1] * k, mod.weight.shape[0] * k
            init_weight(mod.weight, init, fan_in, fan_out)
            with torch.no_grad():
                if init == "default":
                    mod.bias.uniform_(-1.0 / math.sqrt(fan_in), 1.0 / math.sqrt(fan_in))
                else:
                    mod.bias.zero_()


class WaveCNN(nn.Module):
    def __init__(self, m, L, n_out):
        super().__init__()
        ch = m.get("channels", [8, 16, 32])
        ks = m.get("kernels", [9, 7, 5])
        st = m.get("strides", [1] * len(ch))
        pads = m.get("paddings", [-1] * len(ch))
        self.pool = m.get("pool", 2)
        self.act = {"relu": F.relu, "gelu": F.gelu, "silu": F.silu}[m.get("activation", "relu")]
        self.pool_fn = {"max": F.max_pool1d, "avg": F.avg_pool1d}[m.get("pool_type", "max")]
        self.p = m.get("dropout", 0.0)
        self.convs, self.bns = nn.ModuleList(), nn.ModuleList()
        c, length = 1, L
        for out, k, s, p in zip(ch, ks, st, pads):
            p = k // 2 if p < 0 else p
            self.convs.append(nn.Conv1d(c, out, k, s, p))
            if m.get("batch_norm", True):
                self.bns.append(nn.BatchNorm1d(out, eps=1e-5, momentum=0.1))
            c, length = out, (length + 2 * p - k) // s + 1
            if self.pool > 1:
                length //= self.pool
        self.global_pool = m.get("global_pool", "none") == "max_mean"
        self.fc = nn.Linear(2 * c if self.global_pool else c * length, m.get("fc_hidden", 32))
        self.task = nn.Linear(m.get("fc_hidden", 32), n_out)

    def forward(self, x):
        x = x.unsqueeze(1)
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if len(self.bns):
                x = self.bns[i](x)
            x = self.act(x)
            if self.pool > 1:
                x = self.pool_fn(x, self.pool, self.pool)
        x = torch.cat([x.amax(2), x.mean(2)], 1) if self.global_pool else x.flatten(1)
        x = F.dropout(self.act(self.fc(x)), self.p, self.training)
        return self.task(x)


class Block(nn.Module):
    def __init__(self, D, H, mlp, p):
        super().__init__()
        self.H, self.dh, self.p = H, D // H, p
        self.ln1, self.ln2 = nn.LayerNorm(D, eps=1e-5), nn.LayerNorm(D, eps=1e-5)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc1, self.fc2 = nn.Linear(D, mlp), nn.Linear(mlp, D)

    def forward(self, x):
        B, T, D = x.shape
        qkv = self.qkv(self.ln1(x)).reshape(B, T, 3, self.H, self.dh).permute(2, 0, 3, 1, 4)
        att = torch.softmax(qkv[0] @ qkv[1].transpose(-2, -1) * (1.0 / math.sqrt(self.dh)), -1)
        o = (F.dropout(att, self.p, self.training) @ qkv[2]).transpose(1, 2).reshape(B, T, D)
        x = x + F.dropout(self.proj(o), self.p, self.training)
        h = F.gelu(self.fc1(self.ln2(x)))
        return x + F.dropout(self.fc2(h), self.p, self.training)


class WaveTransformer(nn.Module):
    def __init__(self, m, L, n_out):
        super().__init__()
        self.P, D = m.get("patch_samples", 25), m.get("d_model", 32)
        self.T = L // self.P
        self.embed = nn.Linear(self.P, D)
        self.pos_embedding = nn.Parameter(torch.empty(1, self.T, D))
        p = m.get("dropout", 0.0)
        self.blocks = nn.ModuleList(Block(D, m.get("heads", 4), m.get("mlp_hidden", 64), p)
                                    for _ in range(m.get("layers", 2)))
        self.final_ln = nn.LayerNorm(D, eps=1e-5)
        self.task = nn.Linear(D, n_out)

    def reset_position(self):
        with torch.no_grad():
            self.pos_embedding.normal_(0.0, 0.02)

    def forward(self, x):
        x = x[:, : self.T * self.P].reshape(x.shape[0], self.T, self.P)
        x = self.embed(x) + self.pos_embedding
        for b in self.blocks:
            x = b(x)
        return self.task(self.final_ln(x).mean(1))


def build_model(cfg, L):
    m = cfg.get("model", {})
    kind = m.get("type", "fcnet")
    task = cfg.get("task", {}).get("kind", "binary_sigmoid")
    if task != "binary_logits":
        fail(f"task.kind = {task!r}: this reference trains binary_logits (BCEWithLogits)")
    if kind == "cnn":
        model = WaveCNN(m, L, 1)
    elif kind == "transformer":
        model = WaveTransformer(m, L, 1)
        model.reset_position()
    else:
        fail(f"model.type = {kind!r}: this reference builds cnn and transformer")
    init_module(model, m.get("init", "default"))
    return model


def wavelearn_name(name):
    """This module's parameter name as src/nn names it: convs.0.weight -> conv0_weight,
    bns.1.running_var -> bn1_running_var, blocks.0.ln1.bias -> l0_ln1_bias, fc.weight -> fc_weight."""
    for ours, theirs in (("convs.", "conv"), ("bns.", "bn"), ("blocks.", "l")):
        if name.startswith(ours):
            i, rest = name[len(ours):].split(".", 1)
            return f"{theirs}{i}_{rest.replace('.', '_')}"
    return name.replace(".", "_")


def compare_with_run(model, run_dir, x):
    """Loads the run's model.pt (TorchScript) weights into `model` and returns the largest
    |difference| of the two networks' outputs on x in eval mode: ~1e-6 when the architecture
    is the same. Raises when a tensor has no counterpart or another shape."""
    wl = torch.jit.load(os.path.join(run_dir, "model.pt"))
    theirs = dict(wl.named_parameters())
    theirs.update(dict(wl.named_buffers()))
    ours = dict(model.named_parameters())
    ours.update({k: v for k, v in model.named_buffers() if not k.endswith("num_batches_tracked")})
    names = {wavelearn_name(k): k for k in ours}
    if set(names) != set(theirs):
        raise ValueError(f"parameter names differ: only here {sorted(set(names) - set(theirs))}, "
                         f"only in model.pt {sorted(set(theirs) - set(names))}")
    with torch.no_grad():
        for w, k in names.items():
            if ours[k].shape != theirs[w].shape:
                raise ValueError(f"{k}: shape {tuple(ours[k].shape)} vs {w} {tuple(theirs[w].shape)}")
            ours[k].copy_(theirs[w])
        model.eval()
        wl.eval()
        diff = (model(x) - wl.forward(x)).abs().max().item()
    return diff


def load_windows(path, pre, cfg):
    """The selected events' windows, normalised as wavelearn's Preprocessor does."""
    w = pre["window"]
    if w.get("mode") != "fixed" or pre["baseline"].get("mode") != "none" or pre.get("standard_scaler"):
        fail("preprocess.json: this reference reproduces a fixed window without baseline or scaler")
    begin, L = int(w["start_samples"]), int(w["length_samples"])
    fields = pre["fields"]
    targets = cfg.get("data", {}).get("targets", fields["targets"])
    if len(targets) != 1:
        fail(f"data.targets = {targets}: this reference trains one binary target")
    sel = pre["selection"]
    with h5py.File(path, "r") as f:
        ds = f[fields["waveform"]]
        keep = np.ones(ds.shape[0], bool)
        if sel.get("has_energy_threshold"):
            keep = np.asarray(f[fields["energy"]][:], np.float64) > sel["energy_threshold_kev"]
        rows = np.nonzero(keep)[0]
        x = np.empty((len(rows), L), np.float32)
        block = 4096
        for first in range(0, ds.shape[0], block):
            r = rows[(rows >= first) & (rows < first + block)]
            if len(r):
                chunk = ds[first:first + block, begin:begin + L]
                x[np.searchsorted(rows, r)] = chunk[r - first]
        y = np.asarray(f[targets[0]][:], np.float32)[rows]
    if pre.get("normalization") == "minmax":
        mn, mx = x.min(1, keepdims=True), x.max(1, keepdims=True)
        rng = mx - mn
        x = np.where(rng > 0, (x - mn) / np.where(rng > 0, rng, 1), 0).astype(np.float32)
    elif pre.get("normalization") != "none":
        fail(f"preprocess.json: normalization {pre.get('normalization')!r} is not reproduced here")
    return torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1), L


def make_optimizer(model, tr):
    name, lr, wd = tr.get("optimizer", "adam"), tr.get("lr", 1e-3), tr.get("weight_decay", 0.0)
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    if name == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    fail(f"train.optimizer = {name!r}: this reference uses adam or adamw")


def lr_for_epoch(tr, epoch, epochs):
    """LrSchedule::lr_for_epoch for none and cosine (the presets' schedules)."""
    lr = tr.get("lr", 1e-3)
    if tr.get("schedule", "none") == "cosine":
        lo = tr.get("min_lr", 0.0)
        return lo + 0.5 * (lr - lo) * (1.0 + math.cos(math.pi * epoch / epochs))
    return lr


def train(model, x, y, cfg, epochs, seed, quiet, ckpt):
    """The timed phase: returns (seconds, samples, mean loss of the last epoch)."""
    tr = cfg.get("train", {})
    B = int(cfg.get("data", {}).get("batch_size", 64))
    clip = float(tr.get("clip_grad_norm", 0.0))
    opt = make_optimizer(model, tr)
    params = [p for p in model.parameters()]
    n_batches = x.shape[0] // B
    if n_batches == 0:
        fail(f"{x.shape[0]} events: fewer than one batch of {B}")
    gen = torch.Generator().manual_seed(seed)
    model.train()
    t0 = time.perf_counter()
    for e in range(epochs):
        for g in opt.param_groups:
            g["lr"] = lr_for_epoch(tr, e, epochs)
        order = torch.randperm(x.shape[0], generator=gen)
        total = 0.0
        for i in range(n_batches):
            idx = order[i * B:(i + 1) * B]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            total += loss.item()
            loss.backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(params, clip)
            opt.step()
        # Written and renamed into place, as wavelearn writes checkpoint.pt after each epoch.
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)
        if not quiet:
            print(f"epoch {e + 1}/{epochs}: mean loss {total / n_batches:.4f}", flush=True)
    return time.perf_counter() - t0, epochs * n_batches * B, total / n_batches


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", help="a wavelearn run directory (config.toml, preprocess.json, run.json)")
    ap.add_argument("--epochs", type=int, help="default: the run's train.epochs")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", help="default: run.json training_file")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    cfg, pre, run = load_run(a.run_dir)
    data = a.data or run.get("training_file")
    if not data or not os.path.exists(data):
        fail(f"--data {data}: not found" if a.data else
             f"{a.run_dir}/run.json: training file {data!r} not found (give --data)")
    epochs = a.epochs or int(cfg.get("train", {}).get("epochs", 10))
    t_load = time.perf_counter()
    x, y, L = load_windows(data, pre, cfg)
    t_load = time.perf_counter() - t_load
    model = build_model(cfg, L)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{cfg['model']['type']}: {n_params} parameters, {x.shape[0]} training events of {L} samples, "
          f"batch {cfg.get('data', {}).get('batch_size', 64)}, {a.threads} threads")
    diff = None
    if os.path.exists(os.path.join(a.run_dir, "model.pt")):
        check = build_model(cfg, L)
        try:
            diff = compare_with_run(check, a.run_dir, x[:256])
        except (ValueError, RuntimeError) as e:
            fail(f"{a.run_dir}/model.pt is not this network: {e}")
        print(f"same network as {a.run_dir}/model.pt: its weights loaded here give outputs within {diff:.2g}")
    with tempfile.TemporaryDirectory() as tmp:
        seconds, samples, loss = train(model, x, y, cfg, epochs, a.seed, a.quiet, os.path.join(tmp, "checkpoint.pt"))
    out = {"model_type": cfg["model"]["type"], "parameters": n_params, "n_train": int(x.shape[0]),
           "window_samples": L, "batch_size": int(cfg.get("data", {}).get("batch_size", 64)),
           "epochs": epochs, "threads": a.threads, "load_s": t_load, "train_s": seconds,
           "train_samples_per_s": samples / seconds, "last_epoch_loss": loss,
           "model_pt_max_abs_diff": diff, "torch_version": torch.__version__}
    print(f"speed: {out['train_samples_per_s']:.0f} training samples/s over {seconds:.1f} s "
          f"(windows read and normalised in {t_load:.1f} s, not timed)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
