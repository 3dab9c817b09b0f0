"""Reference values from scikit-learn / SciPy for test_eval (run with /usr/bin/python3).

Reads `score label` rows and two KS samples, writes a JSON file with the ROC AUC and the
full ROC curve (drop_intermediate=False), and the two-sample KS statistic and p-value
(asymptotic Kolmogorov distribution, as in ROOT's TMath::KolmogorovProb).
Usage: sklearn_reference.py SCORES_TXT KS_A_TXT KS_B_TXT OUT_JSON
"""
import json
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

scores_path, ks_a_path, ks_b_path, out_path = sys.argv[1:5]
data = np.loadtxt(scores_path, ndmin=2)
score, label = data[:, 0], data[:, 1].astype(int)
fpr, tpr, thr = roc_curve(label, score, drop_intermediate=False)
a, b = np.loadtxt(ks_a_path), np.loadtxt(ks_b_path)
d = stats.ks_2samp(a, b).statistic
n_eff = len(a) * len(b) / (len(a) + len(b))
out = {
    "auc": float(roc_auc_score(label, score)),
    "fpr": fpr.tolist(),
    "tpr": tpr.tolist(),
    # the first threshold is +inf (sklearn >= 1.3) or max + 1 (older): compare from [1:]
    "thresholds": thr[1:].tolist(),
    "ks_statistic": float(d),
    "ks_p_asymptotic": float(stats.kstwobign.sf(np.sqrt(n_eff) * d)),
}
with open(out_path, "w") as f:
    json.dump(out, f)
