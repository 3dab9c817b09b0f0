#!/usr/bin/python3
"""The conditional VAE of configs/vae.toml in python3-torch, timed: training samples/s and
generated shapes/s, to compare with `wavelearn train --config configs/vae.toml` (metrics.json
training.train_samples_per_s, sample_shapes_per_s).

Usage: vae_reference.py FILE.h5 [--events N] [--epochs E] [--threads T] [--json OUT.json]

Same data preparation in essence (src/gen/prepare.cpp): window of 256 samples from tp0 - 32,
baseline = mean of the pre-trigger samples, shape = (trace - baseline) / (gain x energy) with
the gain the median plateau / energy; conditions = energy / max energy, truth_is_single_site,
detector one-hot. Same network (src/gen/autoencoder_nets.hpp): stride-2 convs 16/32/64
(kernel 7, conditions as constant channels), hidden 128, latent 8; decoder linear -> (64, 32)
-> 3 x (linear upsample x2, conv with conditions) -> conv to 1 channel; LeakyReLU 0.2.
Loss: sum of squared errors / (2 0.01^2) + KL; Adam lr 1e-3, batch 128. Only the epochs and
the sampling are timed.
"""
import argparse
import json
import time

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

L, PRE, LATENT, HIDDEN, CH, K, SIGMA = 256, 32, 8, 128, [16, 32, 64], 7, 0.01


def prepare(path, n_events):
    with h5py.File(path, "r") as f:
        n = min(n_events, f["raw_waveform"].shape[0])
        w = f["raw_waveform"][:n].astype(np.float32)
        e = f["energy_label"][:n].astype(np.float64)
        tp0 = f["tp0"][:n].astype(np.int64)
        det = f["detector"][:n].astype(np.int64)
        ss = f["truth_is_single_site"][:n].astype(np.float32)
    keep = e >= 50
    w, e, tp0, det, ss = w[keep], e[keep], tp0[keep], det[keep], ss[keep]
    start = tp0 - PRE
    idx = start[:, None] + np.arange(L)[None, :]
    win = np.take_along_axis(w, idx, axis=1)
    base = np.array([w[i, : start[i]].mean() for i in range(len(w))])
    plateau = win[:, -16:].mean(1) - base
    dets = np.unique(det)
    gain = {d: np.median(plateau[det == d] / e[det == d]) for d in dets}
    g = np.array([gain[d] for d in det])
    x = (win - base[:, None]) / (g * e)[:, None]
    onehot = (det[:, None] == dets[None, :]).astype(np.float32)
    c = np.concatenate([(e / e.max())[:, None], ss[:, None], onehot], 1).astype(np.float32)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(c)


def cat_c(h, c):
    return torch.cat([h, c[:, :, None].expand(-1, -1, h.shape[2])], 1)


class Encoder(nn.Module):
    def __init__(self, C):
        super().__init__()
        ins = [1] + CH[:-1]
        self.convs = nn.ModuleList(nn.Conv1d(i + C, o, K, 2, K // 2) for i, o in zip(ins, CH))
        self.fc1 = nn.Linear(CH[-1] * (L >> len(CH)) + C, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, 2 * LATENT)

    def forward(self, x, c):
        h = x[:, None]
        for conv in self.convs:
            h = F.leaky_relu(conv(cat_c(h, c)), 0.2)
        return self.fc2(F.leaky_relu(self.fc1(torch.cat([h.flatten(1), c], 1)), 0.2))


class Decoder(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.start = L >> len(CH)
        self.fc1 = nn.Linear(LATENT + C, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, CH[-1] * self.start)
        outs = [CH[i - 1] if i > 0 else CH[0] for i in range(len(CH) - 1, -1, -1)]
        ins = list(reversed(CH))
        self.convs = nn.ModuleList(nn.Conv1d(i + C, o, K, 1, K // 2) for i, o in zip(ins, outs))
        self.out = nn.Conv1d(CH[0], 1, K, 1, K // 2)

    def forward(self, z, c):
        h = F.leaky_relu(self.fc2(F.leaky_relu(self.fc1(torch.cat([z, c], 1)), 0.2)), 0.2)
        h = h.view(z.shape[0], -1, self.start)
        for conv in self.convs:
            h = F.interpolate(h, scale_factor=2.0, mode="linear", align_corners=False)
            h = F.leaky_relu(conv(cat_c(h, c)), 0.2)
        return self.out(h)[:, 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, c = prepare(a.file, a.events)
    enc, dec = Encoder(c.shape[1]), Decoder(c.shape[1])
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    n, batch, seen = x.shape[0], 128, 0
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        perm = torch.randperm(n)
        for b in range(0, n - 1, batch):
            i = perm[b : b + batch]
            h = enc(x[i], c[i])
            mu, logvar = h[:, :LATENT], h[:, LATENT:].clamp(-10, 10)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            recon = (x[i] - dec(z, c[i])).pow(2).sum(1).mean() / (2 * SIGMA**2)
            kl = (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).sum(1).mean()
            opt.zero_grad()
            (recon + kl).backward()
            opt.step()
            seen += len(i)
    train_rate = seen / (time.perf_counter() - t0)
    with torch.no_grad():
        cc = c[:1024]
        t0 = time.perf_counter()
        dec(torch.randn(cc.shape[0], LATENT), cc)
        sample_rate = cc.shape[0] / (time.perf_counter() - t0)
    out = {"events": int(n), "train_samples_per_s": train_rate, "sample_shapes_per_s": sample_rate,
           "threads": a.threads, "torch": torch.__version__}
    print(json.dumps(out))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
