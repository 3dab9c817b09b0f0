// Domain-adversarial training: the gradient-reversal layer, the lambda schedule and the
// domain classifier, plugged into the trainer as an auxiliary objective.
#include "wavelearn/train/dann.hpp"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/data/target_file.hpp"
#include "wavelearn/train/trainer.hpp"

namespace wl::train {

namespace {

// The target loader's shuffle stream (the run's own loaders use 1-3) and the domain
// classifier's initialisation stream.
constexpr std::uint64_t kTargetStream = 4, kDomainInitStream = 0x64616e6e;

struct GradientReversal : public torch::autograd::Function<GradientReversal> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, double lambda) {
    ctx->saved_data["lambda"] = lambda;
    return x.clone();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad) {
    const double lambda = ctx->saved_data["lambda"].toDouble();
    return {grad[0] * -lambda, torch::Tensor()};
  }
};

// The width of the model's `features(x)`, from one forward of two zero windows (eval mode,
// no gradient: no batch-norm statistic or random draw is touched).
int64_t feature_width(torch::jit::Module& model, int64_t input_samples, const c10::Device& device) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  torch::Tensor f;
  try {
    f = model.run_method("features", torch::zeros({2, input_samples}, torch::TensorOptions().device(device)))
            .toTensor();
  } catch (const c10::Error&) {
    model.train(was_training);
    throw core::InputError("train.domain_adversarial: this model has no `features` method to put the domain "
                           "classifier on");
  }
  model.train(was_training);
  if (!model.hasattr("task_weight") || !model.hasattr("task_bias"))
    throw core::InputError("train.domain_adversarial: this model has no task layer (task_weight, task_bias) after "
                           "its features");
  if (f.dim() != 2) throw core::InputError("train.domain_adversarial: the model's features are not (batch, width)");
  return f.size(1);
}

class DomainAdversarial : public AuxiliaryObjective {
 public:
  DomainAdversarial(const DannSpec& spec, std::shared_ptr<data::BatchLoader> target, int64_t width,
                    c10::Device device, int64_t epochs, uint64_t seed)
      : spec_(spec), target_(std::move(target)), device_(device), epochs_(epochs) {
    // Its own seeded start, so adding it changes nothing the model's initialisation drew.
    torch::manual_seed(core::Rng(seed, kDomainInitStream).next());
    classifier_ = torch::nn::Sequential(torch::nn::Linear(width, spec.hidden), torch::nn::ReLU(),
                                        torch::nn::Linear(spec.hidden, 1));
    classifier_->to(device_);
  }

  std::vector<torch::Tensor> parameters() const override { return classifier_->parameters(); }

  void start_epoch(int64_t epoch) override {
    epoch_ = epoch;
    restarts_ = 0;
    target_->start_epoch(static_cast<std::size_t>(epoch));
  }

  // One pass over source and target together (batch normalisation sees both domains, as in
  // every pass of the training); the task layer on the source rows, the domain classifier on
  // all rows behind the reversal. Every classifier's forward is task(features(x)).
  torch::Tensor forward(torch::jit::Module& model, const data::Batch& source, int64_t epoch, std::size_t batch,
                        std::size_t n_batches, torch::Tensor& extra_loss) override {
    const auto x_target = next_target().to(device_);
    const auto n_source = source.x.size(0);
    const auto features = model.run_method("features", torch::cat({source.x, x_target})).toTensor().to(torch::kFloat);
    const auto out = torch::addmm(model.attr("task_bias").toTensor(), features.slice(0, 0, n_source),
                                  model.attr("task_weight").toTensor().t());
    const double progress =
        (static_cast<double>(epoch) + static_cast<double>(batch) / static_cast<double>(n_batches)) /
        static_cast<double>(epochs_);
    const auto logits = classifier_->forward(reverse_gradient(features, dann_lambda(spec_, progress))).squeeze(1);
    const auto opts = torch::TensorOptions().device(device_);
    const auto domain = torch::cat({torch::zeros({n_source}, opts), torch::ones({x_target.size(0)}, opts)});
    extra_loss = spec_.weight * torch::binary_cross_entropy_with_logits(logits, domain);
    return out;
  }

 private:
  // One target batch per source batch; a target part shorter than the source's restarts
  // with an order that is still a pure function of the epoch (resume relies on it).
  torch::Tensor next_target() {
    data::Batch t;
    while (!target_->next(t)) {
      ++restarts_;
      target_->start_epoch(static_cast<std::size_t>(1000000 + epoch_ * 1000 + restarts_));
    }
    return t.x;
  }

  DannSpec spec_;
  std::shared_ptr<data::BatchLoader> target_;
  c10::Device device_;
  int64_t epochs_;
  int64_t epoch_ = 0, restarts_ = 0;
  torch::nn::Sequential classifier_{nullptr};
};

}  // namespace

DannSpec dann_spec_from(const core::Config& config) {
  DannSpec s;
  s.enabled = config.get<bool>("train.domain_adversarial", false);
  if (!s.enabled) return s;
  s.target_file = data::target_file_from(config);
  if (s.target_file.empty())
    throw core::InputError("train.domain_adversarial needs data.target_file (the unlabelled target-domain file)");
  if (!std::filesystem::is_regular_file(s.target_file))
    throw core::InputError("data.target_file: " + s.target_file + ": no such file");
  s.weight = config.get<double>("dann.weight", s.weight);
  s.lambda_max = config.get<double>("dann.lambda_max", s.lambda_max);
  s.gamma = config.get<double>("dann.gamma", s.gamma);
  s.hidden = config.get<int64_t>("dann.hidden", s.hidden);
  if (!(s.weight > 0) || !std::isfinite(s.weight)) throw core::InputError("dann.weight must be > 0");
  if (!(s.lambda_max >= 0) || !std::isfinite(s.lambda_max)) throw core::InputError("dann.lambda_max must be >= 0");
  if (!(s.gamma > 0) || !std::isfinite(s.gamma)) throw core::InputError("dann.gamma must be > 0");
  if (s.hidden < 1 || s.hidden > 65536) throw core::InputError("dann.hidden must be in [1, 65536]");
  return s;
}

double dann_lambda(const DannSpec& spec, double progress) {
  return spec.lambda_max * (2.0 / (1.0 + std::exp(-spec.gamma * progress)) - 1.0);
}

at::Tensor reverse_gradient(const at::Tensor& x, double lambda) { return GradientReversal::apply(x, lambda); }

void attach_domain_adversarial(Trainer& trainer, const DannSpec& spec, const data::TrainingPlan& plan,
                               const data::Preprocessor& preprocessing, int64_t input_samples) {
  auto target = data::target_training_loader(plan, spec.target_file, preprocessing, kTargetStream);
  if (target->window_length_samples() != static_cast<std::size_t>(input_samples))
    throw core::InputError("data.target_file: " + spec.target_file + ": windows of " +
                           std::to_string(target->window_length_samples()) + " samples, the model takes " +
                           std::to_string(input_samples));
  const auto width = feature_width(trainer.model(), input_samples, trainer.device());
  trainer.set_auxiliary(std::make_shared<DomainAdversarial>(spec, std::move(target), width, trainer.device(),
                                                            trainer.spec().epochs, trainer.spec().init_seed));
}

}  // namespace wl::train
