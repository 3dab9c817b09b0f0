#!/usr/bin/python3
"""A straightforward NumPy implementation of the DSP parameters of specs/dsp.md, timed.

The reference the C++ DSP chain (`wavelearn dsp`, bench_dsp) is compared with: written as a
physicist would write it with NumPy, vectorised over a block of waveforms where that is
natural (cumulative sums for filters and window means, boolean masks + argmax for threshold
crossings), no hand tuning, one thread. Times are configured in ns and converted with the
file's sampling period (attribute `sample_period_ns`, else --sample-period-ns).

Per waveform, with the C++ chain's default settings: tp0 (walking back from the 50 % point of
the smoothed waveform to a few baseline sigma), baseline mean/std/slope before tp0,
pole-zero correction (tau per detector: median tail fit of a sample, unless --tau-ns),
trapezoidal energy (pick-off after tp0, and maximum), smoothed current maximum A, A/E,
1/10/50/90/99.9 % crossings of the trapezoid energy (interpolated; 50 % walking back from
the maximum, lower back from there, higher forward), drift and rise time, DCR, LQ, tail tau.
On the same file its values match `wavelearn dsp` event by event (DCR up to the tau
estimate, which here uses the first waveforms rather than a sample spread over the file).

Only the processing is timed (the read is reported separately). Prints waveforms/s; --json
writes the figures for scripts/bench; --out writes the parameters (.npz) for cross-checks.
"""
import argparse
import json
import os
import sys
import time

import h5py
import numpy as np

FRACTIONS = (0.01, 0.10, 0.50, 0.90, 0.999)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="MJD-format HDF5 file")
    p.add_argument("--events", type=int, default=2000, help="waveforms to process (from the start)")
    p.add_argument("--block", type=int, default=1000, help="waveforms per vectorised block")
    p.add_argument("--repeats", type=int, default=1, help="process the waveforms this many times")
    p.add_argument("--sample-period-ns", type=float, default=10.0,
                   help="used when the file does not record it")
    # Defaults are those of the C++ chain (include/wavelearn/dsp/chain.hpp), so both do the
    # same work.
    p.add_argument("--tau-ns", type=float, default=None,
                   help="pole-zero constant (default: per detector from the tails of a sample)")
    p.add_argument("--tau-sample-events", type=int, default=4000)
    p.add_argument("--baseline-probe-ns", type=float, default=2000.0)
    p.add_argument("--baseline-margin-ns", type=float, default=100.0)
    p.add_argument("--tp0-smoothing-ns", type=float, default=50.0)
    p.add_argument("--tp0-nsigma", type=float, default=3.0)
    p.add_argument("--tp0-walkback-ns", type=float, default=200.0)
    p.add_argument("--max-rise-ns", type=float, default=3000.0)
    p.add_argument("--trap-rise-ns", type=float, default=4000.0)
    p.add_argument("--trap-flat-ns", type=float, default=2500.0)
    p.add_argument("--trap-pickoff-ns", type=float, default=6000.0, help="after tp0")
    p.add_argument("--current-window-ns", type=float, default=50.0)
    p.add_argument("--current-passes", type=int, default=3)
    p.add_argument("--dcr-start-ns", type=float, default=1500.0, help="after tp99.9")
    p.add_argument("--dcr-width-ns", type=float, default=2000.0)
    p.add_argument("--dcr-gap-ns", type=float, default=10000.0)
    p.add_argument("--lq-fraction", type=float, default=0.8)
    p.add_argument("--lq-window-ns", type=float, default=2000.0)
    p.add_argument("--lq-ref-width-ns", type=float, default=1000.0)
    p.add_argument("--tail-start-ns", type=float, default=2000.0, help="after the rise, for tail tau")
    p.add_argument("--tail-blocks", type=int, default=8)
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--out", help="write the parameters to this .npz file")
    return p.parse_args()


def prefix_sum(x):
    """[0, cumsum(x)] along axis 1, so window sums are two look-ups."""
    c = np.zeros((x.shape[0], x.shape[1] + 1))
    np.cumsum(x, axis=1, out=c[:, 1:])
    return c


def trailing_average(x, w):
    """Mean of the last w samples (fewer at the start), along axis 1."""
    c = prefix_sum(x)
    out = np.empty_like(x, dtype=np.float64)
    w = min(w, x.shape[1])
    out[:, :w] = c[:, 1:w + 1] / np.arange(1, w + 1)
    out[:, w:] = (c[:, w + 1:] - c[:, 1:-w]) / w
    return out


def centred_average(x, w):
    """Centred moving average of width w along axis 1 (same length, edges repeat the
    nearest full window)."""
    c = prefix_sum(x)
    valid = (c[:, w:] - c[:, :-w]) / w
    left = w // 2
    return np.pad(valid, ((0, 0), (left, x.shape[1] - valid.shape[1] - left)), mode="edge")


def window_mean(csum, start, width):
    """Mean of x[start:start+width] per row from csum = [0, cumsum(x)]; NaN where outside."""
    n = csum.shape[1] - 1
    ok = (start >= 0) & (start + width <= n)
    s = np.clip(start, 0, max(n - width, 0))
    rows = np.arange(csum.shape[0])
    return np.where(ok, (csum[rows, s + width] - csum[rows, s]) / width, np.nan)


def last_true(mask):
    """Index of the last True per row, -1 if none."""
    idx = np.arange(mask.shape[1])
    return np.where(mask, idx[None, :], -1).max(axis=1)


def crossing_back(z, thr, top, lo):
    """Interpolated crossing of thr walking back from index top: the last sample below thr
    (at or after lo) and the next one. NaN if none."""
    idx = np.arange(z.shape[1])[None, :]
    j = last_true((z < thr[:, None]) & (idx < top[:, None]) & (idx >= lo))
    rows = np.arange(len(j))
    jj = np.clip(j, 0, z.shape[1] - 2)
    z0, z1 = z[rows, jj], z[rows, jj + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip((thr - z0) / (z1 - z0), 0.0, 1.0)
    return np.where(j >= 0, jj + frac, np.nan)


def crossing_forward(z, thr, start, stop):
    """Interpolated crossing of thr walking forward from index start (before stop): the
    first sample pair with z[j+1] >= thr. NaN if none."""
    L = z.shape[1]
    idx = np.arange(L - 1)[None, :]
    mask = (z[:, 1:] >= thr[:, None]) & (idx >= start[:, None]) & (idx + 1 < stop[:, None])
    j = np.argmax(mask, axis=1)
    rows = np.arange(len(j))
    found = mask[rows, j]
    z0, z1 = z[rows, j], z[rows, j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(z0 >= thr, j, j + (thr - z0) / (z1 - z0))
    return np.where(found, t, np.nan)


def baseline_stats(csum, csum2, csumi, lo, hi):
    """Mean, std and slope (per sample) of x[lo:hi) per row, from prefix sums of x, x^2, i*x."""
    rows = np.arange(csum.shape[0])
    n = (hi - lo).astype(np.float64)
    s1 = csum[rows, hi] - csum[rows, lo]
    s2 = csum2[rows, hi] - csum2[rows, lo]
    si = csumi[rows, hi] - csumi[rows, lo]
    mean = s1 / n
    std = np.sqrt(np.maximum(s2 / n - mean ** 2, 0.0))
    ibar = (lo + hi - 1) / 2.0
    sxx = n * (n * n - 1) / 12.0
    slope = (si - ibar * s1) / sxx
    return mean, std, slope


def tail_tau_ns(x, begin, n_blocks, dt_ns):
    """Per-pulse decay constant: log-linear fit of n_blocks block means from begin to the
    end of the record (x baseline-subtracted, no pole-zero). NaN where not measurable."""
    n, L = x.shape
    c = prefix_sum(x)
    rows = np.arange(n)[:, None]
    width = np.maximum((L - begin) // n_blocks, 1)
    starts = begin[:, None] + np.arange(n_blocks)[None, :] * width[:, None]
    ok = (begin + n_blocks * width <= L) & (L - begin >= 2 * n_blocks)
    starts = np.clip(starts, 0, L - 1)
    ends = np.clip(starts + width[:, None], 0, L)
    means = (c[rows, ends] - c[rows, starts]) / width[:, None]
    t = (starts + width[:, None] / 2.0) * dt_ns
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(np.where(means > 0, means, np.nan))
        tm, ym = t.mean(axis=1, keepdims=True), y.mean(axis=1, keepdims=True)
        slope = ((t - tm) * (y - ym)).sum(axis=1) / ((t - tm) ** 2).sum(axis=1)
        tau = -1.0 / slope
    return np.where(ok & np.isfinite(tau) & (tau > 0), tau, np.nan)


class Params:
    """The configuration in samples for one sampling period."""

    def __init__(self, a, dt_ns):
        ns = lambda t: max(1, int(round(t / dt_ns)))  # noqa: E731
        self.dt = dt_ns
        self.probe, self.margin = ns(a.baseline_probe_ns), ns(a.baseline_margin_ns)
        self.tp0_window, self.walkback = ns(a.tp0_smoothing_ns), ns(a.tp0_walkback_ns)
        self.max_rise = ns(a.max_rise_ns)
        self.r, self.f, self.pick = ns(a.trap_rise_ns), ns(a.trap_flat_ns), ns(a.trap_pickoff_ns)
        self.cur_w, self.passes = ns(a.current_window_ns), a.current_passes
        self.dcr_start, self.dcr_width, self.dcr_gap = ns(a.dcr_start_ns), ns(a.dcr_width_ns), ns(a.dcr_gap_ns)
        self.lq_fraction, self.lq_window, self.lq_ref = a.lq_fraction, ns(a.lq_window_ns), ns(a.lq_ref_width_ns)
        self.tail_start, self.tail_blocks = ns(a.tail_start_ns), a.tail_blocks
        self.tp0_nsigma = a.tp0_nsigma
        self.flat_nsigma = 5.0


def find_tp0(wf, p):
    """Provisional baseline, then tp0 walking back from the 50 % point of the smoothed raw
    waveform to the tp0_nsigma crossing and further while it still falls. Returns
    (tp0 index (float, NaN if no rise), provisional mean, provisional std)."""
    n, L = wf.shape
    idx = np.arange(L)[None, :]
    probe = wf[:, :p.probe]
    m0, s0 = probe.mean(axis=1), probe.std(axis=1)
    x0 = wf - m0[:, None]
    amp = x0.max(axis=1)
    imax = x0.argmax(axis=1)
    rising = amp > p.flat_nsigma * s0
    t50 = last_true((x0 < 0.5 * amp[:, None]) & (idx < imax[:, None])) + 1
    sm = trailing_average(x0, p.tp0_window)
    thr = p.tp0_nsigma * s0 / np.sqrt(p.tp0_window)
    c = last_true((sm < thr[:, None]) & (idx < t50[:, None]))
    # Walk back while the smoothed waveform still decreases (at most walkback samples).
    d = np.diff(sm, axis=1, prepend=sm[:, :1])
    stop = last_true((d <= 0) & (idx <= c[:, None]) & (idx > (c - p.walkback)[:, None]))
    tp0 = np.where(stop >= 0, stop, np.maximum(c - p.walkback, 0)).astype(np.float64)
    tp0 = np.where(rising & (c >= 0), tp0, np.nan)
    return tp0, m0, s0


def process_block(wf, p, tau_ns):
    """All parameters of a block of raw waveforms (n, L); tau_ns per waveform (NaN: none)."""
    n, L = wf.shape
    wf = wf.astype(np.float64)
    rows = np.arange(n)
    idx = np.arange(L)[None, :]
    out = {}

    tp0, m0, s0 = find_tp0(wf, p)
    ok = np.isfinite(tp0)
    tp0_i = np.where(ok, tp0, p.probe + p.margin).astype(int)
    out["tp0_ns"] = tp0 * p.dt

    # Final baseline on [0, tp0 - margin).
    c1 = prefix_sum(wf)
    c2 = prefix_sum(wf * wf)
    ci = prefix_sum(wf * np.arange(L))
    b_end = np.clip(tp0_i - p.margin, 4, L)
    mean, std, slope = baseline_stats(c1, c2, ci, np.zeros(n, int), b_end)
    out["baseline_mean_adc"], out["baseline_std_adc"] = mean, std
    out["baseline_slope_adc_per_ns"] = slope / p.dt
    y = wf - mean[:, None]

    # Pole-zero: z[k] = y[k] + (1 - a) * sum_{j<k} y[j], a = exp(-dt / tau).
    a = np.where(np.isfinite(tau_ns) & (tau_ns > 0), np.exp(-p.dt / np.nan_to_num(tau_ns, nan=1.0)), 1.0)
    z = y.copy()
    z[:, 1:] += (1.0 - a)[:, None] * np.cumsum(y, axis=1)[:, :-1]
    zc = prefix_sum(z)

    # Trapezoid over the whole record (as one writes it), picked off at tp0 + pickoff and
    # its maximum after tp0 + rise.
    r, f = p.r, p.f
    trap = np.full((n, L), np.nan)
    m = 2 * r + f
    if L >= m:  # trap[:, k-1] covers z[k-m : k]: (last r samples - r samples before the gap) / r
        trap[:, m - 1:] = ((zc[:, m:] - zc[:, m - r:L + 1 - r])
                           - (zc[:, r:L + 1 - r - f] - zc[:, :L + 1 - m])) / r
    pick = tp0_i + p.pick
    energy = np.where(ok & (pick < L), trap[rows, np.minimum(pick, L - 1)], np.nan)
    out["energy_trap_adc"] = energy
    in_top = (idx >= (tp0_i + r)[:, None]) & (idx <= (tp0_i + r + max(f, p.max_rise))[:, None])
    with np.errstate(invalid="ignore"):
        tmax = np.where(in_top, trap, -np.inf).max(axis=1)
    out["energy_trap_max_adc"] = np.where(ok & np.isfinite(tmax), tmax, np.nan)
    good_e = ok & (energy > 0)

    # Time points: fractions of the amplitude (the trapezoid energy, noise-averaged, unless
    # above the maximum within max_rise after tp0). 50 % walking back from the maximum,
    # lower fractions back from there, higher ones forward.
    end = tp0_i + p.max_rise + 1
    in_rise = (idx >= tp0_i[:, None]) & (idx < end[:, None])
    zr = np.where(in_rise, z, -np.inf)
    top_i = zr.argmax(axis=1)
    top = zr[rows, top_i]
    ok &= top > p.flat_nsigma * std
    amp = np.where(good_e & (energy <= top), energy, top)
    t50 = np.where(ok, crossing_back(z, 0.5 * amp, top_i, 0), np.nan)
    t50_i = np.where(np.isfinite(t50), np.nan_to_num(t50), top_i).astype(int)
    tp = {"tp50_ns": t50}
    for name, fr in (("tp01_ns", 0.01), ("tp10_ns", 0.10)):
        tp[name] = np.where(np.isfinite(t50), crossing_back(z, fr * amp, t50_i + 1, 0), np.nan)
    for name, fr in (("tp90_ns", 0.90), ("tp999_ns", 0.999), ("lq", p.lq_fraction)):
        tp[name] = np.where(np.isfinite(t50), crossing_forward(z, fr * amp, t50_i, end), np.nan)
    for name in ("tp01_ns", "tp10_ns", "tp50_ns", "tp90_ns", "tp999_ns"):
        out[name] = tp[name] * p.dt
    out["drift_time_ns"] = (tp["tp999_ns"] - tp0) * p.dt
    out["rise_time_ns"] = (tp["tp90_ns"] - tp["tp10_ns"]) * p.dt

    # Current: derivative over a moving window, then a few passes of a moving average.
    w = p.cur_w
    cur = np.zeros_like(z)
    cur[:, w:] = (z[:, w:] - z[:, :-w]) / w
    for _ in range(p.passes):
        cur = centred_average(cur, w)
    A = cur.max(axis=1) / p.dt
    out["current_amp_adc_per_ns"] = np.where(ok, A, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["avse_raw"] = np.where(good_e, A / energy, np.nan)

    # DCR: two windows of the corrected tail, after the end of the rise.
    t999_i = np.ceil(np.nan_to_num(tp["tp999_ns"], nan=0.0)).astype(int)
    w1 = window_mean(zc, t999_i + p.dcr_start, p.dcr_width)
    w2 = window_mean(zc, t999_i + p.dcr_start + p.dcr_gap, p.dcr_width)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["dcr_raw"] = np.where(good_e, (w2 - w1) / energy / (p.dcr_gap * p.dt / 1000.0), np.nan)

    # LQ: area between the final value and the waveform from the lq_fraction crossing over
    # lq_window (trapezoid rule from the interpolated crossing), over energy.
    t_lq = tp["lq"]
    fin = np.isfinite(t_lq)
    i_lq = np.nan_to_num(t_lq, nan=0.0).astype(int)
    frac = np.nan_to_num(t_lq, nan=0.0) - i_lq
    to = i_lq + p.lq_window + 1
    ref = window_mean(zc, to, p.lq_ref)
    seg = (idx > i_lq[:, None]) & (idx < to[:, None])
    inner = np.where(seg, ref[:, None] - z, 0.0).sum(axis=1)
    z0 = z[rows, np.minimum(i_lq, L - 1)]
    z1 = z[rows, np.minimum(i_lq + 1, L - 1)]
    zl = z[rows, np.clip(to - 1, 0, L - 1)]
    x_from = z0 + frac * (z1 - z0)
    area = ((1.0 - frac) * ((ref - x_from) + (ref - z1)) / 2.0
            + inner - 0.5 * (ref - z1) - 0.5 * (ref - zl))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["lq_raw"] = np.where(good_e & fin, area * p.dt / energy, np.nan)

    # Tail decay constant of the raw (baseline-subtracted) tail.
    rise_end = np.where(np.isfinite(tp["tp999_ns"]), t999_i, top_i)
    out["tail_tau_ns"] = np.where(ok, tail_tau_ns(y, rise_end + p.tail_start, p.tail_blocks, p.dt), np.nan)
    return out


def estimate_tau(wf, detector, p):
    """Pole-zero constant per detector: median of the per-pulse tail fits of a sample."""
    tp0, m0, _ = find_tp0(wf, p)
    tp0_i = np.where(np.isfinite(tp0), tp0, p.probe).astype(int)
    y = wf - m0[:, None]
    begin = tp0_i + p.max_rise + p.tail_start
    taus = tail_tau_ns(y, begin, p.tail_blocks, p.dt)
    out = {}
    for d in np.unique(detector):
        t = taus[(detector == d) & np.isfinite(taus)]
        out[d] = float(np.median(t)) if len(t) else np.nan
    return out


def main():
    a = parse_args()
    if a.events < 1 or a.block < 1 or a.repeats < 1:
        sys.exit("error: --events, --block and --repeats must be >= 1")
    t0 = time.perf_counter()
    with h5py.File(a.data, "r") as f:
        if "raw_waveform" not in f:
            sys.exit(f"error: {a.data}: no dataset raw_waveform")
        ds = f["raw_waveform"]
        n = min(a.events, ds.shape[0])
        wf = ds[:n].astype(np.float32)
        # The sampling period: on the dataset or the file (the simulator writes it), else MJD's.
        dt_ns = float(ds.attrs.get("sample_period_ns", f.attrs.get("sample_period_ns", f.attrs.get(
            "sim_sample_period_ns", a.sample_period_ns))))
        detector = np.array(f["detector"][:n]) if "detector" in f else np.zeros(n, int)
    t_read = time.perf_counter() - t0
    L = wf.shape[1]
    p = Params(a, dt_ns)
    if L < p.probe + 2:
        sys.exit(f"error: {a.data}: records of {L} samples are shorter than the baseline probe")

    results = None
    t_tau = t_chain = 0.0
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        if a.tau_ns:
            tau = np.full(n, a.tau_ns)
        else:
            m = min(n, a.tau_sample_events)
            by_det = estimate_tau(wf[:m].astype(np.float64), detector[:m], p)
            tau = np.array([by_det.get(d, np.nan) for d in detector])
        t1 = time.perf_counter()
        parts = [process_block(wf[b:b + a.block], p, tau[b:b + a.block]) for b in range(0, n, a.block)]
        results = {k: np.concatenate([q[k] for q in parts]) for k in parts[0]}
        t_tau += t1 - t0
        t_chain += time.perf_counter() - t1
    t_proc = t_tau + t_chain
    wps = n * a.repeats / t_proc

    summary = {k: float(np.nanmedian(v)) if np.isfinite(v).any() else None for k, v in results.items()}
    res = {
        "tool": "dsp_numpy.py",
        "data": os.path.abspath(a.data),
        "events": n,
        "samples": L,
        "sample_period_ns": dt_ns,
        "repeats": a.repeats,
        "block": a.block,
        "read_s": t_read,
        "process_s": t_proc,
        "tau_estimate_s": t_tau,
        "chain_s": t_chain,
        # Whole job (tau estimate included, as `wavelearn dsp` does) and the per-waveform
        # chain alone (as bench_dsp's BM_Chain, which is given tau).
        "waveforms_per_s": wps,
        "chain_waveforms_per_s": n * a.repeats / t_chain,
        "median": summary,
    }
    print(f"dsp_numpy: {n} waveforms x {a.repeats} of {L} samples in {t_proc:.3f} s: "
          f"{wps:.0f} waveforms/s, chain alone {res['chain_waveforms_per_s']:.0f} waveforms/s "
          f"(tau estimate {t_tau:.3f} s, read {t_read:.3f} s)")
    if a.json:
        with open(a.json + ".tmp", "w") as fo:
            json.dump(res, fo, indent=1)
        os.replace(a.json + ".tmp", a.json)
    if a.out:
        tmp = a.out + ".tmp.npz"
        np.savez(tmp, **results)
        os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
