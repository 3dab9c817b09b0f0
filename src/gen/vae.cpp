// The conditional VAE (the lecture's: an autoencoder whose representation is pulled towards
// N(0, 1) by a KL term). Encoder q(z | x, c) -> (mu, log sigma^2); z = mu + sigma eps
// (reparameterisation); decoder p(x | z, c).
//
// Loss per event = reconstruction + kl_weight x KL, with
//   reconstruction = sum over samples (x - x_hat)^2 / (2 recon_sigma^2)
//     (the Gaussian negative log-likelihood of the shape up to a constant, so that
//     kl_weight = 1 is the ELBO; recon_sigma, [model] recon_sigma, is the noise the decoder
//     assumes in normalised units: 0.01 ~ 4 keV of noise on a 400 keV pulse)
//   KL = sum over latents of D_KL(N(mu, sigma) || N(0, 1)) = -log sigma + (sigma^2 + mu^2)/2 - 1/2
//     (the lecture's closed form; its slide writes sigma^2 + mu^2 without the 1/2, whose
//     minimum is not at N(0, 1) - the 1/2 makes the divergence zero exactly there).
// Generation draws z ~ N(0, I) and decodes it with the requested conditions.
#include "autoencoder_nets.hpp"
#include "gan_diffusion_state.hpp"

namespace wl::gen {

namespace {

using detail::TensorMap;

constexpr double kLogVarLimit = 10.0;  // keeps exp(log sigma^2) finite early in training

class Vae : public GeneratorModel {
 public:
  explicit Vae(const GeneratorSpec& s)
      : spec_(s),
        hidden_(static_cast<int64_t>(detail::extra_or(s, "hidden", 128))),
        recon_sigma_(detail::extra_or(s, "recon_sigma", 0.01)),
        encoder_(s, s.conditions, hidden_, 2 * s.latent),
        decoder_(s, s.latent, hidden_),
        adam_(params(), torch::optim::AdamOptions(s.lr)) {}

  std::string type() const override { return "vae"; }

  StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    encoder_->train();
    decoder_->train();
    adam_.zero_grad();
    auto parts = losses(x, c, seed);
    parts.total.backward();
    adam_.step();
    return report(parts);
  }

  StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    return report(losses(x, c, seed));
  }

  torch::Tensor sample(const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    auto gen = detail::seeded_generator(seed);
    return decoder_(torch::randn({c.size(0), spec_.latent}, gen, torch::kFloat), c);
  }

  std::map<std::string, torch::Tensor> state() const override {
    TensorMap out;
    detail::export_module(*encoder_, "encoder", out);
    detail::export_module(*decoder_, "decoder", out);
    detail::export_adam(const_cast<torch::optim::Adam&>(adam_), *encoder_, "adam.encoder", out);
    detail::export_adam(const_cast<torch::optim::Adam&>(adam_), *decoder_, "adam.decoder", out);
    return out;
  }

  void load_state(const std::map<std::string, torch::Tensor>& in) override {
    detail::import_module(*encoder_, "encoder", in);
    detail::import_module(*decoder_, "decoder", in);
    detail::import_adam(adam_, *encoder_, "adam.encoder", in);
    detail::import_adam(adam_, *decoder_, "adam.decoder", in);
  }

  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : params()) n += p.numel();
    return n;
  }

 private:
  struct Parts {
    torch::Tensor total, recon, kl;
  };

  Parts losses(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) {
    const auto h = encoder_(x, c);
    const auto mu = h.narrow(1, 0, spec_.latent);
    const auto logvar = h.narrow(1, spec_.latent, spec_.latent).clamp(-kLogVarLimit, kLogVarLimit);
    auto gen = detail::seeded_generator(seed);
    const auto eps = torch::randn(mu.sizes(), gen, torch::kFloat);
    const auto z = mu + torch::exp(0.5 * logvar) * eps;
    const auto x_hat = decoder_(z, c);
    Parts p;
    p.recon = (x - x_hat).pow(2).sum(1).mean() / (2.0 * recon_sigma_ * recon_sigma_);
    p.kl = vae_kl_divergence(mu, logvar).mean();
    p.total = p.recon + spec_.kl_weight * p.kl;
    return p;
  }

  static StepLosses report(const Parts& p) {
    return {p.total.item<double>(), {{"recon", p.recon.item<double>()}, {"kl", p.kl.item<double>()}}};
  }

  std::vector<torch::Tensor> params() const {
    auto p = encoder_->parameters();
    for (const auto& q : decoder_->parameters()) p.push_back(q);
    return p;
  }

  GeneratorSpec spec_;
  int64_t hidden_;
  double recon_sigma_;
  detail::ShapeEncoder encoder_;
  detail::ShapeDecoder decoder_;
  torch::optim::Adam adam_;
};

}  // namespace

torch::Tensor vae_kl_divergence(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return (0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)).sum(1);
}

std::unique_ptr<GeneratorModel> make_vae(const GeneratorSpec& spec) {
  detail::check_autoencoder_spec(spec);
  const double sigma = detail::extra_or(spec, "recon_sigma", 0.01);
  detail::check_spec(sigma > 0 && sigma < 10, "recon_sigma", "must be in (0, 10)");
  detail::check_spec(spec.kl_weight >= 0 && spec.kl_weight <= 1e6, "kl_weight", "must be from 0 to 1e6");
  return std::make_unique<Vae>(spec);
}

}  // namespace wl::gen
