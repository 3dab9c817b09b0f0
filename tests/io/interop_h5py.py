#!/usr/bin/python3
"""Interoperability with the lectures' h5py code, both directions.

1. A file written by our MjdWriter (via io_tool) is read the way the teaching notebooks read
   the release: np.array(file["raw_waveform"])[sel][:, 500:1500]; values must match.
2. A file written by h5py in the release layout (int16 waveforms, bool labels) is read by
   our reader (energy selection + window gather via io_tool dump); values must match the
   same NumPy expression.
Usage: interop_h5py.py PATH/TO/io_tool
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def expected_waveforms(n, length):
    i = np.arange(n, dtype=np.int64)[:, None]
    j = np.arange(length, dtype=np.int64)[None, :]
    return (((i * 7919 + j * 31) % 1000) - 500).astype(np.float32)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def ours_read_by_h5py(tool, tmp):
    path = os.path.join(tmp, "ours.hdf5")
    n, length = 300, 2000
    subprocess.run([tool, "write-synthetic", path, str(n), str(length)], check=True)
    with h5py.File(path, "r") as file:  # the notebooks' way of reading
        check(file["raw_waveform"].dtype == np.float32, "raw_waveform is float32")
        check(file["raw_waveform"].shape == (n, length), "raw_waveform shape")
        wf = np.array(file["raw_waveform"])
        energy = np.array(file["energy_label"])
    check(energy.shape == (n,), "energy_label shape")
    expected_energy = 100.0 + 7.0 * (np.arange(n) % 400)
    check(np.array_equal(energy, expected_energy), "energy_label values")
    sel = energy > 1000
    x = wf[sel][:, 500:1500]
    want = expected_waveforms(n, length)[sel][:, 500:1500]
    check(x.shape == want.shape and np.array_equal(x, want), "windowed waveforms via h5py")
    print("ok: MjdWriter file read by h5py:", x.shape)


def h5py_file_read_by_ours(tool, tmp):
    path = os.path.join(tmp, "lecture.hdf5")
    out = os.path.join(tmp, "windows.f32")
    n, length = 257, 1800
    wf = expected_waveforms(n, length).astype(np.int16)
    energy = (np.arange(n, dtype=np.float32) * 11.0) % 2700.0
    with h5py.File(path, "w") as f:
        f["raw_waveform"] = wf
        f["energy_label"] = energy
        f["psd_label_low_avse"] = (np.arange(n) % 10) != 0  # numpy bool -> HDF5 enum
        f["tp0"] = np.full(n, 950, dtype=np.int64)
    threshold = 1000.0
    res = subprocess.run([tool, "dump", path, str(threshold), "500", "1000", out], check=True,
                         capture_output=True, text=True)
    got = np.fromfile(out, dtype=np.float32)
    sel = energy > threshold
    want = wf[sel][:, 500:1500].astype(np.float32)
    check(int(res.stdout.strip()) == int(sel.sum()), "selected event count")
    check(got.size == want.size and np.array_equal(got.reshape(want.shape), want), "windows read by wavelearn")
    print("ok: h5py file read by wavelearn:", want.shape)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory(prefix="wl_interop_") as tmp:
        ours_read_by_h5py(sys.argv[1], tmp)
        h5py_file_read_by_ours(sys.argv[1], tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
