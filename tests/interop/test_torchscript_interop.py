#!/usr/bin/python3
"""TorchScript interoperability, both directions, with Python's own torch (Debian's
python3-torch):

1. A model trained by `wavelearn train` (seed-fcnet) loads with torch.jit.load; its `score`
   method on the same preprocessed input (the lectures' window + min-max, recomputed here
   in NumPy) reproduces `wavelearn predict`'s scores to 1e-5, and its metadata and
   preprocessing travel inside model.pt.
2. An FCNet written in Python (the lectures' class), scripted with torch.jit.script and
   saved, is loaded by `wavelearn predict`, whose outputs equal Python's.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import torch


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAILED ({r.returncode}): {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    return r.stdout


class FCNet(torch.nn.Module):
    def __init__(self):
        super(FCNet, self).__init__()
        self.feature_extractor = torch.nn.Sequential(
            torch.nn.Linear(1000, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 32), torch.nn.ReLU(),
        )
        self.task_layer = torch.nn.Linear(32, 1)

    def forward(self, x):
        return self.task_layer(self.feature_extractor(x))


def lecture_inputs(data, ids_wanted, start, length):
    with h5py.File(data, "r") as f:
        ids = np.array(f["id"])
        wf = np.array(f["raw_waveform"])
    pos = {int(i): k for k, i in enumerate(ids)}
    rows = np.array([pos[int(i)] for i in ids_wanted])
    w = wf[rows][:, start:start + length].astype(np.float64)
    mn, mx = w.min(axis=1, keepdims=True), w.max(axis=1, keepdims=True)
    return torch.from_numpy(((w - mn) / (mx - mn)).astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    data = os.path.join(a.workdir, "toy.h5")
    run(["/usr/bin/python3", os.path.join(a.source, "tests/interop/make_toy_mjd.py"), data,
         "--events", "800", "--seed", "8"])
    rundir = os.path.join(a.workdir, "run")
    run([a.cli, "-q", "--threads", "2", "train", "--config",
         os.path.join(a.source, "configs/seed-fcnet.toml"), "--data", data, "--out", rundir,
         "--set", "train.epochs=2", "--set", "data.energy_threshold_kev=500"])

    # 1. our model in Python
    pred = os.path.join(a.workdir, "pred.h5")
    run([a.cli, "-q", "predict", "--model", rundir, "--data", data, "--out", pred])
    with h5py.File(pred, "r") as f:
        ids, ours = np.array(f["id"]), np.array(f["score"])
    extra = {"wavelearn_model.json": "", "preprocess.json": ""}
    m = torch.jit.load(os.path.join(rundir, "model.pt"), _extra_files=extra)
    meta = json.loads(extra["wavelearn_model.json"])
    assert meta["input_samples"] == 1000, meta
    assert meta["head"]["kind"] == "binary_sigmoid", meta
    assert len(extra["preprocess.json"]) > 0
    m.eval()
    x = lecture_inputs(data, ids, 500, 1000)
    with torch.no_grad():
        theirs = m.score(x).numpy()[:, 0]
        logits = m(x).numpy()[:, 0]
    err = np.max(np.abs(theirs - ours))
    assert err < 1e-5, f"score mismatch {err}"
    assert np.max(np.abs(1 / (1 + np.exp(-logits)) - ours)) < 1e-5
    print(f"model.pt in Python: {len(ids)} events, max |score difference| {err:.2e}")

    # 2. a Python-scripted FCNet in wavelearn predict
    torch.manual_seed(0)
    py = torch.jit.script(FCNet().eval())
    py_path = os.path.join(a.workdir, "python_fcnet.pt")
    py.save(py_path)
    pred2 = os.path.join(a.workdir, "pred_python.h5")
    out = run([a.cli, "-q", "predict", "--model", py_path, "--preprocess",
               os.path.join(rundir, "preprocess.json"), "--data", data, "--out", pred2])
    with h5py.File(pred2, "r") as f:
        ids2, raw = np.array(f["id"]), np.array(f["score"])
    with torch.no_grad():
        ref = py(lecture_inputs(data, ids2, 500, 1000)).numpy()[:, 0]
    err2 = np.max(np.abs(ref - raw))
    assert err2 < 1e-5, f"python model mismatch {err2}"
    print(f"Python-scripted FCNet in wavelearn predict: {len(ids2)} events, max diff {err2:.2e}")
    print(out.strip())


if __name__ == "__main__":
    main()
