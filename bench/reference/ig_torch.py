#!/usr/bin/python3
"""Integrated gradients in python3-torch, the Captum-style loop, on the same model and windows.

Usage: ig_torch.py MODEL.pt ATTRIBUTIONS.h5 --steps 32 --threads N --json OUT.json

Reads the windows `wavelearn explain` wrote (attributions.h5: `window`, and its
`integrated_gradients` for the cross-check), builds the same baseline (the mean window),
evaluates the same Gauss-Legendre nodes in chunks of at most 1024 windows per pass, and
reports events/s and the largest difference from wavelearn's attributions.
"""
import argparse
import json
import time

import h5py
import numpy as np
import torch


def output(model, x, task):
    out = model(x)
    if out.dim() == 1:
        return out
    if task == "binary_ce":
        return out[:, 1] - out[:, 0]
    return out[:, 0]


def integrated_gradients(model, x, baseline, steps, task, max_rows=1024):
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    nodes, weights = 0.5 * (nodes + 1.0), 0.5 * weights  # [-1, 1] -> [0, 1]
    diff = x - baseline
    total = torch.zeros_like(x)
    per_pass = max(1, max_rows // x.shape[0])
    for s0 in range(0, steps, per_pass):
        s1 = min(steps, s0 + per_pass)
        pts = torch.cat([baseline + float(nodes[s]) * diff for s in range(s0, s1)]).requires_grad_(True)
        (g,) = torch.autograd.grad(output(model, pts, task).sum(), pts)
        g = g.view(s1 - s0, x.shape[0], x.shape[1])
        for s in range(s0, s1):
            total += float(weights[s]) * g[s - s0]
    return total * diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("attributions")
    ap.add_argument("--steps", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--task", default="binary_logits")
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model = torch.jit.load(a.model).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with h5py.File(a.attributions, "r") as f:
        windows = torch.from_numpy(f["window"][:].astype(np.float32))
        wl_ig = f["integrated_gradients"][:] if "integrated_gradients" in f else None
    baseline = windows.mean(0)
    t0 = time.perf_counter()
    parts = [integrated_gradients(model, windows[i:i + a.batch], baseline, a.steps, a.task)
             for i in range(0, windows.shape[0], a.batch)]
    seconds = time.perf_counter() - t0
    ig = torch.cat(parts).numpy()
    res = {"events": int(windows.shape[0]), "seconds": seconds, "events_per_s": windows.shape[0] / seconds}
    if wl_ig is not None:
        scale = float(np.abs(ig).max()) or 1.0
        res["max_abs_diff_rel"] = float(np.abs(ig - wl_ig).max()) / scale
    with open(a.json, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main()
