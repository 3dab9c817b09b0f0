#!/usr/bin/python3
"""Writes a small file in the MJD AI/ML release layout with a real, learnable signal.

Single-site events (psd_label_low_avse = 1) rise in one fast step at tp0; multi-site events
(label 0) rise in two steps separated by 30-150 samples. Noise, baselines, amplitudes
(energy), tp0 jitter and detector/run numbers vary, so min-max normalisation is needed and
the label is only in the pulse shape. Used by the train/predict CLI and interop tests.
"""
import argparse

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--samples", type=int, default=1600)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    n, L = a.events, a.samples
    energy = rng.uniform(300.0, 2700.0, n)
    single = rng.random(n) < 0.6
    tp0 = rng.integers(L // 2 - 150, L // 2 - 50, n)
    t = np.arange(L)[None, :]
    rise = rng.uniform(8.0, 15.0, n)[:, None]

    def step(t0):
        return 1.0 / (1.0 + np.exp(-(t - t0[:, None]) / rise * 4.0))

    frac = np.where(single, 1.0, rng.uniform(0.3, 0.7, n))
    second = tp0 + rng.integers(30, 150, n)
    shape = frac[:, None] * step(tp0) + (1.0 - frac)[:, None] * step(second)
    tail = np.exp(-np.clip(t - tp0[:, None], 0, None) / 8000.0)
    amp = energy[:, None] * 2.0
    baseline = rng.normal(200.0, 20.0, n)[:, None]
    wf = baseline + amp * shape * tail + rng.normal(0.0, 3.0, (n, L))
    with h5py.File(a.out, "w") as f:
        f["raw_waveform"] = wf.astype(np.float32)
        f["energy_label"] = energy
        f["psd_label_low_avse"] = single.astype(np.uint8)
        f["psd_label_high_avse"] = (rng.random(n) < 0.95).astype(np.uint8)
        f["psd_label_dcr"] = (rng.random(n) < 0.9).astype(np.uint8)
        f["psd_label_lq"] = (rng.random(n) < 0.9).astype(np.uint8)
        f["tp0"] = tp0.astype(np.int32)
        f["detector"] = rng.integers(0, 10, n).astype(np.int32)
        f["run_number"] = np.full(n, 7, dtype=np.int32)
        f["id"] = np.arange(n, dtype=np.int64) + 100000


if __name__ == "__main__":
    main()
