#!/usr/bin/python3
"""Applies a wavelearn preprocess.json to events of an MJD-format file with h5py + NumPy.

This is the Python side of the contract in docs/data.md: a notebook that loads a model
trained by wavelearn feeds it windows made exactly like this.

usage: apply_preprocess.py FILE.h5 preprocess.json OUT.f32 EVENT [EVENT ...]
writes the windows (len(events), window_length) as little-endian float32.
"""
import json
import math
import sys

import h5py
import numpy as np


def window_start(pre, tp0):
    w = pre["window"]
    if w["mode"] == "fixed":
        return w["start_samples"]
    if tp0 is None or not math.isfinite(tp0) or tp0 < 0:
        return w["start_samples"]
    last = pre["record_length_samples"] - w["length_samples"]
    start = int(math.floor(tp0 + 0.5)) - w["tp0_offset_samples"]
    return min(max(start, 0), last)


def transform(pre, record, tp0, detector=None):
    w, b = pre["window"], pre["baseline"]
    n = w["length_samples"]
    s = window_start(pre, tp0)
    raw = record.astype(np.float32)
    x = raw[s:s + n].copy()
    if b["mode"] == "window":
        x -= np.float32(np.sum(raw[s:s + b["length_samples"]], dtype=np.float64) / b["length_samples"])
    elif b["mode"] == "pretrigger":
        p0, pn = b["pretrigger_start_samples"], b["pretrigger_length_samples"]
        x -= np.float32(np.sum(raw[p0:p0 + pn], dtype=np.float64) / pn)
    pz = pre.get("pole_zero", {"mode": "off"})
    if pz["mode"] != "off":  # z[0] = x[0], z[i] = z[i-1] + x[i] - a x[i-1], summed in double
        tau = pz["tau_ns_by_detector"].get(str(int(detector if detector is not None else 0)), pz["tau_ns"])
        a = math.exp(-pre["sample_period_ns"] / tau)
        y = x.astype(np.float64)
        x = np.cumsum(np.concatenate([y[:1], y[1:] - a * y[:-1]])).astype(np.float32)
    if pre["normalization"] == "minmax":  # the lectures' formula
        lo, hi = x.min(), x.max()
        x = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    elif pre["normalization"] == "amplitude":
        scale = pre["amplitude_scale"]
        if pre.get("amplitude_per_detector") and detector is not None:
            scale = pre["amplitude_scale_by_detector"].get(str(int(detector)), scale)
        x = x / np.float32(scale)
    if pre["standard_scaler"]:
        x = (x - np.asarray(pre["scaler_mean"], np.float32)) / np.asarray(pre["scaler_std"], np.float32)
    return x.astype(np.float32)


def main():
    path, pre_path, out_path = sys.argv[1:4]
    events = [int(e) for e in sys.argv[4:]]
    with open(pre_path) as f:
        pre = json.load(f)
    assert pre["format"] == "wavelearn-preprocess"
    fields = pre["fields"]
    with h5py.File(path, "r") as f:
        wf = f[fields["waveform"]]
        tp0 = np.asarray(f[fields["tp0"]], dtype=np.float64) if fields["tp0"] in f else None
        det_field = fields.get("detector", "detector")
        det = np.asarray(f[det_field]) if det_field in f else None
        out = np.stack([transform(pre, wf[e], None if tp0 is None else tp0[e], None if det is None else det[e])
                        for e in events])
    out.astype("<f4").tofile(out_path)


if __name__ == "__main__":
    main()
