// The Gaussian process classifier or regression as a tabular model (model.type = "gp",
// model.task): a seeded subset of the training split, standardised features, saved as JSON
// with its training inputs and Laplace mode (classification) or targets (regression) so that
// a reload rebuilds exactly the same posterior. No libtorch here.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/tabular/gp.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kSubsetStream = 0x6B1;  // random subset of large training splits
// n x n doubles per Cholesky factor: 10000 events already hold 800 MB.
constexpr std::size_t kMaxTrainEventsLimit = 10000;

// The first `keep` rows of a seeded partial Fisher-Yates shuffle of [0, n): a uniformly
// random subset in random order, so its first rows are a random subset too.
std::vector<std::size_t> seeded_subset(std::size_t n, std::size_t keep, uint64_t seed) {
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  if (n <= keep) return rows;
  core::Rng rng(seed, kSubsetStream);
  for (std::size_t i = 0; i < keep; ++i) std::swap(rows[i], rows[i + rng.below(n - i)]);
  rows.resize(keep);
  return rows;
}

}  // namespace

void GpModel::fit(const FitInputs& in) {
  const FeatureMatrix& all = *in.train;
  if (all.n_rows() == 0) throw InputError("gp: no training events");
  if (settings_.regression ? all.target.size() != all.n_rows() : all.label.size() != all.n_rows())
    throw InputError(std::string("gp: training events need ") + (settings_.regression ? "targets" : "labels"));
  GpPosterior::use_threads(threads_);
  // Exact inference is cubic in the events: a seeded random subset bounds the time.
  const auto rows = seeded_subset(all.n_rows(), settings_.max_train_events, settings_.seed);
  const FeatureMatrix train = all.subset(rows);
  n_train_available_ = all.n_rows();
  scaler_ = Standardizer::fit(train);
  feature_names_ = train.feature_names;
  const std::size_t nf = train.n_features();
  const std::vector<double> z = scaler_.apply(train);
  for (double v : z)
    if (!std::isfinite(v)) throw InputError("gp: missing feature values (use features.missing = \"drop\")");
  RbfArdKernel start;
  start.length_scale.assign(nf, settings_.length_scale > 0 ? settings_.length_scale : std::sqrt(double(nf)));
  start.signal_variance = settings_.signal_variance;
  start.noise_variance = settings_.noise_variance;
  history_.clear();
  lml_start_ = std::nan("");
  if (settings_.regression) {
    fit_regression(train, z, start);
  } else {
    fit_classifier(in, rows, train, z, start);
  }
}

// The hyper-parameters from the first hyper_events of the (random-order) subset: each Adam
// step costs a few factorisations of their kernel matrix. Then conditioned on all of them.
void GpModel::fit_classifier(const FitInputs& in, const std::vector<std::size_t>& rows, const FeatureMatrix& train,
                             const std::vector<double>& z, const RbfArdKernel& start) {
  const std::size_t n = train.n_rows(), nf = train.n_features();
  std::vector<double> w(n, 1.0);
  if (!in.train_weight.empty())
    for (std::size_t i = 0; i < n; ++i) w[i] = in.train_weight[rows[i]];
  RbfArdKernel fitted = start;
  const std::size_t nh = std::min(n, settings_.hyper_events);
  if (settings_.optimiser.iterations > 0 && nh > 1) {
    const std::vector<double> zh(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(nh * nf));
    const std::vector<uint8_t> th(train.label.begin(), train.label.begin() + static_cast<std::ptrdiff_t>(nh));
    const std::vector<double> wh(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(nh));
    const auto lml = GpClassifier::fit_hyperparameters(zh, nf, th, wh, start, settings_.optimiser, fitted);
    for (std::size_t i = 0; i < lml.size(); ++i)
      history_.push_back({static_cast<int>(i), -lml[i] / double(nh), std::nan("")});
    if (!lml.empty()) lml_start_ = lml.front() / double(nh);
  }
  gp_.condition(z, nf, train.label, w, fitted);
}

// Regression: Gaussian likelihood, the noise variance fitted with the kernel, targets
// standardised (so signal and noise variance are fractions of the target's variance, and the
// same initial values suit any target's units). No weights: no classes to balance.
void GpModel::fit_regression(const FeatureMatrix& train, const std::vector<double>& z, const RbfArdKernel& start) {
  const std::size_t n = train.n_rows(), nf = train.n_features();
  RbfArdKernel fitted = start;
  const std::size_t nh = std::min(n, settings_.hyper_events);
  if (settings_.optimiser.iterations > 0 && nh > 1) {
    const std::vector<double> zh(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(nh * nf));
    const std::vector<double> yh(train.target.begin(), train.target.begin() + static_cast<std::ptrdiff_t>(nh));
    GpRegression hyper;
    GpOptimiser o = settings_.optimiser;
    o.fit_noise = true;
    const auto lml = hyper.fit(zh, nf, yh, start, o, true);
    fitted = hyper.kernel();
    for (std::size_t i = 0; i < lml.size(); ++i)
      history_.push_back({static_cast<int>(i), -lml[i] / double(nh), std::nan("")});
    if (!lml.empty()) lml_start_ = lml.front() / double(nh);
  }
  reg_.condition(z, nf, train.target, fitted, true);
}

const GpPosterior& GpModel::posterior() const {
  if (settings_.regression) return reg_;
  return gp_;
}

std::vector<double> GpModel::predict(const FeatureMatrix& x) const {
  std::vector<double> spread;
  return predict_with_std(x, spread);
}

// Classification: P(signal) by the probit approximation; spread is the standard deviation of
// the latent f (the logit), the GP's own uncertainty, which P(signal) folds into one number.
// Regression: the predictive mean of the target and the standard deviation of a new
// measurement y = f + noise (latent variance plus the fitted noise variance), both in the
// target's units: what an interval meant to contain the true value needs.
std::vector<double> GpModel::predict_with_std(const FeatureMatrix& x, std::vector<double>& spread) const {
  check_columns(x);
  GpPosterior::use_threads(threads_);
  std::vector<double> z = scaler_.apply(x);
  const std::size_t n = x.n_rows(), nf = x.n_features();
  std::vector<bool> finite(n, true);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < nf; ++j)
      if (!std::isfinite(z[i * nf + j])) finite[i] = false, z[i * nf + j] = 0.0;  // scored, then NaN
  const GpPrediction p = settings_.regression ? reg_.predict(z, true, settings_.batch_events)
                                              : gp_.predict_latent(z, settings_.batch_events);
  std::vector<double> score(n, std::nan(""));
  spread.assign(n, std::nan(""));
  for (std::size_t i = 0; i < n; ++i) {
    if (!finite[i]) continue;
    score[i] = settings_.regression ? p.mean[i] : GpClassifier::probability(p.mean[i], p.variance[i]);
    spread[i] = std::sqrt(p.variance[i]);
  }
  return score;
}

void GpModel::save(const fs::path& dir, bool force) const {
  if (posterior().n_train() == 0) throw InputError("gp: nothing to save (not trained)");
  nlohmann::json j = {{"summary", summary()},
                      {"scaler", scaler_.to_json()},
                      {"kernel", posterior().kernel().to_json()}};
  if (settings_.regression) {
    j["inputs_standardised"] = reg_.inputs();
    j["target"] = reg_.targets();  // in the target's units; conditioning standardises them again
  } else {
    j["inputs_standardised"] = gp_.inputs();
    j["label"] = gp_.label();
    j["weight"] = gp_.weight();
    j["mode"] = gp_.mode();
  }
  core::refuse_overwrite(dir / model_file(), force);
  // nlohmann writes doubles in shortest round-trip form: the reload's posterior is the same.
  core::write_text_atomically(dir / model_file(), j.dump() + "\n", force);
}

void GpModel::load(const fs::path& dir) {
  const fs::path path = dir / model_file();
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open the gaussian process model");
  try {
    nlohmann::json j;
    in >> j;
    scaler_ = Standardizer::from_json(j.at("scaler"), path.string());
    const auto& s = j.at("summary");
    settings_.regression = s.value("task", std::string("classification")) == "regression";
    settings_.max_train_events = s.value("max_train_events", settings_.max_train_events);
    settings_.hyper_events = s.value("hyper_events", settings_.hyper_events);
    settings_.optimiser.iterations = s.value("iterations", settings_.optimiser.iterations);
    settings_.optimiser.learning_rate = s.value("learning_rate", settings_.optimiser.learning_rate);
    settings_.batch_events = s.value("batch_events", settings_.batch_events);
    n_train_available_ = s.value("n_train_available", std::size_t{0});
    const auto& lml = s.at("log_marginal_likelihood_per_event");
    lml_start_ = lml.at("start").is_number() ? lml.at("start").get<double>() : std::nan("");
    const auto kernel = RbfArdKernel::from_json(j.at("kernel"), path.string());
    auto x = j.at("inputs_standardised").get<std::vector<double>>();
    const std::size_t nf = scaler_.feature_names.size();
    if (settings_.regression) {
      // Conditioning is deterministic (one thread, one shape): the same posterior as trained.
      reg_.condition(std::move(x), nf, j.at("target").get<std::vector<double>>(), kernel, true);
    } else {
      gp_.restore(std::move(x), nf, j.at("label").get<std::vector<uint8_t>>(), j.at("weight").get<std::vector<double>>(),
                  kernel, j.at("mode").get<std::vector<double>>());
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": bad gaussian process model: " + e.what());
  }
  feature_names_ = scaler_.feature_names;
}

namespace {

// The marginal-likelihood fit has converged when its last tenth of steps (at least 5) gained
// under 1 % of what the whole fit gained; otherwise more model.iterations would still help.
void add_convergence(const std::vector<RoundLoss>& history, nlohmann::json& j) {
  if (history.size() < 10) return;
  const std::size_t w = std::max<std::size_t>(5, history.size() / 10);
  const double total = history.front().train_loss - history.back().train_loss;
  const double recent = history[history.size() - 1 - w].train_loss - history.back().train_loss;
  j["converged"] = !(total > 0 && recent > 0.01 * total);
  if (!j["converged"].get<bool>())
    j["convergence"] = "the marginal likelihood was still rising over the last " + std::to_string(w) +
                       " of " + std::to_string(history.size()) + " steps: raise model.iterations";
}

}  // namespace

nlohmann::json GpModel::summary() const {
  nlohmann::json lengths = nlohmann::json::object();
  const GpPosterior& gp = posterior();
  const auto& k = gp.kernel();
  for (std::size_t j = 0; j < k.length_scale.size() && j < feature_names_.size(); ++j)
    lengths[feature_names_[j]] = k.length_scale[j];
  const double lml_end = settings_.regression ? reg_.log_marginal_likelihood() : gp_.log_marginal_likelihood();
  const double end = gp.n_train() ? lml_end / double(gp.n_train()) : std::nan("");
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json j = {
      {"type", "gp"},
      {"task", settings_.regression ? "regression" : "classification"},
      {"likelihood", settings_.regression ? "gaussian (noise variance fitted), targets standardised"
                                          : "logistic, Laplace approximation; P(signal) by the probit approximation"},
      {"kernel", "rbf_ard"},
      {"length_scales_standardised", lengths},
      {"signal_variance", k.signal_variance},
      {"max_train_events", settings_.max_train_events},
      {"n_train_available", n_train_available_},
      {"n_train_events", gp.n_train()},
      {"subsampled", gp.n_train() < n_train_available_},
      {"hyper_events", settings_.hyper_events},
      {"iterations", settings_.optimiser.iterations},
      {"learning_rate", settings_.optimiser.learning_rate},
      {"batch_events", settings_.batch_events},
      // start: the hyper-parameter subset before the fit; end: all used events after it.
      {"log_marginal_likelihood_per_event", {{"start", number(lml_start_)}, {"end", number(end)}}},
      {"score_std", "standard deviation of the latent f (logit scale), not of P(signal)"}};
  add_convergence(history_, j);
  if (settings_.regression) {
    j["noise_variance_standardised"] = k.noise_variance;  // a fraction of the target's variance
    j["score_std"] = "predictive standard deviation of the target: latent variance plus noise variance";
  }
  return j;
}

std::string GpModel::description() const {
  const GpPosterior& gp = posterior();
  std::string d = std::string("Gaussian process ") + (settings_.regression ? "regression" : "classifier") +
                  ", RBF-ARD kernel, " + (settings_.regression ? "Gaussian likelihood" : "Laplace approximation") +
                  ", exact on " + std::to_string(gp.n_train()) + " training events";
  if (gp.n_train() < n_train_available_)
    d += " (a seeded random subset of " + std::to_string(n_train_available_) + ")";
  return d + ", hyper-parameters by " + std::to_string(settings_.optimiser.iterations) +
         " Adam steps on the marginal likelihood, standardised features";
}

GpSettings gp_settings_from(const core::Config& c) {
  GpSettings s;
  s.max_train_events = c.get<std::size_t>("model.max_train_events", s.max_train_events);
  s.hyper_events = c.get<std::size_t>("model.hyper_events", s.hyper_events);
  s.optimiser.iterations = c.get<int>("model.iterations", s.optimiser.iterations);
  s.optimiser.learning_rate = c.get<double>("model.learning_rate", s.optimiser.learning_rate);
  s.length_scale = c.get<double>("model.length_scale", s.length_scale);
  s.regression = regression_task_from(c);
  // Regression standardises its targets: a prior variance of 1 is the target's own variance.
  s.signal_variance = c.get<double>("model.signal_variance", s.regression ? 1.0 : s.signal_variance);
  if (s.regression) s.noise_variance = c.get<double>("model.noise_variance", s.noise_variance);
  s.batch_events = c.get<std::size_t>("model.batch_events", s.batch_events);
  s.seed = c.get<uint64_t>("seed", s.seed);
  if (s.max_train_events < 10 || s.max_train_events > kMaxTrainEventsLimit)
    throw InputError("config key 'model.max_train_events' must be from 10 to " + std::to_string(kMaxTrainEventsLimit) +
                     " (exact inference: n^2 memory, n^3 time)");
  if (s.hyper_events < 2) throw InputError("config key 'model.hyper_events' must be >= 2");
  if (s.optimiser.iterations < 0) throw InputError("config key 'model.iterations' must be >= 0");
  if (!(s.optimiser.learning_rate > 0)) throw InputError("config key 'model.learning_rate' must be > 0");
  if (s.length_scale < 0) throw InputError("config key 'model.length_scale' must be >= 0 (0: sqrt(n_features))");
  if (!(s.signal_variance > 0)) throw InputError("config key 'model.signal_variance' must be > 0");
  if (!(s.noise_variance > 0)) throw InputError("config key 'model.noise_variance' must be > 0");
  // Each batch holds an n_train x batch kernel block in double precision: 16384 keeps it
  // near 1.3 GB at the largest training subset (10000 events).
  if (s.batch_events < 1 || s.batch_events > 16384)
    throw InputError("config key 'model.batch_events' must be from 1 to 16384");
  return s;
}

}  // namespace wl::tabular
