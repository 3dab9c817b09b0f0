// WGAN-GP waveform generator (Gulrajani et al. 2017), conditioned on c.
//
// Generator: [z, c] -> linear -> (channels.back(), L / 2^(levels-1)), then per level a conv
// and (except at full length) a linear x2 upsample + conv; the conditions ride along as
// constant extra channels into every conv, so each level can use them. Upsample + conv
// rather than transposed convs avoids their checkerboard pattern, which a critic (and the
// C2ST classifier later) picks up at once.
// Critic: the trace with c as constant extra channels -> strided convs -> linear on the
// flattened features and c -> scalar. No batch norm (the gradient penalty is per sample).
//
// One train_step is one critic update on the batch; every critic_steps-th call also updates
// the generator, so each critic update sees a fresh real batch as in the paper's algorithm.
// The reported loss (train and validation) is the critic's Wasserstein estimate
// E[D(real)] - E[D(fake)]: lower means generated traces the critic finds harder to tell
// from real ones (the paper shows it tracks sample quality). sample() uses an exponential
// moving average of the generator's weights, which removes most of the GAN's step-to-step
// jitter.
#include <cmath>

#include "gan_diffusion_state.hpp"

namespace wl::gen {

namespace {

namespace F = torch::nn::functional;

constexpr double kLeak = 0.2;
// Keeps critic outputs near zero so the Wasserstein estimate does not drift (Karras et al.
// 2018); small enough not to touch the critic's ordering.
constexpr double kDriftWeight = 1e-3;

torch::nn::Conv1d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

// c (B, C) as C constant channels of length n, appended to h (B, ch, n).
torch::Tensor with_conditions(const torch::Tensor& h, const torch::Tensor& c) {
  return torch::cat({h, c.unsqueeze(2).expand({c.size(0), c.size(1), h.size(2)})}, 1);
}

struct GanGeneratorImpl : torch::nn::Module {
  GanGeneratorImpl(const GeneratorSpec& s) : levels(static_cast<int64_t>(s.channels.size())) {
    start_len = s.samples >> (levels - 1);
    fc = register_module("fc", torch::nn::Linear(s.latent + s.conditions, s.channels.back() * start_len));
    for (int64_t i = levels - 1; i >= 0; --i) {
      const int64_t ch = s.channels[static_cast<std::size_t>(i)];
      refine->push_back(conv(ch + s.conditions, ch, s.kernel));
      if (i > 0) up->push_back(conv(ch + s.conditions, s.channels[static_cast<std::size_t>(i - 1)], s.kernel));
    }
    register_module("refine", refine);
    register_module("up", up);
    out = register_module("out", conv(s.channels.front(), 1, s.kernel));
  }

  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& c) {
    auto h = F::leaky_relu(fc(torch::cat({z, c}, 1)), F::LeakyReLUFuncOptions().negative_slope(kLeak));
    h = h.view({z.size(0), -1, start_len});
    for (int64_t j = 0; j < levels; ++j) {
      h = F::leaky_relu(refine[j]->as<torch::nn::Conv1d>()->forward(with_conditions(h, c)),
                        F::LeakyReLUFuncOptions().negative_slope(kLeak));
      if (j == levels - 1) break;
      h = F::interpolate(h, F::InterpolateFuncOptions()
                                .scale_factor(std::vector<double>{2.0})
                                .mode(torch::kLinear)
                                .align_corners(false));
      h = F::leaky_relu(up[j]->as<torch::nn::Conv1d>()->forward(with_conditions(h, c)),
                        F::LeakyReLUFuncOptions().negative_slope(kLeak));
    }
    return out(h).squeeze(1);
  }

  int64_t levels, start_len = 0;
  torch::nn::Linear fc{nullptr};
  torch::nn::ModuleList refine, up;
  torch::nn::Conv1d out{nullptr};
};
TORCH_MODULE(GanGenerator);

struct CriticImpl : torch::nn::Module {
  explicit CriticImpl(const GeneratorSpec& s) {
    int64_t in = 1 + s.conditions, len = s.samples;
    for (const int64_t ch : s.channels) {
      convs->push_back(conv(in, ch, s.kernel, 2));
      in = ch;
      len = (len + 1) / 2;  // stride 2 with "same" padding and an odd kernel
    }
    register_module("convs", convs);
    head = register_module("head", torch::nn::Linear(in * len + s.conditions, 1));
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c) {
    auto h = with_conditions(x.unsqueeze(1), c);
    for (auto& m : *convs)
      h = F::leaky_relu(m->as<torch::nn::Conv1d>()->forward(h), F::LeakyReLUFuncOptions().negative_slope(kLeak));
    return head(torch::cat({h.flatten(1), c}, 1)).squeeze(1);
  }

  torch::nn::ModuleList convs;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Critic);

void set_requires_grad(torch::nn::Module& m, bool on) {
  for (auto& p : m.parameters(true)) p.requires_grad_(on);
}

void copy_parameters(torch::nn::Module& to, const torch::nn::Module& from) {
  torch::NoGradGuard no_grad;
  auto dst = to.parameters(true);
  const auto src = from.parameters(true);
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i].copy_(src[i]);
}

void check_gan_spec(const GeneratorSpec& s) {
  using detail::check_spec;
  detail::check_levels(s, "the generator upsamples by 2 per level of model.channels");
  check_spec(s.latent > 0, "latent", "must be > 0 (got " + std::to_string(s.latent) + ")");
  check_spec(s.critic_steps >= 1, "critic_steps", "must be >= 1 (got " + std::to_string(s.critic_steps) + ")");
  check_spec(s.gp_weight >= 0.0, "gp_weight", "must be >= 0");
  check_spec(s.lr > 0.0, "lr", "must be > 0");
  const double ema = detail::extra_or(s, "ema", 0.999);
  check_spec(ema >= 0.0 && ema < 1.0, "ema", "must be in [0, 1)");
}

}  // namespace

class WganGp final : public GeneratorModel {
 public:
  explicit WganGp(const GeneratorSpec& spec)
      : spec_(spec), gen_(spec), avg_(spec), critic_(spec), ema_decay_(detail::extra_or(spec, "ema", 0.999)) {
    // The paper's Adam settings: beta1 = 0 (momentum fights the moving target), beta2 = 0.9.
    const double b1 = detail::extra_or(spec, "beta1", 0.0), b2 = detail::extra_or(spec, "beta2", 0.9);
    auto opts = torch::optim::AdamOptions(spec.lr).betas({b1, b2});
    gen_opt_ = std::make_unique<torch::optim::Adam>(gen_->parameters(), opts);
    critic_opt_ = std::make_unique<torch::optim::Adam>(critic_->parameters(), opts);
    copy_parameters(*avg_, *gen_);
    set_requires_grad(*avg_, false);
  }

  std::string type() const override { return "gan"; }

  StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    auto rng = detail::seeded_generator(seed);
    const auto parts = critic_update(x, c, rng);
    ++critic_updates_;
    if (critic_updates_ % spec_.critic_steps == 0) generator_update(c, rng);
    return parts;
  }

  StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    auto rng = detail::seeded_generator(seed);
    torch::Tensor fake;
    {
      torch::NoGradGuard no_grad;
      fake = sampler()->forward(torch::randn({x.size(0), spec_.latent}, rng), c);
    }
    const auto t = critic_terms(x, c, fake, rng);
    return losses(t);
  }

  torch::Tensor sample(const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    auto rng = detail::seeded_generator(seed);
    return sampler()->forward(torch::randn({c.size(0), spec_.latent}, rng), c);
  }

  std::map<std::string, torch::Tensor> state() const override {
    detail::TensorMap out;
    detail::export_module(*gen_, "generator", out);
    detail::export_module(*avg_, "generator_ema", out);
    detail::export_module(*critic_, "critic", out);
    detail::export_adam(*gen_opt_, *gen_, "adam_generator", out);
    detail::export_adam(*critic_opt_, *critic_, "adam_critic", out);
    out["counters.critic_updates"] = torch::tensor(critic_updates_);
    out["counters.generator_updates"] = torch::tensor(generator_updates_);
    return out;
  }

  void load_state(const std::map<std::string, torch::Tensor>& state) override {
    detail::import_module(*gen_, "generator", state);
    detail::import_module(*avg_, "generator_ema", state);
    detail::import_module(*critic_, "critic", state);
    detail::import_adam(*gen_opt_, *gen_, "adam_generator", state);
    detail::import_adam(*critic_opt_, *critic_, "adam_critic", state);
    critic_updates_ = detail::require(state, "counters.critic_updates", {}).item<int64_t>();
    generator_updates_ = detail::require(state, "counters.generator_updates", {}).item<int64_t>();
  }

  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : gen_->parameters()) n += p.numel();
    for (const auto& p : critic_->parameters()) n += p.numel();
    return n;
  }

 private:
  struct CriticTerms {
    torch::Tensor d_real, d_fake, gp;
  };

  GanGenerator& sampler() { return ema_decay_ > 0.0 ? avg_ : gen_; }

  // D on real and fake, and the gradient penalty on random interpolates between them.
  CriticTerms critic_terms(const torch::Tensor& x, const torch::Tensor& c, const torch::Tensor& fake,
                           torch::Generator& rng) {
    const auto mix = torch::rand({x.size(0), 1}, rng);
    auto interp = (mix * x + (1.0 - mix) * fake).detach().requires_grad_(true);
    const auto d_interp = critic_->forward(interp, c);
    const auto grad = torch::autograd::grad({d_interp.sum()}, {interp}, {}, true, true)[0];
    CriticTerms t;
    t.gp = (grad.norm(2, 1) - 1.0).pow(2).mean();
    t.d_real = critic_->forward(x, c);
    t.d_fake = critic_->forward(fake, c);
    return t;
  }

  StepLosses losses(const CriticTerms& t) const {
    const double real = t.d_real.mean().item<double>(), fake = t.d_fake.mean().item<double>();
    const double gp = t.gp.item<double>();
    StepLosses s;
    s.loss = real - fake;
    s.parts = {{"critic", fake - real + spec_.gp_weight * gp},
               {"gen", -fake},
               {"gp", gp},
               {"wasserstein", real - fake}};
    return s;
  }

  StepLosses critic_update(const torch::Tensor& x, const torch::Tensor& c, torch::Generator& rng) {
    torch::Tensor fake;
    {
      torch::NoGradGuard no_grad;
      fake = gen_->forward(torch::randn({x.size(0), spec_.latent}, rng), c);
    }
    const auto t = critic_terms(x, c, fake, rng);
    const auto loss = t.d_fake.mean() - t.d_real.mean() + spec_.gp_weight * t.gp +
                      kDriftWeight * t.d_real.pow(2).mean();
    critic_opt_->zero_grad();
    loss.backward();
    critic_opt_->step();
    return losses(t);
  }

  void generator_update(const torch::Tensor& c, torch::Generator& rng) {
    // The critic's weights need no gradients here; only the path through it to the fakes.
    set_requires_grad(*critic_, false);
    const auto fake = gen_->forward(torch::randn({c.size(0), spec_.latent}, rng), c);
    const auto loss = -critic_->forward(fake, c).mean();
    gen_opt_->zero_grad();
    loss.backward();
    gen_opt_->step();
    set_requires_grad(*critic_, true);
    if (ema_decay_ > 0.0) detail::ema_update(*avg_, *gen_, ema_decay_, generator_updates_);
    ++generator_updates_;
  }

  GeneratorSpec spec_;
  GanGenerator gen_, avg_;
  Critic critic_;
  double ema_decay_;
  std::unique_ptr<torch::optim::Adam> gen_opt_, critic_opt_;
  int64_t critic_updates_ = 0, generator_updates_ = 0;
};

std::unique_ptr<GeneratorModel> make_wgan_gp(const GeneratorSpec& spec) {
  check_gan_spec(spec);
  return std::make_unique<WganGp>(spec);
}

}  // namespace wl::gen
