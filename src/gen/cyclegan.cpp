// CycleGAN for unpaired simulation -> data translation of pulse shapes (Zhu et al. 2017).
//
// Two translators, G: source (simulation) -> target (data) and F: target -> source, each a
// 1-D U-Net (unet1d.hpp) that sees the shape plus fixed positional channels (sin / cos at 1,
// 2, 4 and 8 cycles per window): the window is aligned on the rise start, so where a sample
// lies (baseline, rise, plateau) matters and convolutions alone do not know it. Each
// translator is residual, x + U(x): the U-Net's output layer starts at zero, so training
// starts from the identity, which is what a small domain shift needs. The conditions (scaled
// energy) reach every U-Net block through its embedding.
// Two discriminators, D_target and D_source: strided 1-D convolutions with the conditions
// as constant channels, ending in one score per patch of the window (PatchGAN), trained
// with the least-squares loss (LSGAN), which is stabler than the log loss without
// needing a gradient penalty.
// Generator objective: LSGAN terms of both directions + cycle_weight x (|F(G(x)) - x| +
// |G(F(y)) - y|) + identity_weight x (|G(y) - y| + |F(x) - x|), L1 means. The identity term
// keeps G from changing what already looks like data (and fixes the amplitude scale).
//
// A train_step draws its target batch from the target's training shapes with the step's
// seed (a pure function of seed, epoch, batch), so resume is exact like the other
// generators. The reported loss is the generator objective.
#include <cmath>

#include "gan_diffusion_state.hpp"
#include "unet1d.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::gen {

namespace {

namespace F = torch::nn::functional;

constexpr int64_t kPositionPairs = 4;  // sin / cos at 1, 2, 4, 8 cycles per window
constexpr double kLeak = 0.2;

// (2 kPositionPairs, L) fixed positional channels.
torch::Tensor position_channels(int64_t samples) {
  const auto pos = torch::arange(samples, torch::kFloat) / static_cast<double>(samples);
  std::vector<torch::Tensor> rows;
  for (int64_t k = 0; k < kPositionPairs; ++k) {
    const auto arg = pos * (2.0 * M_PI * static_cast<double>(int64_t{1} << k));
    rows.push_back(torch::sin(arg));
    rows.push_back(torch::cos(arg));
  }
  return torch::stack(rows);
}

struct TranslatorImpl : torch::nn::Module {
  explicit TranslatorImpl(const GeneratorSpec& s) {
    UNet1dOptions o;
    o.conditions = s.conditions;
    o.channels = s.channels;
    o.kernel = s.kernel;
    o.attention = detail::extra_or(s, "attention", 0.0) > 0.5;
    o.in_channels = 1 + 2 * kPositionPairs;
    unet = register_module("unet", UNet1d(o));
    position = register_buffer("position", position_channels(s.samples));
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c) {
    const int64_t b = x.size(0);
    const auto in = torch::cat({x.unsqueeze(1), position.unsqueeze(0).expand({b, -1, -1})}, 1);
    return x + unet(in, torch::zeros({b}), c);
  }

  UNet1d unet{nullptr};
  torch::Tensor position;
};
TORCH_MODULE(Translator);

struct PatchCriticImpl : torch::nn::Module {
  explicit PatchCriticImpl(const GeneratorSpec& s) {
    int64_t in = 1 + s.conditions;
    for (const int64_t ch : s.channels) {
      convs->push_back(torch::nn::Conv1d(
          torch::nn::Conv1dOptions(in, ch, s.kernel).stride(2).padding(s.kernel / 2)));
      in = ch;
    }
    register_module("convs", convs);
    head = register_module("head", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, 1, 3).padding(1)));
  }

  // One score per patch: (B, L / 2^levels).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c) {
    auto h = x.unsqueeze(1);
    h = torch::cat({h, c.unsqueeze(2).expand({c.size(0), c.size(1), h.size(2)})}, 1);
    for (auto& m : *convs)
      h = F::leaky_relu(m->as<torch::nn::Conv1d>()->forward(h), F::LeakyReLUFuncOptions().negative_slope(kLeak));
    return head(h).squeeze(1);
  }

  torch::nn::ModuleList convs;
  torch::nn::Conv1d head{nullptr};
};
TORCH_MODULE(PatchCritic);

void set_requires_grad(torch::nn::Module& m, bool on) {
  for (auto& p : m.parameters(true)) p.requires_grad_(on);
}

torch::Tensor ls_loss(const torch::Tensor& score, double target) { return (score - target).pow(2).mean(); }

std::vector<torch::Tensor> joined_parameters(const torch::nn::Module& a, const torch::nn::Module& b) {
  auto p = a.parameters(true);
  const auto q = b.parameters(true);
  p.insert(p.end(), q.begin(), q.end());
  return p;
}

void check_cyclegan_spec(const GeneratorSpec& s) {
  using detail::check_spec;
  detail::check_levels(s, "the translators are U-Nets that halve the length per level of model.channels");
  check_spec(s.lr > 0.0, "lr", "must be > 0");
  check_spec(detail::extra_or(s, "cycle_weight", 10.0) >= 0.0, "cycle_weight", "must be >= 0");
  check_spec(detail::extra_or(s, "identity_weight", 5.0) >= 0.0, "identity_weight", "must be >= 0");
}

}  // namespace

class CycleGan final : public GeneratorModel {
 public:
  explicit CycleGan(const GeneratorSpec& spec)
      : spec_(spec), g_st_(spec), g_ts_(spec), d_t_(spec), d_s_(spec),
        cycle_w_(detail::extra_or(spec, "cycle_weight", 10.0)),
        identity_w_(detail::extra_or(spec, "identity_weight", 5.0)) {
    // The paper's Adam settings for both players: beta1 = 0.5, beta2 = 0.999.
    auto opts = torch::optim::AdamOptions(spec.lr).betas(
        {detail::extra_or(spec, "beta1", 0.5), detail::extra_or(spec, "beta2", 0.999)});
    gen_opt_ = std::make_unique<torch::optim::Adam>(joined_parameters(*g_st_, *g_ts_), opts);
    critic_opt_ = std::make_unique<torch::optim::Adam>(joined_parameters(*d_t_, *d_s_), opts);
  }

  std::string type() const override { return "cyclegan"; }

  void set_target_domain(const torch::Tensor& x_train, const torch::Tensor& c_train, const torch::Tensor& x_val,
                         const torch::Tensor& c_val) override {
    target_ = {x_train, c_train};
    target_val_ = x_val.size(0) > 0 ? Batch{x_val, c_val} : target_;
  }

  StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    auto rng = detail::seeded_generator(seed);
    const auto y = draw(target_, x.size(0), rng);
    set_requires_grad(*d_t_, false);
    set_requires_grad(*d_s_, false);
    auto t = generator_terms(x, c, y);
    gen_opt_->zero_grad();
    t.total.backward();
    gen_opt_->step();
    set_requires_grad(*d_t_, true);
    set_requires_grad(*d_s_, true);
    const auto d_loss = critic_loss(x, c, y, t.fake_y.detach(), t.fake_x.detach());
    critic_opt_->zero_grad();
    d_loss.backward();
    critic_opt_->step();
    ++steps_;
    return losses(t, d_loss);
  }

  StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    auto rng = detail::seeded_generator(seed);
    const auto y = draw(target_val_, x.size(0), rng);
    const auto t = generator_terms(x, c, y);
    return losses(t, critic_loss(x, c, y, t.fake_y, t.fake_x));
  }

  torch::Tensor sample(const torch::Tensor&, uint64_t) override {
    throw core::InputError("model.type = cyclegan translates waveforms, it does not sample them: use `wavelearn "
                           "translate --model RUN --data FILE --out OUT`");
  }

  torch::Tensor translate(const torch::Tensor& x, const torch::Tensor& c) override {
    torch::NoGradGuard no_grad;
    return g_st_->forward(x, c);
  }

  std::map<std::string, torch::Tensor> state() const override {
    detail::TensorMap out;
    detail::export_module(*g_st_, "translator_to_target", out);
    detail::export_module(*g_ts_, "translator_to_source", out);
    detail::export_module(*d_t_, "critic_target", out);
    detail::export_module(*d_s_, "critic_source", out);
    detail::export_adam(*gen_opt_, *g_st_, "adam_translators.to_target", out);
    detail::export_adam(*gen_opt_, *g_ts_, "adam_translators.to_source", out);
    detail::export_adam(*critic_opt_, *d_t_, "adam_critics.target", out);
    detail::export_adam(*critic_opt_, *d_s_, "adam_critics.source", out);
    out["counters.steps"] = torch::tensor(steps_);
    return out;
  }

  void load_state(const std::map<std::string, torch::Tensor>& state) override {
    detail::import_module(*g_st_, "translator_to_target", state);
    detail::import_module(*g_ts_, "translator_to_source", state);
    detail::import_module(*d_t_, "critic_target", state);
    detail::import_module(*d_s_, "critic_source", state);
    detail::import_adam(*gen_opt_, *g_st_, "adam_translators.to_target", state);
    detail::import_adam(*gen_opt_, *g_ts_, "adam_translators.to_source", state);
    detail::import_adam(*critic_opt_, *d_t_, "adam_critics.target", state);
    detail::import_adam(*critic_opt_, *d_s_, "adam_critics.source", state);
    steps_ = detail::require(state, "counters.steps", {}).item<int64_t>();
  }

  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : joined_parameters(*g_st_, *g_ts_)) n += p.numel();
    for (const auto& p : joined_parameters(*d_t_, *d_s_)) n += p.numel();
    return n;
  }

 private:
  struct Batch {
    torch::Tensor x, c;
  };
  struct Terms {
    torch::Tensor fake_y, fake_x, adv, cycle, identity, total;
  };

  // A batch of n target shapes drawn with replacement from the step's stream.
  Batch draw(const Batch& from, int64_t n, torch::Generator& rng) const {
    if (!from.x.defined() || from.x.size(0) == 0)
      throw core::InputError("cyclegan: no target-domain shapes (data.target_file)");
    const auto idx = torch::randint(from.x.size(0), {n}, rng, torch::kLong);
    return {from.x.index_select(0, idx), from.c.index_select(0, idx)};
  }

  Terms generator_terms(const torch::Tensor& x, const torch::Tensor& c, const Batch& y) {
    Terms t;
    t.fake_y = g_st_->forward(x, c);
    t.fake_x = g_ts_->forward(y.x, y.c);
    t.adv = ls_loss(d_t_->forward(t.fake_y, c), 1.0) + ls_loss(d_s_->forward(t.fake_x, y.c), 1.0);
    t.cycle = (g_ts_->forward(t.fake_y, c) - x).abs().mean() + (g_st_->forward(t.fake_x, y.c) - y.x).abs().mean();
    t.identity = (g_st_->forward(y.x, y.c) - y.x).abs().mean() + (g_ts_->forward(x, c) - x).abs().mean();
    t.total = t.adv + cycle_w_ * t.cycle + identity_w_ * t.identity;
    return t;
  }

  torch::Tensor critic_loss(const torch::Tensor& x, const torch::Tensor& c, const Batch& y,
                            const torch::Tensor& fake_y, const torch::Tensor& fake_x) {
    const auto target = ls_loss(d_t_->forward(y.x, y.c), 1.0) + ls_loss(d_t_->forward(fake_y, c), 0.0);
    const auto source = ls_loss(d_s_->forward(x, c), 1.0) + ls_loss(d_s_->forward(fake_x, y.c), 0.0);
    return 0.5 * (target + source);
  }

  static StepLosses losses(const Terms& t, const torch::Tensor& d_loss) {
    StepLosses s;
    s.loss = t.total.item<double>();
    s.parts = {{"adversarial", t.adv.item<double>()},
               {"cycle", t.cycle.item<double>()},
               {"identity", t.identity.item<double>()},
               {"critic", d_loss.item<double>()}};
    return s;
  }

  GeneratorSpec spec_;
  Translator g_st_, g_ts_;
  PatchCritic d_t_, d_s_;
  double cycle_w_, identity_w_;
  std::unique_ptr<torch::optim::Adam> gen_opt_, critic_opt_;
  Batch target_, target_val_;
  int64_t steps_ = 0;
};

std::unique_ptr<GeneratorModel> make_cyclegan(const GeneratorSpec& spec) {
  check_cyclegan_spec(spec);
  return std::make_unique<CycleGan>(spec);
}

}  // namespace wl::gen
