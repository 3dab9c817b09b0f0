// MODEL_CARD.md of a generator run: what it models, what the run adds, how it trained.
#include <ctime>

#include "gen_run.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/model_card.hpp"

namespace wl::gen::detail {

namespace {

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&now));
  return buf;
}

std::string num(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? report::format_number(j[key].get<double>()) : "n/a";
}

std::string algorithm(const GeneratorSpec& s) {
  if (s.type == "vae")
    return "Conditional VAE: conv encoder q(z|x,c), decoder p(x|z,c); loss = sum of squared errors / (2 recon_sigma^2) "
           "+ kl_weight (" + report::format_number(s.kl_weight) + ") x KL(N(mu, sigma) || N(0, I)); Adam, lr " +
           report::format_number(s.lr) + ". Generation: z ~ N(0, I).";
  if (s.type == "autoencoder")
    return "Convolutional autoencoder with a conditioned decoder, MSE loss, Adam (lr " + report::format_number(s.lr) +
           "). Generation: z from a Gaussian fitted to the training latents (mean linear in the conditions, full "
           "residual covariance).";
  if (s.type == "gan") return "WGAN-GP: conditioned generator and critic with a gradient penalty.";
  return "DDPM with a 1-D U-Net, " + std::to_string(s.diffusion_steps) + " noise levels, " +
         std::to_string(s.sampling_steps) + " sampling steps.";
}

}  // namespace

void write_generator_card(const nlohmann::json& t, const GeneratorSpec& spec, const RenderModel& render,
                          const std::string& name, const std::filesystem::path& path) {
  report::ModelCard card;
  card.name = name;
  card.version = "wavelearn run format 1";
  card.date = today_utc();
  card.model_type = spec.type + " (generator family)";
  card.developers = "Trained with wavelearn (`wavelearn train`).";
  card.training_algorithm = algorithm(spec);
  card.parameters = num(t, "parameters") + " trainable parameters";
  card.features = "Normalised windows of " + std::to_string(spec.samples) + " samples from tp0 - " +
                  std::to_string(render.pre_samples) + ": (trace - baseline level) / (gain x energy); conditions: "
                  "energy / " + report::format_number(render.energy_scale_kev) + " keV" +
                  (render.topology_field.empty() ? "" : ", " + render.topology_field) +
                  (render.condition_detector ? ", the detector (one-hot)" : "") + ".";
  card.primary_uses = "Generating waveforms in the MJD release layout (`wavelearn generate`) for a requested energy, "
                      "e.g. to enlarge or probe training sets of the pulse-shape models.";
  card.primary_users = "Physicists studying HPGe pulse-shape analysis.";
  card.out_of_scope = "Energies outside the trained range (" + report::format_number(render.energy_min_kev) + " to " +
                      report::format_number(render.energy_max_kev) + " keV), other detectors, or use of generated "
                      "pulses as a substitute for calibration data in a physics result.";
  card.relevant_factors = "Energy, detector, event topology; the tail beyond the window, the baseline level and the "
                          "noise are added by the run (render.json, noise.f32), not learned.";
  card.performance_measures = "Training and validation loss per epoch (history.csv); fidelity of generated files is "
                              "measured by `wavelearn fidelity` against the held-out test events.";
  card.training_data = num(t, "n_train") + " training and " + num(t, "n_validation") + " validation events of " +
                       t.value("data_file", std::string("?")) + " (the project's keyed split; " + num(t, "n_test") +
                       " test events held out as the fidelity reference).";
  card.caveats_and_recommendations =
      "Last epoch: train loss " + num(t, "train_loss") + ", validation loss " + num(t, "val_loss") + ". Pulses are "
      "modelled only inside the window; slow components beyond it (alpha delayed charge) are not generated.";
  report::write_model_card(card, path);
}

}  // namespace wl::gen::detail
