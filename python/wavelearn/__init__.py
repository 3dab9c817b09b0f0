"""wavelearn from Python (Debian's /usr/bin/python3): waveform files, simulation, DSP and
the preprocessing of training on numpy arrays, and scoring arrays with a trained run.

    import wavelearn as wl
    f = wl.open("data.h5")                       # MJD, LH5 or generic HDF5
    x = f.waveforms(0, 1000, 500, 1500)          # (1000, 1000) float32
    sim = wl.simulate(500, seed=3)               # {'waveforms': (500, 3800), 'truth_*': ...}
    feats = wl.dsp(sim["waveforms"], 10.0)       # {'tp0_ns': (500,), ...}
    run = wl.load_run("runs/seed")               # a run made by `wavelearn train`
    s = run.score(x_full_records)                # {'score': (N,)}: what predict gives

docs/python.md describes every call. Bad input raises wavelearn.Error (a ValueError) with
the one-line message the command line prints.
"""
import json as _json
import os as _os
import subprocess as _subprocess
import tempfile as _tempfile
from builtins import open as _builtin_open

from ._wavelearn import Error, Preprocessor, Reader, dsp, feature_units, open, simulate  # noqa: F401

__all__ = ["Error", "Preprocessor", "Reader", "dsp", "feature_units", "open", "simulate", "preprocess",
           "load_run", "Run", "cli"]


def preprocess(waveforms, window_start_ns=5000.0, window_length_ns=10000.0, normalization="minmax",
               sample_period_ns=10.0):
    """The lectures' steps on (N, L) records: window [start, start + length) in ns, then per
    waveform min-max to [0, 1] ("minmax") or nothing ("none"). (N, window) float32."""
    pre = Preprocessor(window_start_ns, window_length_ns, normalization, sample_period_ns, waveforms.shape[1])
    return pre(waveforms)


def cli():
    """Path of the `wavelearn` command: $WAVELEARN_CLI, else the one built beside this package."""
    if _os.environ.get("WAVELEARN_CLI"):
        return _os.environ["WAVELEARN_CLI"]
    build = _os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.realpath(__file__))))
    path = _os.path.join(build, "apps", "wavelearn", "wavelearn")
    if not _os.path.exists(path):
        raise Error("wavelearn command not found at %s (set WAVELEARN_CLI)" % path)
    return path


def _run_cli(args):
    proc = _subprocess.run([cli(), "-q"] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise Error(lines[-1] if lines else "wavelearn %s failed (status %d)" % (args[0], proc.returncode))
    return proc


class Run:
    """A run directory of `wavelearn train` (or a bare TorchScript model.pt with its
    preprocessing). score() feeds arrays to a network through the run's own preprocessing
    with Python's torch; score_file() is `wavelearn predict` on a file, for every family."""

    def __init__(self, path):
        self.path = _os.fspath(path)
        model = self.path if self.path.endswith(".pt") else _os.path.join(self.path, "model.pt")
        record = _os.path.join(self.path, "run.json")
        if not _os.path.exists(model) and not _os.path.exists(record):
            raise Error("%s: not a run directory (no run.json or model.pt)" % self.path)
        self.record = {}
        if _os.path.exists(record):
            with _builtin_open(record) as f:
                self.record = _json.load(f)
        self.family = self.record.get("family", "neural")
        self.model_path = model
        self._module = None
        self.preprocessor = None
        self.columns = []
        if self.family == "neural" and not self.record.get("ensemble_members"):
            self._load_network(model)

    def _load_network(self, model):
        import torch
        extra = {"wavelearn_model.json": "", "preprocess.json": ""}
        self._module = torch.jit.load(model, map_location="cpu", _extra_files=extra)
        self._module.eval()
        meta = _json.loads(extra["wavelearn_model.json"]) if extra["wavelearn_model.json"] else {}
        text = extra["preprocess.json"]
        source = model + " (preprocessing)"
        if not text:
            beside = _os.path.join(_os.path.dirname(model), "preprocess.json")
            if not _os.path.exists(beside):
                raise Error("%s: the model carries no preprocessing and has no preprocess.json beside it" % model)
            with _builtin_open(beside) as f:
                text, source = f.read(), beside
        self.preprocessor = Preprocessor.from_json(text, source)
        self.columns = list(meta.get("head", {}).get("score_names", []))
        self._use_score = hasattr(self._module, "score")

    def score(self, waveforms, tp0=None, detector=None, batch_size=1024):
        """Scores of (N, L) raw records (L: the training file's record length; tp0 in samples
        for tp0-aligned windows): {column: (N,) float64}, the columns of predictions.h5."""
        if self._module is None:
            raise Error("%s: scoring arrays needs a single network (%s run); use score_file" %
                        (self.path, self.family if self.family != "neural" else "ensemble"))
        import numpy as np
        import torch
        x = self.preprocessor(waveforms, tp0, detector)
        parts = []
        with torch.no_grad():
            for b in range(0, len(x), batch_size):
                xb = torch.from_numpy(x[b:b + batch_size])
                s = self._module.score(xb) if self._use_score else self._module(xb)
                parts.append(s.reshape(len(xb), -1).double().numpy())
        scores = np.concatenate(parts) if parts else np.zeros((0, max(1, len(self.columns))))
        names = self.columns or (["score"] if scores.shape[1] == 1 else
                                 ["score_%d" % c for c in range(scores.shape[1])])
        return {n: np.ascontiguousarray(scores[:, c]) for c, n in enumerate(names)}

    def score_file(self, data, all_events=False):
        """`wavelearn predict` on a waveform file or feature table: {column: (N,) float64}."""
        import h5py
        with _tempfile.TemporaryDirectory() as tmp:
            out = _os.path.join(tmp, "predictions.h5")
            _run_cli(["predict", "-m", self.path, "--data", _os.fspath(data), "--out", out] +
                     (["--all-events"] if all_events else []))
            with h5py.File(out, "r") as f:
                return {k: f[k][()] for k in f.keys()}


def load_run(path):
    """The run in `path` (a run directory, or a TorchScript model.pt)."""
    return Run(path)
