#pragma once
// The CycleGAN's target domain (data.target_file) in the generator run, and what a
// translation run keeps of it (docs/generative.md, "Sim to data"). Internal to src/gen.
#include <string>

#include <nlohmann/json.hpp>

#include "gen_run.hpp"

namespace wl::gen::detail {

struct TargetDomain {
  std::string file;
  RenderModel render;     // the target's gains, tails, baselines and noise, on the source's grid
  Tensors train, val;     // target shapes (its training and validation parts)
  nlohmann::json record;  // file, grids, resampling, counts: metrics.json "translation", translation.json
};

// A translation model's conditions are the scaled energy only: the target is unlabelled
// (no topology) and may hold other detectors. InputError naming the key otherwise.
void check_translation_prep(const PrepSpec& prep);

// Opens data.target_file (InputError naming it when missing, empty or without waveforms),
// puts it on the source's grid when its sampling period differs (dsp::resample; InputError
// "cannot resample ..." when it cannot), splits it like the source (seed, fractions) and
// prepares its training and validation shapes with its own render fit, conditioned on the
// source's energy scale.
TargetDomain prepare_target(const std::string& path, const GenConfig& g, const RenderModel& source, bool quiet);

// target/render.json + target/noise.f32, translation.json, and the "translation" block of
// metrics.json (after finish_run wrote it).
void save_target(const TargetDomain& t, const run::RunDir& dir);

}  // namespace wl::gen::detail
