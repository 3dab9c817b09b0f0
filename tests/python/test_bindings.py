"""The Python bindings against the command line on the same events (run by ctest under
Debian's python3: test_bindings.py WAVELEARN_CLI SEED_CONFIG). Writes only to a temp dir."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

import wavelearn as wl

CLI, CONFIG = sys.argv[1], sys.argv[2]
os.environ["WAVELEARN_CLI"] = CLI


def cli(*args):
    subprocess.run([CLI, "-q", "--threads", "2"] + list(args), check=True)


def check_simulate():
    sim = wl.simulate(300, seed=5, threads=2)
    w = sim["waveforms"]
    assert w.shape == (300, 3800) and w.dtype == np.float32, (w.shape, w.dtype)
    assert sim["sample_period_ns"] == 10.0
    for name in ("id", "detector", "tp0", "truth_energy_kev", "truth_n_sites", "truth_event_class"):
        assert sim[name].shape == (300,), name
    assert np.all(sim["truth_n_sites"] >= 1) and np.all(sim["truth_energy_kev"] > 0)
    assert np.array_equal(sim["id"], np.arange(300)) or len(np.unique(sim["id"])) == 300
    # The same seed gives the same events on any number of threads.
    assert np.array_equal(w, wl.simulate(300, seed=5, threads=1)["waveforms"])
    return sim


def check_file(path, sim_file):
    r = wl.open(path)
    assert r.n_events == 400 and r.format == "mjd", (r.n_events, r.format)
    with h5py.File(path, "r") as f:
        ref = f["raw_waveform"][10:50, 500:1500].astype(np.float32)
        energy = f["energy_label"][()]
    win = r.waveforms(10, 50, 500, 1500)
    assert win.shape == (40, 1000) and np.array_equal(win, ref)
    assert np.array_equal(r.window_ns(5000, 15000, 10, 50), ref)
    assert np.array_equal(r.events([49, 10]), np.vstack([r.waveforms(49, 50), r.waveforms(10, 11)]))
    assert np.allclose(r.field("energy_label"), energy)
    # The file's waveforms are the generator's (simulate_to_file writes what generate makes).
    assert np.allclose(r.waveforms(), sim_file["waveforms"], atol=0.5)
    return r


def check_dsp(tmp, path, r):
    feats = os.path.join(tmp, "feats.h5")
    cli("dsp", path, "--out", feats, "--tau-ns", "65000")
    cols = wl.dsp(r.waveforms(), r.sample_period_ns, tau_ns=65000.0, threads=2)
    with h5py.File(feats, "r") as f:
        for name in ("baseline_mean_adc", "energy_trap_adc", "tp0_ns", "avse_raw", "dcr_raw", "quality"):
            ref = f[name][()]
            assert np.allclose(cols[name], ref, rtol=1e-6, equal_nan=True), name
    assert set(wl.feature_units()) <= set(cols)


def check_scores(tmp, path, r):
    run = os.path.join(tmp, "run")
    cli("train", "--config", CONFIG, "--data", path, "--out", run, "--set", "train.epochs=1")
    pred = os.path.join(tmp, "pred.h5")
    cli("predict", "-m", run, "--data", path, "--out", pred)
    with h5py.File(pred, "r") as f:
        rows = f["event_index"][()].astype(np.int64)
        ref = f["score"][()]
    assert len(ref) > 50 and np.std(ref) > 0, "predict gave too few or constant scores"
    model = wl.load_run(run)
    got = model.score(r.events(rows.tolist()), tp0=r.field("tp0")[rows], detector=r.field("detector")[rows])
    diff = np.abs(got["score"] - ref).max()
    assert diff <= 1e-6, diff
    print("scores of %d events: max |bindings - predict| = %.2e" % (len(ref), diff))
    assert np.allclose(model.score_file(path)["score"], ref, atol=0)


def check_errors(tmp):
    bad = os.path.join(tmp, "nope.h5")
    try:
        wl.open(bad)
    except wl.Error as e:
        assert bad in str(e) and isinstance(e, ValueError), str(e)
    else:
        raise AssertionError("no error for a missing file")
    try:
        wl.load_run(os.path.join(tmp, "norun"))
    except wl.Error as e:
        assert "norun" in str(e)
    else:
        raise AssertionError("no error for a missing run")


def main():
    sim = check_simulate()
    assert sim["waveforms"].base is not None  # the array views the C++ buffer: no copy
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sim.h5")
        cli("simulate", "--events", "400", "--out", path, "--seed", "7")
        r = check_file(path, wl.simulate(400, seed=7, threads=2))
        check_dsp(tmp, path, r)
        check_scores(tmp, path, r)
        check_errors(tmp)
    print("python bindings: all checks passed")


if __name__ == "__main__":
    main()
