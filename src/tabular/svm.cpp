// libsvm C-SVC with probability outputs on standardised features.
#include "wavelearn/tabular/svm.hpp"

#include <libsvm/svm.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kSubsetStream = 0x5A1;  // random subset of large training splits
constexpr const char* kScalerFile = "scaler.json";

void silent(const char*) {}

svm_model* as_model(void* p) { return static_cast<svm_model*>(p); }

void free_model(void*& p) {
  if (p) {
    svm_model* m = as_model(p);
    svm_free_and_destroy_model(&m);
    p = nullptr;
  }
}

}  // namespace

SvmModel::SvmModel(SvmSettings settings) : settings_(std::move(settings)) {}

SvmModel::~SvmModel() { free_model(model_); }

void SvmModel::fit(const FitInputs& in) {
  const FeatureMatrix& all = *in.train;
  if (all.n_rows() == 0) throw InputError("svm: no training events");
  // libsvm's solver is quadratic in the events: a seeded random subset bounds the time.
  std::vector<std::size_t> rows(all.n_rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  if (rows.size() > settings_.max_train_events) {
    core::Rng rng(settings_.seed, kSubsetStream);
    for (std::size_t i = 0; i < settings_.max_train_events; ++i) {
      std::swap(rows[i], rows[i + rng.below(rows.size() - i)]);
    }
    rows.resize(settings_.max_train_events);
  }
  const FeatureMatrix train = all.subset(rows);
  scaler_ = Standardizer::fit(train);
  feature_names_ = train.feature_names;
  const std::size_t n = train.n_rows(), nf = train.n_features();
  const std::vector<double> z = scaler_.apply(train);
  for (double v : z) {
    if (!std::isfinite(v)) throw InputError("svm: missing feature values (use features.missing = \"drop\")");
  }
  std::vector<svm_node> nodes(n * (nf + 1));
  std::vector<svm_node*> x(n);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    svm_node* r = &nodes[i * (nf + 1)];
    for (std::size_t j = 0; j < nf; ++j) r[j] = {static_cast<int>(j + 1), z[i * nf + j]};
    r[nf] = {-1, 0.0};
    x[i] = r;
    y[i] = train.label[i] ? 1.0 : 0.0;
  }
  svm_problem prob{static_cast<int>(n), y.data(), x.data()};
  svm_parameter p{};
  p.svm_type = C_SVC;
  if (settings_.kernel == "rbf") {
    p.kernel_type = RBF;
  } else if (settings_.kernel == "linear") {
    p.kernel_type = LINEAR;
  } else {
    throw InputError("config key 'model.kernel' = \"" + settings_.kernel + "\" is not one of rbf, linear");
  }
  p.gamma = settings_.gamma > 0 ? settings_.gamma : 1.0 / static_cast<double>(nf);
  p.cache_size = settings_.cache_mb;
  p.eps = settings_.tolerance;
  p.C = settings_.c;
  int labels[2] = {0, 1};
  double weights[2] = {in.class_weight.first, in.class_weight.second};
  p.nr_weight = 2;
  p.weight_label = labels;
  p.weight = weights;
  p.shrinking = 1;
  p.probability = 1;
  if (const char* err = svm_check_parameter(&prob, &p)) throw InputError(std::string("svm: ") + err);
  svm_set_print_string_function(&silent);
  // Platt scaling's internal cross-validation draws from rand(): seed it for reproducibility.
  std::srand(static_cast<unsigned>(settings_.seed));
  svm_model* trained = svm_train(&prob, &p);
  // The trained model points into `nodes`; saving and reloading it gives a self-contained
  // model whose scores are exactly those a reload from the run directory gives.
  const fs::path tmp = fs::temp_directory_path() /
                       ("wl_svm_" + std::to_string(::getpid()) + "_" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  const int rc = svm_save_model(tmp.c_str(), trained);
  svm_free_and_destroy_model(&trained);
  if (rc != 0) throw std::runtime_error("svm: cannot write " + tmp.string());
  try {
    reload_from(tmp);
  } catch (...) {
    fs::remove(tmp);
    throw;
  }
  fs::remove(tmp);
  n_train_used_ = n;
}

void SvmModel::reload_from(const fs::path& path) {
  svm_model* m = svm_load_model(path.c_str());
  if (!m) throw InputError(path.string() + ": not a libsvm model");
  if (!svm_check_probability_model(m) || svm_get_nr_class(m) != 2) {
    svm_free_and_destroy_model(&m);
    throw InputError(path.string() + ": needs a two-class libsvm model with probability outputs");
  }
  free_model(model_);
  model_ = m;
}

std::vector<double> SvmModel::predict(const FeatureMatrix& x) const {
  check_columns(x);
  if (!model_) throw InputError("svm: model not trained or loaded");
  const std::size_t n = x.n_rows(), nf = x.n_features();
  int labels[2];
  svm_get_labels(as_model(model_), labels);
  const int signal_index = labels[0] == 1 ? 0 : 1;
  std::vector<double> score(n);
  core::parallel_for(n, core::resolve_threads(threads_), [&](std::size_t begin, std::size_t end, int) {
    // One node buffer per block: nothing allocated per event.
    std::vector<svm_node> r(nf + 1);
    r[nf] = {-1, 0.0};
    double prob[2];
    for (std::size_t i = begin; i < end; ++i) {
      const float* v = x.row(i);
      bool finite = true;
      for (std::size_t j = 0; j < nf; ++j) {
        r[j] = {static_cast<int>(j + 1), (v[j] - scaler_.mean[j]) / scaler_.std[j]};
        finite &= std::isfinite(r[j].value);
      }
      if (!finite) {
        score[i] = std::nan("");
        continue;
      }
      svm_predict_probability(as_model(model_), r.data(), prob);
      score[i] = prob[signal_index];
    }
  });
  return score;
}

void SvmModel::save(const fs::path& dir, bool force) const {
  if (!model_) throw InputError("svm: nothing to save (not trained)");
  core::write_atomically(dir / model_file(), force, [&](const fs::path& tmp) {
    if (svm_save_model(tmp.c_str(), as_model(model_)) != 0) throw std::runtime_error(tmp.string() + ": write failed");
  });
  nlohmann::json j = scaler_.to_json();
  j["settings"] = summary();
  core::refuse_overwrite(dir / kScalerFile, force);
  core::write_text_atomically(dir / kScalerFile, j.dump(2) + "\n", force);
}

void SvmModel::load(const fs::path& dir) {
  const fs::path sp = dir / kScalerFile;
  std::ifstream in(sp);
  if (!in) throw InputError(sp.string() + ": cannot open the SVM scaler");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(sp.string() + ": not JSON: " + e.what());
  }
  scaler_ = Standardizer::from_json(j, sp.string());
  if (j.contains("settings")) {
    const auto& s = j["settings"];
    settings_.kernel = s.value("kernel", settings_.kernel);
    settings_.c = s.value("C", settings_.c);
    settings_.gamma = s.value("gamma", settings_.gamma);
    n_train_used_ = s.value("n_train_events", std::size_t{0});
  }
  reload_from(dir / model_file());
  feature_names_ = scaler_.feature_names;
}

nlohmann::json SvmModel::summary() const {
  return {{"type", "svm"},
          {"kernel", settings_.kernel},
          {"C", settings_.c},
          {"gamma", settings_.gamma},
          {"tolerance", settings_.tolerance},
          {"max_train_events", settings_.max_train_events},
          {"n_train_events", n_train_used_},
          {"n_support_vectors", model_ ? svm_get_nr_sv(as_model(model_)) : 0}};
}

std::string SvmModel::description() const {
  return "libsvm C-SVC, " + settings_.kernel + " kernel, C = " + std::to_string(settings_.c) +
         ", Platt-scaled probabilities, standardised features, trained on " + std::to_string(n_train_used_) +
         " events";
}

SvmSettings svm_settings_from(const core::Config& c) {
  SvmSettings s;
  s.kernel = c.get<std::string>("model.kernel", s.kernel);
  s.c = c.get<double>("model.C", s.c);
  s.gamma = c.get<double>("model.gamma", s.gamma);
  s.tolerance = c.get<double>("model.tolerance", s.tolerance);
  s.cache_mb = c.get<double>("model.cache_mb", s.cache_mb);
  s.max_train_events = c.get<std::size_t>("model.max_train_events", s.max_train_events);
  s.seed = c.get<uint64_t>("seed", s.seed);
  if (s.kernel != "rbf" && s.kernel != "linear") {
    throw InputError("config key 'model.kernel' = \"" + s.kernel + "\" is not one of rbf, linear");
  }
  if (!(s.c > 0)) throw InputError("config key 'model.C' must be > 0");
  if (s.gamma < 0) throw InputError("config key 'model.gamma' must be >= 0 (0: 1 / n_features)");
  if (s.max_train_events < 10) throw InputError("config key 'model.max_train_events' must be >= 10");
  return s;
}

}  // namespace wl::tabular
