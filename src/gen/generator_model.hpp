#pragma once
// The one interface every waveform generator implements (autoencoder, VAE, WGAN-GP, DDPM),
// so the generator run (training loop, checkpoints, resume, `wavelearn generate`) is written
// once. Models work on normalised shapes: x = (raw - baseline) / amplitude over the modelled
// window, shape (B, L) float32, conditioned on c (B, C) float32 (scaled energy, optional
// single-/multi-site flag). Turning shapes back into ADC traces is the run's job, not the
// model's. Internal to src/gen (it includes libtorch).
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::gen {

// What a generator is built from: [model] keys of a generator preset, as plain numbers.
struct GeneratorSpec {
  std::string type;             // autoencoder | vae | gan | diffusion | cyclegan
  int64_t samples = 0;          // L: modelled window length (samples)
  int64_t conditions = 1;       // C: condition columns
  int64_t latent = 16;          // autoencoder / vae / gan latent size
  std::vector<int64_t> channels = {16, 32, 64};  // conv widths per resolution level
  int64_t kernel = 7;
  double kl_weight = 1.0;       // vae: beta of the KL term
  double gp_weight = 10.0;      // gan: gradient-penalty weight (WGAN-GP)
  int64_t critic_steps = 5;     // gan: critic updates per generator update
  int64_t diffusion_steps = 200;   // diffusion: training noise levels T
  int64_t sampling_steps = 50;     // diffusion: steps used when sampling (<= T, strided)
  double lr = 2e-4;
  std::map<std::string, double> extra;  // model-specific numbers a preset may add
};

// One optimisation step's figures (printed per epoch and written to history.csv).
struct StepLosses {
  double loss = 0.0;                     // what the run reports as train/val loss
  std::map<std::string, double> parts;   // e.g. {"recon", "kl"} or {"critic", "gen", "gp"}
};

class GeneratorModel {
 public:
  virtual ~GeneratorModel() = default;
  virtual std::string type() const = 0;
  // One training step on a batch (the model owns its optimiser(s)); gen is the run's
  // torch::Generator-equivalent seed source for this step (reproducible per epoch/batch).
  virtual StepLosses train_step(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) = 0;
  // The same loss without updating (validation), eval mode, no grad where possible.
  virtual StepLosses evaluate(const torch::Tensor& x, const torch::Tensor& c, uint64_t seed) = 0;
  // New normalised shapes (B, L) for conditions c (B, C); reproducible from seed.
  virtual torch::Tensor sample(const torch::Tensor& c, uint64_t seed) = 0;
  // Noiseless shapes (generate.noise = "denoised"): a model that can separate the traces'
  // noise from the pulse returns its estimate of the pulse without it, given each event's
  // noise rms in shape units, noise_sigma (B); the run then adds recorded noise. Default:
  // InputError (only the diffusion model denoises).
  virtual torch::Tensor sample_denoised(const torch::Tensor& c, const torch::Tensor& noise_sigma, uint64_t seed);
  // Every tensor that must be saved to resume exactly (parameters, buffers, optimiser state),
  // by stable names; load_state puts them back (InputError naming the key when one is missing
  // or has another shape).
  virtual std::map<std::string, torch::Tensor> state() const = 0;
  virtual void load_state(const std::map<std::string, torch::Tensor>& state) = 0;
  virtual int64_t parameter_count() const = 0;
  // Called once after the last epoch with (up to 20000 of) the training shapes and their
  // conditions: a model that samples from a distribution fitted to its training latents
  // (the autoencoder) fits it here and keeps it in state(). Default: nothing to fit.
  virtual void finish_training(const torch::Tensor& x, const torch::Tensor& c) {
    (void)x;
    (void)c;
  }
  // Translation models (cyclegan): the unlabelled target domain's shapes and conditions, its
  // training and validation parts, given before the first step (they are data, not state).
  virtual void set_target_domain(const torch::Tensor& x_train, const torch::Tensor& c_train,
                                 const torch::Tensor& x_val, const torch::Tensor& c_val);
  // Source shapes (B, L) with their conditions -> target-like shapes (cyclegan only).
  virtual torch::Tensor translate(const torch::Tensor& x, const torch::Tensor& c);
};

// The registry (generator_registry.cpp): one line per type. Throws InputError naming
// model.type for an unknown type, and naming the key for an impossible spec.
std::unique_ptr<GeneratorModel> make_generator(const GeneratorSpec& spec);
std::vector<std::string> generator_types();

// The [model] keys of a generator preset (type, latent, channels, kernel, kl_weight,
// gp_weight, critic_steps, diffusion_steps, sampling_steps, and the type's extra numbers
// listed in generator_extra_keys) plus train.lr; samples and conditions come from the data.
// InputError naming the key for a wrong type or an unknown model.type.
GeneratorSpec generator_spec_from(const core::Config& config, int64_t samples, int64_t conditions);
// The extra [model] numbers a type reads (GeneratorSpec::extra); any other key is unknown.
const std::vector<std::string>& generator_extra_keys(const std::string& type);

// Per-event KL divergence of N(mu, exp(logvar)) from N(0, I), summed over latents (vae.cpp).
torch::Tensor vae_kl_divergence(const torch::Tensor& mu, const torch::Tensor& logvar);

// Per-type factories (autoencoder.cpp, vae.cpp, gan.cpp, diffusion.cpp, cyclegan.cpp).
std::unique_ptr<GeneratorModel> make_autoencoder(const GeneratorSpec& spec);
std::unique_ptr<GeneratorModel> make_vae(const GeneratorSpec& spec);
std::unique_ptr<GeneratorModel> make_wgan_gp(const GeneratorSpec& spec);
std::unique_ptr<GeneratorModel> make_diffusion(const GeneratorSpec& spec);
std::unique_ptr<GeneratorModel> make_cyclegan(const GeneratorSpec& spec);

}  // namespace wl::gen
