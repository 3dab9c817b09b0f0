#pragma once
// For what needs more of a network than its scores (explain: gradients with respect to the
// input window): the TorchScript module of a neural Scorer and the prepared data of an
// EventSource it opened. Includes libtorch; the rest of the run layer's headers do not.
#include <torch/script.h>

#include <memory>

#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

struct NeuralAccess {
  torch::jit::Module module;  // eval mode, on the scorer's device (--device); shares its parameters
  data::PredictionData data;  // the source's dataset and preprocessor (rows = EventTable rows)
  std::string model_path;
};

// InputError when the scorer is of another family.
NeuralAccess neural_access(const Scorer& scorer, EventSource& source);

}  // namespace wl::run
