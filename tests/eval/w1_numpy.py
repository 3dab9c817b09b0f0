"""W1 of two samples (one number per line in each file) by numpy alone: the area between
the two empirical CDFs, the algorithm of scipy.stats.wasserstein_distance."""
import sys

import numpy as np

a = np.sort(np.loadtxt(sys.argv[1]))
b = np.sort(np.loadtxt(sys.argv[2]))
x = np.sort(np.concatenate([a, b]))
fa = np.searchsorted(a, x[:-1], side="right") / a.size
fb = np.searchsorted(b, x[:-1], side="right") / b.size
print(repr(float(np.sum(np.abs(fa - fb) * np.diff(x)))))
