#!/usr/bin/python3
"""Small waveform files for the `wavelearn dsp` CLI tests: an MJD-layout file (10 ns) and a
LEGEND LH5 file (16 ns) holding the same analytic pulses (linear rise, exponential decay,
known amplitude, noise), so the tests can compare the two samplings.

usage: make_test_files.py OUT_DIR [N_EVENTS]
"""
import sys

import h5py
import numpy as np


def pulses(n_events, dt_ns, length_ns, seed):
    rng = np.random.default_rng(seed)
    n = int(round(length_ns / dt_ns))
    t = np.arange(n) * dt_ns
    amp = 200.0 + 1800.0 * rng.random(n_events)
    drift = 300.0 + 900.0 * rng.random(n_events)
    tau = 60000.0
    a = np.exp(-dt_ns / tau)
    wf = np.empty((n_events, n), dtype=np.float64)
    for k in range(n_events):
        q = amp[k] * np.clip((t - 10000.0) / drift[k], 0.0, 1.0)
        dq = np.diff(q, prepend=0.0)
        v = np.empty(n)
        acc = 0.0
        for i in range(n):  # preamp: differentiate, decay by a per sample
            acc = a * acc + dq[i]
            v[i] = acc
        wf[k] = 2000.0 + v
    # Same noise realisation scale in both files (different samples of course).
    wf += rng.normal(0.0, 1.5, wf.shape)
    return np.round(wf), amp, drift


def main():
    out = sys.argv[1]
    n_events = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    wf, amp, drift = pulses(n_events, 10.0, 38000.0, 1)
    with h5py.File(f"{out}/mjd.h5", "w") as f:
        f["raw_waveform"] = wf.astype(np.int16)
        f["energy_label"] = amp * 2.6  # any calibration
        f["psd_label_low_avse"] = (np.arange(n_events) % 3 != 0).astype(np.uint8)
        f["psd_label_high_avse"] = np.ones(n_events, dtype=np.uint8)
        f["psd_label_dcr"] = np.ones(n_events, dtype=np.uint8)
        f["psd_label_lq"] = np.ones(n_events, dtype=np.uint8)
        f["tp0"] = np.full(n_events, 1000, dtype=np.int32)
        f["detector"] = np.where(np.arange(n_events) % 2 == 0, 632, 1172).astype(np.int32)
        f["run_number"] = np.full(n_events, 7, dtype=np.int32)
        f["id"] = np.arange(n_events, dtype=np.int64)
    np.savetxt(f"{out}/truth.csv", np.c_[amp, drift], delimiter=",", header="amplitude_adc,drift_ns")

    wf16, _, _ = pulses(n_events, 16.0, 38000.0, 1)
    with h5py.File(f"{out}/legend.lh5", "w") as f:
        g = f.create_group("ch1027201/raw/waveform")
        g["values"] = wf16.astype(np.uint16)
        g["values"].attrs["datatype"] = "array_of_equalsized_arrays<1,1>{real}"
        g["dt"] = np.full(n_events, 16.0, dtype=np.float32)
        g["dt"].attrs["units"] = "ns"
        g["dt"].attrs["datatype"] = "array<1>{real}"
        g["t0"] = np.zeros(n_events, dtype=np.float32)
        g["t0"].attrs["units"] = "ns"
        f["ch1027201/raw/daqenergy"] = amp
        f["ch1027201/raw/timestamp"] = np.arange(n_events, dtype=np.float64)


if __name__ == "__main__":
    main()
