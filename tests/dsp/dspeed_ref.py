#!/usr/bin/python3
"""Independent reference for `wavelearn dsp --naming dspeed --out X.lh5` on real LEGEND-200 data.

Runs wavelearn on the real raw file, reads the LH5 dsp tier back with h5py and checks
(1) the lgdo structure: every channel group `struct{dsp}`, the table's `datatype` listing
exactly its datasets in order, every column `array<1>{real}` of equal length, units where
dspeed gives them; (2) the parameters against this script's own computation from the
waveforms, decoded by tests/io/l200_codecs_ref.py (imported, not copied), written from
dspeed's documented definitions in numpy (docs/dsp.md, "dspeed naming"). This is NOT the
dspeed program's output (dspeed cannot be installed here): it checks that the C++ code
implements the documented definitions. The tau per channel and the DAQ baseline are taken
as the C++ chain used them (the tier's `tau_ns_by_detector` attribute, the raw `baseline`).

Tolerances (issue 16): trapEmax 0.1 %, tp_0_est 2 samples, lq80 and bl_std 5 %.
Usage: dspeed_ref.py WAVELEARN RAW.lh5
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io"))
import l200_codecs_ref as codecs  # noqa: E402

CFG = dict(bl_window_ns=5000, t0_rise_ns=128, t0_fall_ns=2000, etrap_rise_ns=10000, etrap_flat_ns=3008)


def nsamp(ns, dt):
    return int(np.floor(ns / dt + 0.5))


def tp_thresh(w, thr, start, forward):
    """dspeed time_point_thresh: index of the crossing, or None."""
    if not np.isfinite(thr) or start is None or start < 0 or start >= len(w):
        return None
    if forward:
        for i in range(start, len(w) - 1):
            if w[i] <= thr < w[i + 1] or w[i] >= thr > w[i + 1]:
                return i
    else:
        for i in range(start, 0, -1):
            if w[i - 1] < thr <= w[i] or w[i - 1] > thr >= w[i]:
                return i
    return None


def reference(wf, dt, baseline, tau_ns):
    x = wf.astype(np.float64) - baseline
    bl = x[:nsamp(CFG["bl_window_ns"], dt)]
    bl_mean, bl_std = bl.mean(), bl.std(ddof=1)
    a = np.exp(-dt / tau_ns) if tau_ns > 0 else 1.0
    pz = np.empty_like(x)
    pz[0] = x[0]
    for i in range(1, len(x)):
        pz[i] = pz[i - 1] + x[i] - a * x[i - 1]
    r, f = nsamp(CFG["t0_rise_ns"], dt), nsamp(CFG["t0_fall_ns"], dt)
    kernel = np.concatenate([2.0 * (r - np.arange(r)) / (r * (r + 1)), np.full(f, -1.0 / f)])
    t0f = np.convolve(pz, kernel, "full")  # LEGEND-200 production: "full" (docs/dsp.md)
    i0 = tp_thresh(t0f, bl_std, int(np.argmax(t0f)), False)
    if i0 is not None and i0 >= len(x):
        i0 = None
    n = len(x)
    flat = min(nsamp(CFG["etrap_flat_ns"], dt), n // 2)
    rise = max(1, min(nsamp(CFG["etrap_rise_ns"], dt), (n - flat) // 2))
    c = np.concatenate([[0.0], np.cumsum(pz)])  # trapezoid from prefix sums, zeros before the record
    k = np.arange(n)
    s = lambda e: c[np.clip(e + 1, 0, n)]  # sum of pz[0..e]
    trap = (s(k) - s(k - rise) - s(k - rise - flat) + s(k - 2 * rise - flat)) / rise
    top = trap.max()
    i100 = tp_thresh(pz, top, i0, True)
    i = tp_thresh(pz, 0.99 * top, i0, True)
    for frac in (0.95, 0.9, 0.8):
        i = tp_thresh(pz, frac * top, i, False)
    i80 = i
    lq80 = np.nan
    if i80 is not None and i100 is not None and i100 >= i80:
        lq80 = np.sum(top - pz[i80:i100]) - 0.5 * 0.2 * top * (i100 - i80)
    return dict(bl_mean=bl_mean, bl_std=bl_std, trapEmax=top, tp_0_est=np.nan if i0 is None else i0 * dt, lq80=lq80)


def check_structure(f):
    errors = []
    for ch in f:
        if f[ch].attrs.get("datatype") != "struct{dsp}":
            errors.append(f"{ch}: datatype {f[ch].attrs.get('datatype')!r}, expected struct{{dsp}}")
        g = f[ch]["dsp"]
        cols = g.attrs["datatype"][len("table{"):-1].split(",")
        if list(g.keys()) != sorted(cols) and sorted(g.keys()) != sorted(cols):
            errors.append(f"{ch}/dsp: table columns {cols} != datasets {list(g.keys())}")
        lengths = {g[c].shape for c in cols}
        if len(lengths) != 1:
            errors.append(f"{ch}/dsp: column lengths differ: {lengths}")
        for c in cols:
            if g[c].attrs.get("datatype") != "array<1>{real}":
                errors.append(f"{ch}/dsp/{c}: datatype {g[c].attrs.get('datatype')!r}")
        for c, u in (("trapEmax", "ADC"), ("tp_0_est", "ns"), ("bl_std", "ADC"), ("A_max", "ADC/sample")):
            if g[c].attrs.get("units") != u:
                errors.append(f"{ch}/dsp/{c}: units {g[c].attrs.get('units')!r}, expected {u}")
    return errors


def compare(f, raw):
    worst = dict(trapEmax=0.0, tp_0_est=0.0, lq80=0.0, bl_std=0.0, bl_mean=0.0)
    n = 0
    compare.nan = 0
    for ch in f:
        g = f[ch]["dsp"]
        tau = json.loads(g.attrs["tau_ns_by_detector"])["0"]
        stream = raw[ch]["raw"]["waveform_windowed"]
        dt = float(codecs.read_dataset(stream["dt"])[0])
        _, wfs = codecs.decode_stream(stream["values"])
        base = codecs.read_dataset(raw[ch]["raw"]["baseline"])
        for e, wf in enumerate(wfs):
            ref = reference(np.asarray(wf), dt, float(base[e]), tau)
            n += 1
            for key in worst:
                ours = float(g[key][e])
                if np.isnan(ours) and np.isnan(ref[key]):
                    compare.nan += key == "lq80"
                    continue  # both undefined (e.g. no 80 % crossing): agreed
                if key == "tp_0_est":
                    d = abs(ours - ref[key]) / dt  # samples
                else:
                    d = abs(ours - ref[key]) / max(abs(ref[key]), 1e-9)
                worst[key] = max(worst[key], d if np.isfinite(d) else np.inf)
    return worst, n


def main():
    wavelearn, raw_path = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "dsp.lh5")
        subprocess.run([wavelearn, "--quiet", "dsp", raw_path, "--out", out, "--naming", "dspeed"], check=True,
                       stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f, h5py.File(raw_path, "r") as raw:
            errors = check_structure(f)
            worst, n = compare(f, raw)
            nan = compare.nan
    print(f"{n} waveforms ({nan} lq80 undefined in both); max relative difference: trapEmax {worst['trapEmax']:.2e}, lq80 {worst['lq80']:.2e}, "
          f"bl_std {worst['bl_std']:.2e}, bl_mean {worst['bl_mean']:.2e}; tp_0_est {worst['tp_0_est']:.2f} samples")
    limits = dict(trapEmax=1e-3, tp_0_est=2.0, lq80=0.05, bl_std=0.05, bl_mean=0.05)
    errors += [f"{k}: {worst[k]:.3g} over the limit {limits[k]}" for k in limits if not worst[k] <= limits[k]]
    for e in errors:
        print("FAIL", e)
    return 1 if errors or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
