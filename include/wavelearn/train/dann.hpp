#pragma once
// Domain-adversarial training (Ganin et al. 2016, "Domain-adversarial training of neural
// networks"): a small domain classifier on the encoder's features (the model's `features`
// method, which every waveform model has) learns to tell source events from target events,
// through a gradient-reversal layer, so the encoder learns features the classifier cannot
// separate by domain while the task head learns the labels of the source. The domain
// classifier is training-only: model.pt is the plain classifier. docs/domain-adaptation.md.
// No libtorch in this header.
#include <cstdint>
#include <memory>
#include <string>

namespace at {
class Tensor;
}

namespace wl::core {
class Config;
}

namespace wl::data {
struct TrainingPlan;
class Preprocessor;
}  // namespace wl::data

namespace wl::train {

class Trainer;

struct DannSpec {
  bool enabled = false;      // train.domain_adversarial
  std::string target_file;   // data.target_file (data/target_file.hpp)
  double weight = 1.0;       // dann.weight: the domain loss's weight against the task loss
  double lambda_max = 1.0;   // dann.lambda_max: the reversal's final strength
  double gamma = 10.0;       // dann.gamma: how fast the strength rises
  int64_t hidden = 32;       // dann.hidden: the domain classifier's hidden units
};

// Reads train.domain_adversarial and, when it is on, data.target_file and [dann]. InputError
// naming the key for a missing target file or a value out of range. dann.* keys without
// train.domain_adversarial stay unread (Config::check_all_used refuses them).
DannSpec dann_spec_from(const core::Config& config);

// The reversal's strength at training progress p in [0, 1] (epochs done, fractional):
// lambda_max (2 / (1 + exp(-gamma p)) - 1), 0 at the start, rising to ~lambda_max.
double dann_lambda(const DannSpec& spec, double progress);

// Identity forward; backward multiplies the incoming gradient by -lambda.
at::Tensor reverse_gradient(const at::Tensor& x, double lambda);

// Adds the domain classifier to `trainer` (Trainer::set_auxiliary; before load_checkpoint):
// target events of the training part of data.target_file, through the source's fitted
// preprocessing, one target batch per source batch. InputError naming data.target_file.
void attach_domain_adversarial(Trainer& trainer, const DannSpec& spec, const data::TrainingPlan& plan,
                               const data::Preprocessor& preprocessing, int64_t input_samples);

}  // namespace wl::train
