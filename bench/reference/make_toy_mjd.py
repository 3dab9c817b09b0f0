#!/usr/bin/python3
"""Writes a small file in the MJD AI/ML release layout (specs/mjd-format.md) with toy pulses.

Only for exercising the benchmark references when `wavelearn simulate` is not available:
the pulses are a baseline, a smooth rise starting near `--rise-sample` and an exponential
preamp decay; multi-site-like events get a two-step rise and label 0 for low A/E, so a
trained classifier has something to find (AUC well above 0.5). This is not the project's
simulator and carries no physics beyond that.

Usage: make_toy_mjd.py --events 3000 --out toy.h5 [--samples 3800] [--seed 1]
"""
import argparse
import sys

import h5py
import numpy as np


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--samples", type=int, default=3800, help="record length")
    p.add_argument("--sample-period-ns", type=float, default=10.0)
    p.add_argument("--rise-sample", type=int, default=None,
                   help="nominal start of the rise (default: 1000/3800 of the record)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--chunk", type=int, default=4096, help="events generated per block")
    p.add_argument("--out", required=True)
    p.add_argument("--force", action="store_true")
    return p.parse_args()


def make_block(rng, n, n_samples, dt_ns, rise0):
    """Returns (waveforms float32 (n, L), energy_kev, tp0, single_site)."""
    energy_kev = rng.uniform(200.0, 2700.0, n)
    tp0 = rise0 + rng.integers(-5, 6, n)
    drift_ns = rng.uniform(200.0, 1200.0, n)
    single = rng.random(n) < 0.8
    tau_ns = rng.uniform(50e3, 80e3, n)
    t_ns = np.arange(n_samples, dtype=np.float64) * dt_ns
    rel_ns = t_ns[None, :] - (tp0 * dt_ns)[:, None]
    # Charge arrives like a logistic step of width ~ drift/6; a multi-site event splits it.
    def step(center_ns, width_ns):
        return 1.0 / (1.0 + np.exp(-(rel_ns - center_ns[:, None]) / width_ns[:, None]))
    width = drift_ns / 6.0
    frac = np.where(single, 1.0, rng.uniform(0.3, 0.7, n))
    charge = frac[:, None] * step(drift_ns / 2, width)
    second = np.where(single, 0.0, 1.0 - frac)
    charge += second[:, None] * step(drift_ns / 2 + rng.uniform(300, 800, n), width)
    charge[rel_ns < 0.0] = 0.0  # nothing before tp0
    decay = np.exp(-np.clip(rel_ns, 0.0, None) / tau_ns[:, None])
    gain_adc_per_kev = 4.0
    wf = energy_kev[:, None] * gain_adc_per_kev * charge * decay
    wf += 1000.0 + rng.normal(0.0, 3.0, (n, n_samples))
    return wf.astype(np.float32), energy_kev, tp0, single


def main():
    a = parse_args()
    if a.events <= 0 or a.samples < 100:
        sys.exit("error: --events must be > 0 and --samples >= 100")
    rise0 = a.rise_sample if a.rise_sample is not None else a.samples * 1000 // 3800
    rng = np.random.default_rng(a.seed)
    mode = "w" if a.force else "w-"
    n = a.events
    with h5py.File(a.out, mode) as f:
        wf_ds = f.create_dataset("raw_waveform", (n, a.samples), dtype="f4",
                                 chunks=(min(n, 256), a.samples))
        cols = {k: np.empty(n, dt) for k, dt in [
            ("energy_label", "f4"), ("psd_label_low_avse", "u1"), ("psd_label_high_avse", "u1"),
            ("psd_label_dcr", "u1"), ("psd_label_lq", "u1"), ("tp0", "i4"), ("detector", "i4"),
            ("run_number", "i4"), ("id", "i8")]}
        for b in range(0, n, a.chunk):
            m = min(a.chunk, n - b)
            wf, e, tp0, single = make_block(rng, m, a.samples, a.sample_period_ns, rise0)
            wf_ds[b:b + m] = wf
            s = slice(b, b + m)
            cols["energy_label"][s] = e
            cols["psd_label_low_avse"][s] = single
            cols["psd_label_high_avse"][s] = rng.random(m) > 0.01
            cols["psd_label_dcr"][s] = rng.random(m) > 0.01
            cols["psd_label_lq"][s] = rng.random(m) > 0.01
            cols["tp0"][s] = tp0
            cols["detector"][s] = rng.integers(0, 8, m)
            cols["run_number"][s] = 1000 + rng.integers(0, 4, m)
            cols["id"][s] = np.arange(b, b + m)
        for k, v in cols.items():
            f.create_dataset(k, data=v)
        f.attrs["generator"] = "bench/reference/make_toy_mjd.py"
        f.attrs["seed"] = a.seed
        f.attrs["sample_period_ns"] = a.sample_period_ns


if __name__ == "__main__":
    main()
