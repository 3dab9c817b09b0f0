#!/usr/bin/python3
"""`wavelearn explain`'s integrated gradients equal the Captum-style loop in python3-torch
(bench/reference/ig_torch.py) on the same TorchScript model and windows."""
import argparse
import json
import os
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    data = os.path.join(a.workdir, "toy.h5")
    run(["/usr/bin/python3", os.path.join(a.source, "tests", "interop", "make_toy_mjd.py"), data,
         "--events", "600", "--seed", "9"])
    run_dir, out = os.path.join(a.workdir, "cnn"), os.path.join(a.workdir, "explain")
    run([a.cli, "-q", "--threads", "2", "train", "--config", os.path.join(a.source, "configs", "cnn.toml"), "--data",
         data, "--out", run_dir, "--force", "--set", "train.epochs=1", "--set", "data.energy_threshold_kev=500",
         "--set", "eval.bootstrap_replicas=10"])
    run([a.cli, "-q", "--threads", "2", "explain", "--model", run_dir, "--out", out, "--force", "--methods",
         "integrated_gradients", "--max-events", "40", "--ig-steps", "16"])
    result = os.path.join(a.workdir, "ig_torch.json")
    run(["/usr/bin/python3", os.path.join(a.source, "bench", "reference", "ig_torch.py"),
         os.path.join(run_dir, "model.pt"), os.path.join(out, "attributions.h5"), "--steps", "16", "--threads", "2",
         "--json", result])
    diff = json.load(open(result))["max_abs_diff_rel"]
    print(f"largest difference from python3-torch: {diff:.2e} of the largest attribution")
    if not diff < 1e-4:
        sys.exit(f"FAILED: integrated gradients differ from python3-torch by {diff:.2e}")


if __name__ == "__main__":
    main()
