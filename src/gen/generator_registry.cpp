// The generator registry: one line per type, and the [model] keys a generator preset sets.
#include "generator_model.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/gen/generator_run.hpp"

namespace wl::gen {

std::vector<std::string> generator_types() { return generator_type_names(); }

std::unique_ptr<GeneratorModel> make_generator(const GeneratorSpec& spec) {
  if (spec.type == "autoencoder") return make_autoencoder(spec);
  if (spec.type == "vae") return make_vae(spec);
  if (spec.type == "gan") return make_wgan_gp(spec);
  if (spec.type == "diffusion") return make_diffusion(spec);
  if (spec.type == "cyclegan") return make_cyclegan(spec);
  std::string known;
  for (const auto& t : generator_type_names()) known += (known.empty() ? "" : ", ") + t;
  throw core::InputError("model.type: unknown generator '" + spec.type + "' (" + known + ")");
}

const std::vector<std::string>& generator_extra_keys(const std::string& type) {
  static const std::vector<std::string> autoencoder = {"hidden"};
  static const std::vector<std::string> vae = {"hidden", "recon_sigma"};
  static const std::vector<std::string> gan = {"ema", "beta1", "beta2"};
  static const std::vector<std::string> diffusion = {"linear_schedule", "ema", "eta", "x0_clip",
                                                     "beta1", "beta2", "attention", "v_prediction",
                                                     "denoise_ratio"};
  static const std::vector<std::string> cyclegan = {"cycle_weight", "identity_weight", "attention", "beta1", "beta2"};
  static const std::vector<std::string> none;
  if (type == "autoencoder") return autoencoder;
  if (type == "vae") return vae;
  if (type == "gan") return gan;
  if (type == "diffusion") return diffusion;
  if (type == "cyclegan") return cyclegan;
  return none;
}

torch::Tensor GeneratorModel::sample_denoised(const torch::Tensor&, const torch::Tensor&, uint64_t) {
  throw core::InputError("generate.noise = \"denoised\": a " + type() + " cannot separate noise from the pulse (diffusion only)");
}

void GeneratorModel::set_target_domain(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                       const torch::Tensor&) {
  throw core::InputError("model.type = " + type() + " has no target domain (data.target_file is for cyclegan)");
}

torch::Tensor GeneratorModel::translate(const torch::Tensor&, const torch::Tensor&) {
  throw core::InputError("model.type = " + type() + " does not translate: train a cyclegan (configs/cyclegan.toml)");
}

GeneratorSpec generator_spec_from(const core::Config& config, int64_t samples, int64_t conditions) {
  GeneratorSpec s;
  s.type = config.get<std::string>("model.type");
  if (!is_generator_type(s.type)) make_generator(s);  // throws, naming model.type
  s.samples = samples;
  s.conditions = conditions;
  s.latent = config.get<int64_t>("model.latent", s.latent);
  s.channels = config.get<std::vector<int64_t>>("model.channels", s.channels);
  s.kernel = config.get<int64_t>("model.kernel", s.kernel);
  s.lr = config.get<double>("train.lr", s.lr);
  if (s.type == "vae") s.kl_weight = config.get<double>("model.kl_weight", s.kl_weight);
  if (s.type == "gan") {
    s.gp_weight = config.get<double>("model.gp_weight", s.gp_weight);
    s.critic_steps = config.get<int64_t>("model.critic_steps", s.critic_steps);
  }
  if (s.type == "diffusion") {
    s.diffusion_steps = config.get<int64_t>("model.diffusion_steps", s.diffusion_steps);
    s.sampling_steps = config.get<int64_t>("model.sampling_steps", s.sampling_steps);
  }
  for (const auto& key : generator_extra_keys(s.type))
    if (config.has("model." + key)) s.extra[key] = config.get<double>("model." + key);
  return s;
}

}  // namespace wl::gen
