#!/usr/bin/python3
"""Times reading waveforms with h5py: the whole record vs only the teaching window.

The lectures read `np.array(file["raw_waveform"])` (every sample of every event) and then
slice [:, 500:1500]; a reader that asks HDF5 for the window only moves ~1000/3800 of the
bytes. Both are timed on the same file, whole-file and in blocks of --block events (bounded
memory), each the best of --repeats after one warm-up read so the page cache is equally warm.
Prints waveforms/s; --json writes the figures for scripts/bench.
"""
import argparse
import json
import os
import sys
import time

import h5py
import numpy as np


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--events", type=int, default=0, help="events to read (0: all)")
    p.add_argument("--window", default="500:1500")
    p.add_argument("--block", type=int, default=4096, help="events per blocked read")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--json")
    return p.parse_args()


def best_of(repeats, fn):
    fn()  # warm-up: same page-cache state for every variant
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    a = parse_args()
    begin, end = (int(x) for x in a.window.split(":"))
    with h5py.File(a.data, "r") as f:
        if "raw_waveform" not in f:
            sys.exit(f"error: {a.data}: no dataset raw_waveform")
        ds = f["raw_waveform"]
        n = ds.shape[0] if a.events <= 0 else min(a.events, ds.shape[0])
        L = ds.shape[1]

        def whole():
            return np.array(ds[:n]) if n < ds.shape[0] else np.array(ds)

        def window():
            return ds[:n, begin:end]

        def blocked(b0, b1):
            def run():
                out = np.empty((a.block, b1 - b0), dtype=ds.dtype)
                for s in range(0, n, a.block):
                    m = min(a.block, n - s)
                    ds.read_direct(out, np.s_[s:s + m, b0:b1], np.s_[0:m, :])
            return run

        t_whole = best_of(a.repeats, whole)
        t_window = best_of(a.repeats, window)
        t_whole_blk = best_of(a.repeats, blocked(0, L))
        t_window_blk = best_of(a.repeats, blocked(begin, end))
        res = {
            "tool": "read_h5py.py", "data": os.path.abspath(a.data), "events": n, "samples": L,
            "window": [begin, end], "dtype": str(ds.dtype), "chunks": ds.chunks,
            "whole_wf_per_s": n / t_whole, "window_wf_per_s": n / t_window,
            "whole_blocked_wf_per_s": n / t_whole_blk, "window_blocked_wf_per_s": n / t_window_blk,
        }
    print(f"read_h5py: {n} events: whole {res['whole_wf_per_s']:.0f} wf/s, window "
          f"{res['window_wf_per_s']:.0f} wf/s; blocked whole {res['whole_blocked_wf_per_s']:.0f}, "
          f"window {res['window_blocked_wf_per_s']:.0f} wf/s")
    if a.json:
        with open(a.json + ".tmp", "w") as fo:
            json.dump(res, fo, indent=1)
        os.replace(a.json + ".tmp", a.json)


if __name__ == "__main__":
    main()
