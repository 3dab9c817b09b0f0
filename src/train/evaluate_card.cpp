// The model card's prose (Mitchell et al. 2019 sections) from a run directory's records;
// the quantitative tables are appended by the run report.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "evaluate_card.hpp"
#include "wavelearn/core/config.hpp"

namespace wl::train::detail {

namespace {

// A config value as text ("" when absent or of another type: the card is best effort).
template <typename T>
std::string cfg(const core::Config& c, const std::string& key) {
  try {
    if (!c.has(key)) return "";
    std::ostringstream o;
    o << c.get<T>(key);
    return o.str();
  } catch (const std::exception&) {
    return "";
  }
}

std::string json_text(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return "";
  return j.at(key).is_string() ? j.at(key).get<std::string>() : j.at(key).dump();
}

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string task_use(const std::string& kind) {
  if (kind == "regression")
    return "Energy (or other scalar) estimation from the digitized waveform of a germanium "
           "detector event, as a research comparison with the DSP energy estimators.";
  if (kind == "multiclass")
    return "Assigning germanium-detector events to classes defined by which traditional "
           "pulse-shape cuts they fail.";
  if (kind == "multitask")
    return "Reproducing several pulse-shape-discrimination labels and the energy of "
           "germanium-detector events with one network.";
  return "Pulse-shape discrimination of germanium-detector events: a score for how "
         "single-site-like (label 1) an event is, as an alternative to the traditional cut "
         "whose decisions are the training labels.";
}

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  // FNV-1a over the size and the first and last MiB: cheap on 40 GB files, and enough to
  // tell a different or truncated file from the one trained on.
  constexpr std::size_t kMiB = 1 << 20;
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(p[i]);
      h *= 1099511628211ull;
    }
  };
  mix(reinterpret_cast<const char*>(&size), sizeof size);
  std::vector<char> buf(kMiB);
  in.read(buf.data(), static_cast<std::streamsize>(kMiB));
  mix(buf.data(), static_cast<std::size_t>(in.gcount()));
  if (size > kMiB) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(size - std::min<uintmax_t>(size - kMiB, kMiB)));
    in.read(buf.data(), static_cast<std::streamsize>(kMiB));
    mix(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  char out[64];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return "size " + std::to_string(size) + " bytes, fingerprint " + out +
         " (FNV-1a of size, first and last MiB)";
}

report::ModelCard make_model_card(const CardContext& c) {
  const auto& conf = *c.config;
  const auto& tm = c.trainer_metrics;
  report::ModelCard card;
  card.name = c.run_dir.filename().empty() ? c.run_dir.parent_path().filename().string()
                                           : c.run_dir.filename().string();
  card.version = "wavelearn model format " + json_text(c.model_meta, "version") +
                 (json_text(tm, "torch_version").empty() ? ""
                                                         : ", libtorch " + json_text(tm, "torch_version"));
  card.date = today_utc();
  const std::string kind = c.model_meta.contains("head") ? json_text(c.model_meta["head"], "kind") : "";
  card.model_type = json_text(c.model_meta, "model_type") + " (task head: " + kind + ")";
  card.developers = "Trained with wavelearn by the operator of run directory " + c.run_dir.string() + ".";
  {
    std::ostringstream o;
    o << "Optimiser " << cfg<std::string>(conf, "train.optimizer") << ", learning rate "
      << cfg<double>(conf, "train.lr") << ", up to " << cfg<int64_t>(conf, "train.epochs")
      << " epochs (" << json_text(tm, "epochs_done") << " done, best epoch "
      << json_text(tm, "best_epoch") << "), batch size " << cfg<int64_t>(conf, "data.batch_size")
      << "; task " << kind;
    if (const auto loss = cfg<std::string>(conf, "task.loss"); !loss.empty()) o << ", loss " << loss;
    o << "; seed " << json_text(tm, "seed") << ".";
    card.training_algorithm = o.str();
  }
  if (const auto p = json_text(tm, "parameters"); !p.empty()) card.parameters = p + " trainable parameters";
  if (c.preprocess) {
    const auto& s = *c.preprocess;
    std::ostringstream o;
    o << "Waveform window of " << s.window_length_samples << " samples ("
      << static_cast<double>(s.window_length_samples) * s.sample_period_ns << " ns at "
      << s.sample_period_ns << " ns per sample), window mode " << data::to_string(s.config.window)
      << ", baseline " << data::to_string(s.config.baseline) << ", normalisation "
      << data::to_string(s.config.normalization) << "; targets:";
    for (const auto& t : s.target_names) o << " " << t;
    o << ". The same preprocessing (preprocess.json, also inside model.pt) is applied at "
         "prediction.";
    card.features = o.str();
  }
  card.license = "As the training data permit; the model weights are derived from them.";
  card.primary_uses = task_use(kind);
  card.primary_users = "Physicists analysing HPGe detector data (MAJORANA DEMONSTRATOR AI/ML "
                       "data-release format or files with the same fields).";
  card.out_of_scope = "Detectors, sampling periods, record lengths, energy ranges or event "
                      "selections other than those of the training data; any use as a final "
                      "physics cut without a calibration-source validation of its acceptance.";
  card.relevant_factors = "Energy (the cuts' acceptance depends on it), detector, run conditions, "
                          "event topology (single- versus multi-site), noise and pile-up.";
  card.evaluation_factors = "Energy regions of the 228Th spectrum (DEP mostly single-site; SEP, "
                            "FEP and the Compton continuum near Qbb mostly multi-site)" +
                            std::string(c.simulated ? "; true topology of the simulated events." : ".");
  if (kind == "regression")
    card.performance_measures = "MSE, MAE, RMSE and the FWHM of the residuals (interpolated and "
                                "Gaussian-core), in bins of true energy and at the 228Th peaks.";
  else
    card.performance_measures = "ROC AUC with a bootstrap 95 % interval, confusion matrices, "
                                "signal efficiency at 90 % and 99 % background rejection, "
                                "Kolmogorov-Smirnov train-versus-test comparison per class.";
  card.decision_thresholds = c.thresholds;
  card.variation_approaches = "Percentile bootstrap of the AUC (events resampled within each "
                              "class); KS p-values of training versus evaluation scores.";
  {
    std::ostringstream o;
    o << c.n_events << " " << c.events << " events of " << c.evaluation_file;
    if (c.events != "all") o << " (the run's own split, rebuilt from its seed)";
    o << "; " << c.n_train_scored << " training events scored for the overtraining check.";
    if (const auto fp = file_fingerprint(c.evaluation_file); !fp.empty()) o << " File " << fp << ".";
    card.evaluation_datasets = o.str();
  }
  card.evaluation_motivation = "Events the model did not train on, selected exactly as for "
                               "training, so the numbers estimate performance on new data of "
                               "the same kind.";
  card.evaluation_preprocessing = "Identical to training (preprocess.json of the run).";
  {
    std::ostringstream o;
    o << c.training_file;
    if (const auto fp = file_fingerprint(c.training_file); !fp.empty()) o << " (" << fp << ")";
    o << "; " << json_text(tm, "data_selected_events") << " selected events, "
      << json_text(tm, "n_train") << " for training, " << json_text(tm, "n_validation")
      << " for validation; energy threshold " << cfg<double>(conf, "data.energy_threshold_kev")
      << " keV; split seed " << json_text(tm, "seed") << ".";
    card.training_data = o.str();
  }
  card.ethical_considerations =
      "No personal data: detector waveforms only. The risk is scientific: a cut that is "
      "biased in energy or topology distorts a physics result, so its acceptance must be "
      "validated on calibration data before use.";
  card.caveats_and_recommendations =
      "The labels are the decisions of the traditional cuts, so agreement with those cuts is "
      "measured, not physical truth (truth-level numbers need simulated data). Check the "
      "score distributions for overtraining and re-evaluate when detector conditions change.";
  return card;
}

}  // namespace wl::train::detail
