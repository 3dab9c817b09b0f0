"""Reference values from scikit-learn / SciPy for test_eval (run with /usr/bin/python3).

Reads `score label` rows and two KS samples, writes a JSON file with the ROC AUC, the
full ROC curve (drop_intermediate=False), the average precision (PR AUC) of the same
scores and of every prefix in PR_PREFIXES, and the two-sample KS statistic and p-value
(asymptotic Kolmogorov distribution, as in ROOT's TMath::KolmogorovProb).
Usage: sklearn_reference.py SCORES_TXT KS_A_TXT KS_B_TXT OUT_JSON
"""
import json
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

scores_path, ks_a_path, ks_b_path, out_path = sys.argv[1:5]
data = np.loadtxt(scores_path, ndmin=2)
score, label = data[:, 0], data[:, 1].astype(int)
fpr, tpr, thr = roc_curve(label, score, drop_intermediate=False)
a, b = np.loadtxt(ks_a_path), np.loadtxt(ks_b_path)
d = stats.ks_2samp(a, b).statistic
n_eff = len(a) * len(b) / (len(a) + len(b))
# Small prefixes exercise few-event ties; each holds at least one signal event.
PR_PREFIXES = [7, 50, 333, len(score)]
out = {
    "auc": float(roc_auc_score(label, score)),
    "fpr": fpr.tolist(),
    "tpr": tpr.tolist(),
    # the first threshold is +inf (sklearn >= 1.3) or max + 1 (older): compare from [1:]
    "thresholds": thr[1:].tolist(),
    "average_precision": float(average_precision_score(label, score)),
    "average_precision_prefix": {
        str(m): float(average_precision_score(label[:m], score[:m])) for m in PR_PREFIXES
    },
    "ks_statistic": float(d),
    "ks_p_asymptotic": float(stats.kstwobign.sf(np.sqrt(n_eff) * d)),
}
with open(out_path, "w") as f:
    json.dump(out, f)
