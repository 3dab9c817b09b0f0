// `wavelearn fidelity`: the samples, the W1 per parameter, the C2ST, and the outputs.
#include "wavelearn/fidelity/fidelity.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "samples.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::fidelity {

namespace fs = std::filesystem;
using core::InputError;

namespace {

void check_options(const FidelityOptions& o) {
  const auto& s = o.c2st;
  if (o.reference.empty()) throw InputError("fidelity --reference: a waveform file is needed");
  if (s.max_events < kMinEventsPerSample)
    throw InputError("fidelity --max-events: at least " + std::to_string(kMinEventsPerSample) + " per sample");
  if (s.epochs < 0 || s.epochs > 1000) throw InputError("fidelity --epochs: must be from 0 (automatic) to 1000");
  if (s.min_steps < 1) throw InputError("fidelity: the C2ST needs at least one optimiser step");
  if (s.batch_size < 2) throw InputError("fidelity --batch-size: at least 2 (the classifier uses batch norm)");
  if (s.bootstrap_replicas < 2) throw InputError("fidelity --bootstrap: at least 2 replicas");
  if (!(s.test_fraction >= 0.1 && s.test_fraction <= 0.9))
    throw InputError("fidelity: the C2ST test fraction must be from 0.1 to 0.9");
  if (!(s.learning_rate > 0) || !std::isfinite(s.learning_rate))
    throw InputError("fidelity: the C2ST learning rate must be a positive number");
  for (const double t : {s.before_tp50_ns, s.after_tp50_ns})
    if (!(t > 0) || !std::isfinite(t))
      throw InputError("fidelity --window-before-ns/--window-after-ns: must be positive numbers");
}

std::vector<double> mean_window(const detail::Windows& w) {
  std::vector<double> m(w.length, 0.0);
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t k = 0; k < w.length; ++k) m[k] += w.values[i * w.length + k];
  for (auto& v : m) v /= double(std::max<std::size_t>(w.n, 1));
  return m;
}

std::vector<std::size_t> usable_or_refuse(const detail::Sample& s, const detail::WindowGeometry& g,
                                          std::size_t n_samples, double dt_ns) {
  auto rows = detail::usable_rows(s, g, n_samples, dt_ns);
  if (rows.size() < kMinEventsPerSample)
    throw InputError("fidelity: " + s.path + ": only " + std::to_string(rows.size()) + " of the " +
                     std::to_string(s.events.size()) + " events of the " + s.label +
                     " have a measurable rising edge (tp50, baseline, energy, window inside the record); the "
                     "C2ST needs " + std::to_string(kMinEventsPerSample));
  return rows;
}

// Equally many windows of each sample, evenly spaced over its usable events.
C2stResult classifier_test(const detail::Samples& s, const FidelityOptions& o) {
  const auto g = detail::window_geometry(o.c2st, s.sample_period_ns);
  if (g.length < 16 || g.length > s.n_samples)
    throw InputError("fidelity: the C2ST window of " + std::to_string(g.length) + " samples does not fit records of " +
                     std::to_string(s.n_samples) + " samples (--window-before-ns, --window-after-ns)");
  const auto ur = usable_or_refuse(s.reference, g, s.n_samples, s.sample_period_ns);
  const auto uc = usable_or_refuse(s.candidate, g, s.n_samples, s.sample_period_ns);
  const std::size_t k = std::min({ur.size(), uc.size(), o.c2st.max_events});
  const auto wr = detail::read_windows(s.reference, detail::evenly_spaced(ur, k), g, s.sample_period_ns);
  const auto wc = detail::read_windows(s.candidate, detail::evenly_spaced(uc, k), g, s.sample_period_ns);
  auto r = detail::run_c2st(wr, wc, o.c2st, o.seed, o.threads, o.quiet);
  r.usable_reference = ur.size();
  r.usable_candidate = uc.size();
  r.mean_window_reference = mean_window(wr);
  r.mean_window_candidate = mean_window(wc);
  return r;
}

}  // namespace

FidelityResult measure_fidelity(const FidelityOptions& o) {
  check_options(o);
  const auto t0 = std::chrono::steady_clock::now();
  const auto s = detail::load_samples(o);
  FidelityResult r;
  r.self_split = s.self_split;
  r.reference = s.reference.path;
  r.candidate = s.candidate.path;
  r.reference_label = s.reference.label;
  r.candidate_label = s.candidate.label;
  r.n_reference = s.reference.events.size();
  r.n_candidate = s.candidate.events.size();
  r.quality_ok_reference = s.reference.quality_ok;
  r.quality_ok_candidate = s.candidate.quality_ok;
  r.sample_period_ns = s.sample_period_ns;
  r.n_samples = s.n_samples;
  r.seed = o.seed;
  r.parameters = detail::compare_parameters(s.reference, s.candidate, o.seed);
  r.c2st = classifier_test(s, o);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void write_fidelity(const FidelityResult& r, const fs::path& dir, bool force) {
  const auto out = run::RunDir::claim_for_output(dir, "fidelity.json", force);
  report::HtmlReport page;
  page.title = "Fidelity: " + fs::path(r.candidate).filename().string() + " against " +
               fs::path(r.reference).filename().string();
  page.subtitle = r.self_split ? "sanity check: the even events of " + r.reference + " against its odd events"
                               : "candidate " + r.candidate + " against reference " + r.reference;
  page.sections = fidelity_sections(r, out.path());
  report::write_html(page, out.file("fidelity.html"));
  // Written last: the marker of a finished output directory.
  out.write_json("fidelity.json", fidelity_json(r));
}

FidelityResult run_fidelity(const FidelityOptions& o, const fs::path& out, bool force) {
  if (out.empty()) throw InputError("fidelity --out: an output directory is needed");
  if (fs::exists(out) && !fs::is_directory(out)) throw InputError(out.string() + ": exists and is not a directory");
  core::refuse_overwrite(out / "fidelity.json", force);
  // The directory is claimed once the work is done: a refusal leaves nothing behind.
  auto r = measure_fidelity(o);
  write_fidelity(r, out, force);
  return r;
}

}  // namespace wl::fidelity
