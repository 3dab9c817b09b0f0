// The CycleGAN's target domain: data.target_file opened on the source's grid, split and
// prepared like the source, and what the run keeps of it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "resampled_reader.hpp"
#include "translation.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::gen::detail {

using core::InputError;

namespace {

std::string key_error(const std::string& path, const std::string& what) {
  return "data.target_file: " + path + ": " + what;
}

bool same_period(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(a, b); }

// The target as the source's grid shows it: unchanged at the same period (any length),
// else resampled from its first sample over as much of the source's record length as its
// record covers. The resampling line goes into the run's records.
std::unique_ptr<io::WaveformReader> open_on_grid(const std::string& path, const RenderModel& source,
                                                 nlohmann::json& record) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(key_error(path, "no such file"));
  auto r = io::open_reader(path);
  if (r->n_events() == 0) throw InputError(key_error(path, "no events"));
  if (r->fields().energy.empty() || !r->has_field(r->fields().energy))
    throw InputError(key_error(path, "no energy field ('" + r->fields().energy +
                                         "'): target shapes are scaled by energy x gain like the source's"));
  const double from = r->sample_period_ns(), to = source.sample_period_ns;
  record["target_sample_period_ns"] = from;
  record["target_samples"] = r->n_samples();
  if (same_period(from, to)) {
    record["resampling"] = "none (same sampling period)";
    return r;
  }
  dsp::ResampleSpec spec;
  spec.from_period_ns = from;
  spec.from_samples = r->n_samples();
  spec.to_period_ns = to;
  const double covered = std::floor(static_cast<double>(r->n_samples() - 1) * from / to) + 1.0;
  spec.to_samples = static_cast<std::size_t>(
      std::max(1.0, std::min(static_cast<double>(source.trace_samples), std::isfinite(covered) ? covered : 1.0)));
  try {
    spec.validate();
  } catch (const InputError& e) {
    throw InputError(key_error(path, e.what()));
  }
  record["resampling"] = spec.describe();
  return std::make_unique<ResampledReader>(std::move(r), spec);
}

}  // namespace

void check_translation_prep(const PrepSpec& prep) {
  if (!prep.topology_field.empty())
    throw InputError("config key 'data.topology_field' = \"" + prep.topology_field +
                     "\": a cyclegan conditions on energy only (the target domain is unlabelled); set it to \"\"");
  if (prep.condition_detector)
    throw InputError("config key 'data.condition_detector' = true: a cyclegan conditions on energy only (the "
                     "target's detectors need not be the source's); set it to false");
}

TargetDomain prepare_target(const std::string& path, const GenConfig& g, const RenderModel& source, bool quiet) {
  TargetDomain t;
  t.file = path;
  t.record["target_file"] = std::filesystem::absolute(path).lexically_normal().string();
  t.record["source_sample_period_ns"] = source.sample_period_ns;
  t.record["source_samples"] = source.trace_samples;
  auto reader = open_on_grid(path, source, t.record);
  const auto parts = file_parts(*reader, g.fractions, g.seed, g.group_by);
  std::vector<std::size_t> train, val;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == core::kTrainPart) train.push_back(i);
    if (parts[i] == core::kValidationPart) val.push_back(i);
  }
  if (train.empty()) throw InputError(key_error(path, "no events in the training part (data.train_fraction)"));
  if (!quiet)
    std::fprintf(stderr, "preparing %zu training and %zu validation target events (%s)\n", train.size(), val.size(),
                 t.record["resampling"].get<std::string>().c_str());
  t.render = fit_render_model(*reader, train, g.prep);
  // One condition scale for both domains, and the source's record length for rendering.
  t.render.energy_scale_kev = source.energy_scale_kev;
  t.render.trace_samples = source.trace_samples;
  const auto tr = prepare_shapes(*reader, train, t.render);
  const auto va = prepare_shapes(*reader, val, t.render);
  if (tr.size() < 2) throw InputError(key_error(path, "fewer than 2 usable training events"));
  t.train = to_tensors(tr, t.render.window_samples, t.render.conditions());
  t.val = to_tensors(va, t.render.window_samples, t.render.conditions());
  t.record["n_target_train"] = tr.size();
  t.record["n_target_validation"] = va.size();
  t.record["window"] = "translation works on the prepared window (data.window_samples from tp0 - data.pre_samples, "
                       "baseline removed, divided by energy x gain); the target's render fit adds its baseline, "
                       "tail and noise";
  return t;
}

void save_target(const TargetDomain& t, const run::RunDir& dir) {
  std::filesystem::create_directories(dir.file("target"));
  save_render_model(t.render, dir.file("target"));
  auto record = t.record;
  record["target_render"] = render_summary(t.render);
  dir.write_json("translation.json", record);
  auto metrics = dir.read_json("metrics.json");
  metrics["translation"] = t.record;
  dir.write_json("metrics.json", metrics);
}

}  // namespace wl::gen::detail
