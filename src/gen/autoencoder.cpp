// The convolutional autoencoder (the lecture's: conv encoder -> representation -> decoder,
// MSE loss), with a decoder conditioned on energy (and topology, detector). An autoencoder
// is not a generative model by itself: its representation follows no known distribution.
// To generate, after training the latents of the training events are fitted with a Gaussian
// whose mean is linear in the conditions (least squares) and whose covariance is that of
// the residuals (full, via its Cholesky factor); generation draws z from it for the
// requested conditions and decodes.
#include "autoencoder_nets.hpp"
#include "gan_diffusion_state.hpp"

namespace wl::gen {

namespace detail {

void check_autoencoder_spec(const GeneratorSpec& s) {
  check_spec(!s.channels.empty() && s.channels.size() <= 6, "channels", "needs 1 to 6 levels");
  for (auto ch : s.channels) check_spec(ch >= 1 && ch <= 1024, "channels", "each width must be from 1 to 1024");
  check_spec(s.kernel >= 1 && s.kernel <= 63 && s.kernel % 2 == 1, "kernel", "must be odd, from 1 to 63");
  check_spec(s.latent >= 1 && s.latent <= 1024, "latent", "must be from 1 to 1024");
  const int64_t step = int64_t{1} << s.channels.size();
  check_spec(s.samples >= step && s.samples % step == 0, "channels",
             "data.window_samples must be a multiple of 2^levels (" + std::to_string(step) + ")");
  check_spec(s.lr > 0 && s.lr < 1, "lr", "must be in (0, 1)");
  const double hidden = extra_or(s, "hidden", 128);
  check_spec(hidden >= 1 && hidden <= 4096, "hidden", "must be from 1 to 4096");
}

}  // namespace detail

namespace {

using detail::TensorMap;

class Autoencoder : public GeneratorModel {
 public:
  explicit Autoencoder(const GeneratorSpec& s)
      : spec_(s),
        hidden_(static_cast<int64_t>(detail::extra_or(s, "hidden", 128))),
        encoder_(s, 0, hidden_, s.latent),
        decoder_(s, s.latent, hidden_),
        adam_(params(), torch::optim::AdamOptions(s.lr)),
        z_coef_(torch::zeros({s.conditions + 1, s.latent})),
        z_chol_(torch::eye(s.latent)) {}

  std::string type() const override { return "autoencoder"; }

  StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t) override {
    encoder_->train();
    decoder_->train();
    adam_.zero_grad();
    auto loss = torch::mse_loss(reconstruct(x, c), x);
    loss.backward();
    adam_.step();
    return {loss.item<double>(), {{"mse", loss.item<double>()}}};
  }

  StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t) override {
    torch::NoGradGuard no_grad;
    const double mse = torch::mse_loss(reconstruct(x, c), x).item<double>();
    return {mse, {{"mse", mse}}};
  }

  torch::Tensor sample(const torch::Tensor& c, uint64_t seed) override {
    torch::NoGradGuard no_grad;
    auto gen = detail::seeded_generator(seed);
    const auto eps = torch::randn({c.size(0), spec_.latent}, gen, torch::kFloat);
    const auto z = design(c).matmul(z_coef_) + eps.matmul(z_chol_.t());
    return decoder_(z, c);
  }

  // The conditional Gaussian of the latents: z = [c, 1] A + L eps.
  void finish_training(const torch::Tensor& x, const torch::Tensor& c) override {
    torch::NoGradGuard no_grad;
    const auto z = encoder_(x, c.narrow(1, 0, 0)).to(torch::kDouble);
    const auto d = design(c).to(torch::kDouble);
    const auto ridge = 1e-6 * torch::eye(d.size(1), torch::kDouble);
    const auto coef = torch::linalg_solve(d.t().matmul(d) + ridge, d.t().matmul(z));
    const auto r = z - d.matmul(coef);
    const auto cov = r.t().matmul(r) / std::max<int64_t>(1, r.size(0) - 1) +
                     1e-8 * torch::eye(spec_.latent, torch::kDouble);
    z_coef_ = coef.to(torch::kFloat);
    z_chol_ = torch::linalg_cholesky(cov).to(torch::kFloat);
  }

  std::map<std::string, torch::Tensor> state() const override {
    TensorMap out;
    detail::export_module(*encoder_, "encoder", out);
    detail::export_module(*decoder_, "decoder", out);
    detail::export_adam(const_cast<torch::optim::Adam&>(adam_), *encoder_, "adam.encoder", out);
    detail::export_adam(const_cast<torch::optim::Adam&>(adam_), *decoder_, "adam.decoder", out);
    out["latent.coef"] = z_coef_.clone();
    out["latent.chol"] = z_chol_.clone();
    return out;
  }

  void load_state(const std::map<std::string, torch::Tensor>& in) override {
    detail::import_module(*encoder_, "encoder", in);
    detail::import_module(*decoder_, "decoder", in);
    detail::import_adam(adam_, *encoder_, "adam.encoder", in);
    detail::import_adam(adam_, *decoder_, "adam.decoder", in);
    z_coef_ = detail::require(in, "latent.coef", z_coef_.sizes()).clone();
    z_chol_ = detail::require(in, "latent.chol", z_chol_.sizes()).clone();
  }

  int64_t parameter_count() const override {
    int64_t n = 0;
    for (const auto& p : params()) n += p.numel();
    return n;
  }

 private:
  std::vector<torch::Tensor> params() const {
    auto p = encoder_->parameters();
    for (const auto& q : decoder_->parameters()) p.push_back(q);
    return p;
  }
  // The autoencoder's encoder sees the shape only (no condition channels).
  torch::Tensor reconstruct(const torch::Tensor& x, const torch::Tensor& c) {
    return decoder_(encoder_(x, c.narrow(1, 0, 0)), c);
  }
  static torch::Tensor design(const torch::Tensor& c) {
    return torch::cat({c, torch::ones({c.size(0), 1}, c.options())}, 1);
  }

  GeneratorSpec spec_;
  int64_t hidden_;
  detail::ShapeEncoder encoder_;
  detail::ShapeDecoder decoder_;
  torch::optim::Adam adam_;
  torch::Tensor z_coef_, z_chol_;
};

}  // namespace

std::unique_ptr<GeneratorModel> make_autoencoder(const GeneratorSpec& spec) {
  detail::check_autoencoder_spec(spec);
  return std::make_unique<Autoencoder>(spec);
}

}  // namespace wl::gen
