#!/usr/bin/python3
"""Writes a synthetic `wavelearn dsp` feature table of a 228Th calibration run for the
`wavelearn calibrate` CLI tests: known lines at a known gain per detector, Compton continuum,
a single-site A/E band with a multi-site tail, DCR and LQ bands.

usage: make_feature_table.py OUT.h5 EVENTS_PER_DETECTOR SEED [flat|nodetector]
"""
import sys

import h5py
import numpy as np

DEP, SEP = 2614.511 - 2 * 510.999, 2614.511 - 510.999
LINES = np.array([238.632, 583.191, 727.330, 860.564, 1620.50, 2614.511])
WEIGHTS = np.array([43.6, 30.6, 6.7, 4.5, 1.5, 35.9]) * (LINES / 500.0) ** -0.9


def detector_events(rng, n, gain, offset, flat):
    if flat:
        e = rng.uniform(50, 3000, n)
        p_sse = np.full(n, 0.5)
    else:
        kind = rng.choice(4, n, p=[0.05, 0.03, 0.30, 0.62])  # DEP, SEP, lines, Compton
        e = np.where(kind == 0, DEP, SEP)
        lines = rng.choice(LINES, n, p=WEIGHTS / WEIGHTS.sum())
        e = np.where(kind == 2, lines, e)
        e = np.where(kind == 3, rng.uniform(100, 2382, n), e)
        p_sse = np.select([kind == 0, kind == 1, kind == 2], [0.9, 0.1, 0.2], 0.5)
    fwhm = np.sqrt(0.6 + 0.0021 * e)
    e = e + rng.normal(0, 1, n) * fwhm / 2.3548
    dt = rng.uniform(200, 1400, n)
    sig = np.sqrt(0.008**2 + (4.0 / e) ** 2)
    rel = 1 + sig * rng.normal(0, 1, n) - np.where(rng.uniform(size=n) < p_sse, 0, rng.exponential(0.06, n))
    avse = 0.05 * (1 - 2e-5 * e) * (1 - 2e-5 * (dt - 700)) * rel
    dcr = 0.002 + 0.0005 * np.sqrt(1000 / e) * rng.normal(0, 1, n)
    lq = 5 + 0.01 * dt + 2 * rng.normal(0, 1, n)
    quality = np.where(rng.uniform(size=n) < 0.005, 32, 0)
    return offset + gain * e, avse, dt, dcr, lq, quality


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else ""
    rng = np.random.default_rng(seed)
    cols = {k: [] for k in ["energy_trap_adc", "avse_raw", "drift_time_ns", "dcr_raw", "lq_raw", "quality", "detector"]}
    for det, gain, offset in [(3, 3.8, 5.0), (8, 4.4, -3.0)]:
        vals = detector_events(rng, n, gain, offset, mode == "flat")
        for k, v in zip(list(cols)[:6], vals):
            cols[k].append(v)
        cols["detector"].append(np.full(n, det))
    with h5py.File(out, "w") as f:
        for k, v in cols.items():
            if k == "detector" and mode == "nodetector":
                continue
            dtype = np.uint32 if k == "quality" else (np.int32 if k == "detector" else np.float32)
            f.create_dataset(k, data=np.concatenate(v).astype(dtype))


if __name__ == "__main__":
    main()
