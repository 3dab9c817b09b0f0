"""Writes a synthetic feature table (one float64 dataset per column) for the CLI tests:
`informative` (and `avse_raw`, a copy) carries the label `psd_label_test`."""
import sys

import h5py
import numpy as np

path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
label = (rng.random(n) < 0.5).astype(np.float64)
informative = rng.normal(size=n) + 2.0 * label
with h5py.File(path, "w") as f:
    f["id"] = np.arange(1000, 1000 + n, dtype=np.float64)
    f["informative"] = informative
    f["avse_raw"] = informative
    f["weak"] = rng.normal(size=n) + 0.3 * label
    f["noise1"] = rng.normal(100.0, 20.0, size=n)
    f["quality"] = np.zeros(n)
    f["psd_label_test"] = label
