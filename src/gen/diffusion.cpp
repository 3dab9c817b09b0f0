// DDPM waveform generator (Ho et al. 2020), conditioned on c, with a 1-D U-Net (unet1d.hpp).
// Training draws a noise level t uniformly in [0, T) and noise eps, and minimises an MSE.
// The network predicts v = sqrt(ab) eps - sqrt(1 - ab) x0 (Salimans & Ho 2022) by default,
// from which eps and x0 follow exactly; extra v_prediction = 0 makes it predict eps itself
// (the original DDPM). Why v: with eps prediction x0 = (x_t - sqrt(1 - ab) eps) / sqrt(ab)
// multiplies the network's error by up to 1/sqrt(ab) ~ 1e3 at the noisiest levels, and on
// toy pulses (tests/gen_models) samples came out with rms errors of ~0.3 of the amplitude
// where v prediction gives ~0.01 from the same training. Whatever the target, the reported
// loss is the epsilon MSE it implies (mse), comparable across both; objective is the MSE
// actually minimised.
//
// Schedule: cosine alpha-bar (Nichol & Dhariwal 2021) by default, which keeps useful signal
// at more of the T levels than the linear one when T is a few hundred; [model] extra
// linear_schedule = 1 picks the linear betas of Ho et al. (scaled to T).
// Sampling: DDIM (Song et al. 2021) over sampling_steps levels strided evenly through
// [T-1, 0]; extra eta (default 1) sets the added noise: eta = 0 is deterministic given the
// initial noise, eta = 1 with sampling_steps = T is ancestral DDPM sampling. eta = 1 is the
// default because the traces' own noise matters here: on toy pulses with white noise of
// 0.01, eta = 1 gave baseline noise 0.020 and eta = 0 0.036-0.043 (smoother shapes are not
// the goal; a classifier picks wrong noise at once). One network evaluation per step, so a
// waveform costs sampling_steps evaluations.
// The model works on 2 (x - 0.5): normalised shapes run from ~0 (baseline) to ~1 (top),
// and the diffusion assumes data of order-one spread around zero like its noise.
// Training keeps an exponential moving average of the weights (extra ema, default 0.999);
// evaluate() and sample() use it, since its samples are markedly cleaner than the live
// weights'. evaluate() reports the epsilon MSE on the batch at noise levels and noise drawn
// from its seed, so validation figures are comparable epoch to epoch.
// Each sampling step clamps its x0 estimate to +-x0_clip (extra, default 3; 0: off) on the
// model's 2 (x - 0.5) scale, i.e. x in [-1, 2]: a guard for eps prediction, whose x0 at the
// noisiest levels is otherwise unbounded; with v prediction it is rarely reached. The bound
// leaves room for low-energy traces' noise.
#include <cmath>

#include "gan_diffusion_state.hpp"
#include "unet1d.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::gen {

namespace {

constexpr double kDataCentre = 0.5, kDataScale = 2.0;
// Samples are generated this many at a time (bounds memory for large requests); the
// per-step noise stream of each chunk is seeded from (seed, chunk index).
constexpr int64_t kSampleChunk = 512;

// alpha-bar_t = prod_{s <= t} (1 - beta_s) for t = 0 .. T-1, in double.
torch::Tensor alpha_bar_schedule(int64_t steps, bool linear) {
  auto betas = torch::empty({steps}, torch::kDouble);
  auto b = betas.accessor<double, 1>();
  const double T = static_cast<double>(steps);
  const auto f = [&](double t) {
    constexpr double s = 0.008;  // offset so beta_0 is not vanishingly small
    const double a = std::cos((t / T + s) / (1.0 + s) * M_PI / 2.0);
    return a * a;
  };
  for (int64_t i = 0; i < steps; ++i) {
    const double x = static_cast<double>(i);
    if (linear) {
      const double scale = 1000.0 / T;  // Ho et al.'s 1e-4 .. 0.02 were set for T = 1000
      b[i] = scale * (1e-4 + (0.02 - 1e-4) * (steps > 1 ? x / (T - 1.0) : 0.0));
    } else {
      b[i] = std::min(1.0 - f(x + 1.0) / f(x), 0.999);
    }
  }
  return torch::cumprod(1.0 - betas, 0);
}

// The noise levels visited when sampling: n indices evenly spaced from T-1 down to 0.
std::vector<int64_t> sampling_levels(int64_t T, int64_t n) {
  std::vector<int64_t> levels;
  for (int64_t k = 0; k < n; ++k) {
    const double frac = n > 1 ? static_cast<double>(n - 1 - k) / static_cast<double>(n - 1) : 1.0;
    levels.push_back(static_cast<int64_t>(std::llround(frac * static_cast<double>(T - 1))));
  }
  return levels;
}

void check_diffusion_spec(const GeneratorSpec& s) {
  using detail::check_spec;
  detail::check_levels(s, "the U-Net halves the length per level of model.channels");
  check_spec(s.diffusion_steps >= 2, "diffusion_steps", "must be >= 2 (got " + std::to_string(s.diffusion_steps) + ")");
  check_spec(s.sampling_steps >= 1 && s.sampling_steps <= s.diffusion_steps, "sampling_steps",
             "must be in [1, model.diffusion_steps = " + std::to_string(s.diffusion_steps) + "] (got " +
                 std::to_string(s.sampling_steps) + ")");
  check_spec(s.lr > 0.0, "lr", "must be > 0");
  const double ema = detail::extra_or(s, "ema", 0.999), eta = detail::extra_or(s, "eta", 1.0);
  check_spec(ema >= 0.0 && ema < 1.0, "ema", "must be in [0, 1)");
  check_spec(eta >= 0.0 && eta <= 1.0, "eta", "must be in [0, 1]");
  check_spec(detail::extra_or(s, "x0_clip", 3.0) >= 0.0, "x0_clip", "must be >= 0 (0: off)");
  const double ratio = detail::extra_or(s, "denoise_ratio", 3.0);
  check_spec(ratio > 0.0 && ratio <= 100.0, "denoise_ratio", "must be in (0, 100]");
}

UNet1dOptions unet_options(const GeneratorSpec& s) {
  UNet1dOptions o;
  o.conditions = s.conditions;
  o.channels = s.channels;
  o.kernel = s.kernel;
  o.attention = detail::extra_or(s, "attention", 1.0) != 0.0;
  o.time_scale = 1000.0 / static_cast<double>(s.diffusion_steps);
  return o;
}

}  // namespace

class Ddpm final : public GeneratorModel {
 public:
  explicit Ddpm(const GeneratorSpec& spec)
      : spec_(spec),
        net_(unet_options(spec)),
        avg_(unet_options(spec)),
        alpha_bar_(alpha_bar_schedule(spec.diffusion_steps, detail::extra_or(spec, "linear_schedule", 0.0) != 0.0)),
        ema_decay_(detail::extra_or(spec, "ema", 0.999)),
        eta_(detail::extra_or(spec, "eta", 1.0)),
        x0_clip_(detail::extra_or(spec, "x0_clip", 3.0)),
        v_prediction_(detail::extra_or(spec, "v_prediction", 1.0) != 0.0) {
    const double b1 = detail::extra_or(spec, "beta1", 0.9), b2 = detail::extra_or(spec, "beta2", 0.999);
    opt_ = std::make_unique<torch::optim::Adam>(net_->parameters(), torch::optim::AdamOptions(spec.lr).betas({b1, b2}));
    torch::NoGradGuard no_grad;
    auto dst = avg_->parameters();
    const auto src = net_->parameters();
    for (std::size_t i = 0; i < dst.size(); ++i) dst[i].copy_(src[i]).requires_grad_(false);
  }

  std::string type() const override { return "diffusion"; }

  StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    auto rng = detail::seeded_generator(seed);
    const auto e = errors(*net_, x, c, rng);
    opt_->zero_grad();
    e.objective.backward();
    opt_->step();
    if (ema_decay_ > 0.0) detail::ema_update(*avg_, *net_, ema_decay_, updates_);
    ++updates_;
    return losses(e);
  }

  StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    auto rng = detail::seeded_generator(seed);
    return losses(errors(*sampler(), x, c, rng));
  }

  torch::Tensor sample(const torch::Tensor& c, uint64_t seed) override { return sample_chunks(c, {}, seed); }

  // The x0 estimate of each event at the last sampling level whose noise is still at least
  // denoise_ratio (extra, default 3) times the event's own noise: below that the network can
  // no longer tell the trace's noise from the diffusion's and keeps part of it; above it the
  // estimate is the posterior mean, i.e. the pulse with its noise averaged out.
  torch::Tensor sample_denoised(const torch::Tensor& c, const torch::Tensor& noise_sigma, uint64_t seed) override {
    if (noise_sigma.dim() != 1 || noise_sigma.size(0) != c.size(0))
      throw core::InputError("diffusion: one noise rms per event is needed to denoise");
    const double ratio = detail::extra_or(spec_, "denoise_ratio", 3.0);
    return sample_chunks(c, noise_sigma.to(torch::kFloat) * static_cast<float>(ratio * kDataScale), seed);
  }

  std::map<std::string, torch::Tensor> state() const override {
    detail::TensorMap out;
    detail::export_module(*net_, "unet", out);
    detail::export_module(*avg_, "unet_ema", out);
    detail::export_adam(*opt_, *net_, "adam", out);
    out["schedule.alpha_bar"] = alpha_bar_.clone();
    out["counters.updates"] = torch::tensor(updates_);
    return out;
  }

  void load_state(const std::map<std::string, torch::Tensor>& state) override {
    detail::import_module(*net_, "unet", state);
    detail::import_module(*avg_, "unet_ema", state);
    detail::import_adam(*opt_, *net_, "adam", state);
    // The schedule follows from the spec; a checkpoint made with another one is refused.
    const auto ab = detail::require(state, "schedule.alpha_bar", alpha_bar_.sizes());
    if (!torch::allclose(ab.to(torch::kDouble), alpha_bar_, 0.0, 1e-12))
      throw core::InputError("generator state: 'schedule.alpha_bar' differs from model.diffusion_steps / schedule");
    updates_ = detail::require(state, "counters.updates", {}).item<int64_t>();
  }

  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : net_->parameters()) n += p.numel();
    return n;
  }

 private:
  UNet1d& sampler() { return ema_decay_ > 0.0 ? avg_ : net_; }

  struct Errors {
    torch::Tensor objective, eps_mse;  // what is minimised; the epsilon MSE it implies
  };

  static StepLosses losses(const Errors& e) {
    StepLosses s;
    s.loss = e.eps_mse.item<double>();
    s.parts = {{"mse", s.loss}, {"objective", e.objective.item<double>()}};
    return s;
  }

  // The network's target at x_t = sqrt(ab) x0 + sqrt(1 - ab) eps, t and eps drawn from rng:
  // eps itself, or v = sqrt(ab) eps - sqrt(1 - ab) x0 (v_prediction, see the file comment).
  Errors errors(UNet1dImpl& net, const torch::Tensor& x, const torch::Tensor& c, torch::Generator& rng) {
    const auto t = torch::randint(spec_.diffusion_steps, {x.size(0)}, rng, torch::kLong);
    const auto eps = torch::randn(x.sizes(), rng);
    const auto ab = alpha_bar_.index_select(0, t).to(torch::kFloat).unsqueeze(1);
    const auto x0 = (x - kDataCentre) * kDataScale;
    const auto xt = ab.sqrt() * x0 + (1.0 - ab).sqrt() * eps;
    const auto out = net.forward(xt, t.to(torch::kFloat), c);
    if (!v_prediction_) {
      const auto mse = torch::mse_loss(out, eps);
      return {mse, mse.detach()};
    }
    const auto v = ab.sqrt() * eps - (1.0 - ab).sqrt() * x0;
    const auto eps_hat = (1.0 - ab).sqrt() * xt + ab.sqrt() * out;
    return {torch::mse_loss(out, v), torch::mse_loss(eps_hat, eps).detach()};
  }

  // Samples in chunks of kSampleChunk; stop (B, model scale) as in denoise, or undefined.
  torch::Tensor sample_chunks(const torch::Tensor& c, const torch::Tensor& stop, uint64_t seed) {
    torch::NoGradGuard no_grad;
    auto rng = detail::seeded_generator(seed);
    const auto noise = torch::randn({c.size(0), spec_.samples}, rng);  // drawn whole: independent of chunking
    std::vector<torch::Tensor> out;
    for (int64_t begin = 0, chunk = 0; begin < c.size(0); begin += kSampleChunk, ++chunk) {
      const int64_t end = std::min(c.size(0), begin + kSampleChunk);
      auto step_rng = detail::seeded_generator(seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(chunk + 1)));
      const auto part_stop = stop.defined() ? stop.slice(0, begin, end) : stop;
      out.push_back(denoise(noise.slice(0, begin, end), c.slice(0, begin, end), part_stop, step_rng));
    }
    if (out.empty()) return torch::empty({0, spec_.samples});
    return torch::cat(out, 0) / kDataScale + kDataCentre;
  }

  // DDIM from x_{T-1} = noise down to x_0 over the strided levels (model scale). With stop
  // defined (B): event i's result is instead its x0 estimate at the last level t > 0 whose
  // noise-to-signal sqrt((1 - ab_t) / ab_t) is >= stop_i (the first level's when none is).
  torch::Tensor denoise(torch::Tensor x, const torch::Tensor& c, const torch::Tensor& stop, torch::Generator& rng) {
    auto& net = *sampler();
    const auto levels = sampling_levels(spec_.diffusion_steps, spec_.sampling_steps);
    const auto ab = alpha_bar_.accessor<double, 1>();
    torch::Tensor result = stop.defined() ? torch::zeros_like(x) : torch::Tensor();
    for (std::size_t k = 0; k < levels.size(); ++k) {
      const int64_t t = levels[k];
      const double a = ab[t], a_prev = k + 1 < levels.size() ? ab[levels[k + 1]] : 1.0;
      const double level_noise = std::sqrt((1.0 - a) / a);
      // Denoising: once every event is below its stop, later levels change nothing.
      if (stop.defined() && k > 0 && (t == 0 || (stop > level_noise).all().item<bool>())) break;
      const auto out = net.forward(x, torch::full({x.size(0)}, static_cast<float>(t)), c);
      auto eps = v_prediction_ ? std::sqrt(1.0 - a) * x + std::sqrt(a) * out : out;
      auto x0 = v_prediction_ ? std::sqrt(a) * x - std::sqrt(1.0 - a) * out
                              : (x - std::sqrt(1.0 - a) * eps) / std::sqrt(a);
      if (x0_clip_ > 0.0) {
        x0 = x0.clamp(-x0_clip_, x0_clip_);
        eps = (x - std::sqrt(a) * x0) / std::sqrt(1.0 - a);
      }
      if (stop.defined()) {
        const auto keep = k == 0 ? torch::ones_like(stop, torch::kBool) : stop <= level_noise;
        result = torch::where(keep.unsqueeze(1), x0, result);
      }
      const double sigma = eta_ * std::sqrt((1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev));
      x = std::sqrt(a_prev) * x0 + std::sqrt(std::max(0.0, 1.0 - a_prev - sigma * sigma)) * eps;
      if (sigma > 0.0) x = x + sigma * torch::randn(x.sizes(), rng);
    }
    return stop.defined() ? result : x;
  }

  GeneratorSpec spec_;
  UNet1d net_, avg_;
  torch::Tensor alpha_bar_;  // (T) double
  double ema_decay_, eta_, x0_clip_;
  bool v_prediction_;
  std::unique_ptr<torch::optim::Adam> opt_;
  int64_t updates_ = 0;
};

std::unique_ptr<GeneratorModel> make_diffusion(const GeneratorSpec& spec) {
  check_diffusion_spec(spec);
  return std::make_unique<Ddpm>(spec);
}

}  // namespace wl::gen
