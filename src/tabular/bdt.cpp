// XGBoost gradient-boosted trees via the C API.
#include "wavelearn/tabular/bdt.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

// Booster attributes holding the feature names and the task, so model.json is self-describing.
constexpr const char* kFeatureAttr = "wavelearn_features";
constexpr const char* kTaskAttr = "wavelearn_task";  // "classification" or the regression loss

void check(int rc, const char* what) {
  if (rc == 0) return;
  std::string msg = XGBGetLastError();
  if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  // XGBoost checks its parameters at the first update: a refusal there is the config's.
  if (std::string(what) == "update")
    throw core::InputError("model: XGBoost refuses the configuration: " + msg);
  throw std::runtime_error(std::string("xgboost ") + what + ": " + msg);
}

// Owns a DMatrix built from a feature matrix (NaN = missing).
class DMatrix {
 public:
  DMatrix(const FeatureMatrix& x, const std::vector<float>* weight) {
    check(XGDMatrixCreateFromMat(x.values.data(), x.n_rows(), x.n_features(),
                                 std::numeric_limits<float>::quiet_NaN(), &h_),
          "DMatrix");
    // A classifier's 0/1 label, or a regression's float target.
    std::vector<float> y(x.label.begin(), x.label.end());
    if (y.empty()) y.assign(x.target.begin(), x.target.end());
    if (!y.empty()) check(XGDMatrixSetFloatInfo(h_, "label", y.data(), y.size()), "labels");
    if (weight && !weight->empty()) {
      check(XGDMatrixSetFloatInfo(h_, "weight", weight->data(), weight->size()), "weights");
    }
  }
  ~DMatrix() { XGDMatrixFree(h_); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

std::string join(const std::vector<std::string>& v, char sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(1, sep)) + x;
  return s;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0.0;
  for (double x : v) sum += x;
  return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

// "[3]\ttrain-logloss:0.41\tvalidation-logloss:0.45" -> the value after `name-<metric>:`.
double metric_value(const std::string& eval, const std::string& name, const std::string& metric) {
  const std::string key = name + "-" + metric + ":";
  const auto pos = eval.find(key);
  if (pos == std::string::npos) return std::nan("");
  return std::strtod(eval.c_str() + pos + key.size(), nullptr);
}

}  // namespace

BdtModel::BdtModel(BdtSettings settings) : settings_(std::move(settings)) {}

BdtModel::~BdtModel() {
  if (booster_) XGBoosterFree(booster_);
}

int BdtModel::n_trees() const {
  int n = 0;
  if (booster_) check(XGBoosterBoostedRounds(booster_, &n), "rounds");
  return n;
}

void BdtModel::fit(const FitInputs& in) {
  const FeatureMatrix& train = *in.train;
  if (train.n_rows() == 0) throw InputError("bdt: no training events");
  regression_ = !train.target.empty();
  if (train.label.size() != train.n_rows() && train.target.size() != train.n_rows())
    throw InputError("bdt: training events need labels or regression targets");
  const bool has_val = in.validation && in.validation->n_rows() > 0;
  DMatrix dtrain(train, &in.train_weight);
  std::unique_ptr<DMatrix> dval;
  if (has_val) dval = std::make_unique<DMatrix>(*in.validation, &in.validation_weight);

  std::vector<DMatrixHandle> cache{dtrain.get()};
  if (dval) cache.push_back(dval->get());
  BoosterHandle b = nullptr;
  check(XGBoosterCreate(cache.data(), cache.size(), &b), "create");
  std::unique_ptr<void, void (*)(void*)> guard(b, [](void* p) { XGBoosterFree(p); });
  const auto set = [&](const char* k, const std::string& v) { check(XGBoosterSetParam(b, k, v.c_str()), k); };
  const auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  // A regression's boosting starts at the training targets' mean (median for the absolute
  // error): XGBoost's default 0.5 would cost rounds on a target far from it.
  const bool absolute = settings_.regression_loss == "absolute_error";
  const std::string metric = !regression_ ? "logloss" : absolute ? "mae" : "rmse";
  set("objective", objective());
  set("eval_metric", metric);
  if (regression_) set("base_score", num(absolute ? median_of(train.target) : mean_of(train.target)));
  set("verbosity", "0");
  set("max_depth", std::to_string(settings_.max_depth));
  set("eta", num(settings_.eta));
  set("subsample", num(settings_.subsample));
  set("colsample_bytree", num(settings_.colsample_bytree));
  set("min_child_weight", num(settings_.min_child_weight));
  set("lambda", num(settings_.lambda));
  set("tree_method", settings_.tree_method);
  set("seed", std::to_string(settings_.seed % 2147483647ULL));
  set("nthread", std::to_string(core::resolve_threads(threads_)));

  std::vector<DMatrixHandle> evals{dtrain.get()};
  std::vector<const char*> eval_names{"train"};
  if (dval) {
    evals.push_back(dval->get());
    eval_names.push_back("validation");
  }
  history_.clear();
  double best = std::numeric_limits<double>::infinity();
  best_iteration_ = -1;
  for (int it = 0; it < settings_.n_trees; ++it) {
    check(XGBoosterUpdateOneIter(b, it, dtrain.get()), "update");
    const char* out = nullptr;
    check(XGBoosterEvalOneIter(b, it, evals.data(), eval_names.data(), evals.size(), &out), "eval");
    const std::string text(out);
    RoundLoss row{it, metric_value(text, "train", metric), dval ? metric_value(text, "validation", metric) : std::nan("")};
    history_.push_back(row);
    const double watched = dval ? row.validation_loss : row.train_loss;
    if (watched < best) {
      best = watched;
      best_iteration_ = it;
    }
    if (dval && settings_.early_stopping_rounds > 0 && it - best_iteration_ >= settings_.early_stopping_rounds) break;
  }
  if (best_iteration_ < 0) best_iteration_ = static_cast<int>(history_.size()) - 1;
  // Keep the trees up to the best round only: the saved model is the early-stopped one.
  BoosterHandle sliced = nullptr;
  check(XGBoosterSlice(b, 0, best_iteration_ + 1, 1, &sliced), "slice");
  if (booster_) XGBoosterFree(booster_);
  booster_ = sliced;
  feature_names_ = train.feature_names;
  check(XGBoosterSetAttr(booster_, kFeatureAttr, join(feature_names_, '\n').c_str()), "attribute");
  check(XGBoosterSetAttr(booster_, kTaskAttr, regression_ ? settings_.regression_loss.c_str() : "classification"),
        "attribute");
  check(XGBoosterSetParam(booster_, "nthread", std::to_string(core::resolve_threads(threads_)).c_str()), "nthread");
}

std::vector<float> BdtModel::predict_raw(const FeatureMatrix& x, int type, std::size_t* width) const {
  check_columns(x);
  if (!booster_) throw InputError("bdt: model not trained or loaded");
  const std::size_t n = x.n_rows();
  *width = type == 2 ? x.n_features() + 1 : 1;
  if (n == 0) return {};
  DMatrix d(x, nullptr);
  const std::string cfg = "{\"type\": " + std::to_string(type) +
                          ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
                          "\"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  check(XGBoosterPredictFromDMatrix(booster_, d.get(), cfg.c_str(), &shape, &dim, &result), "predict");
  std::size_t total = 1;
  for (bst_ulong i = 0; i < dim; ++i) total *= shape[i];
  if (total != n * *width) throw std::runtime_error("xgboost predict: unexpected output shape");
  return std::vector<float>(result, result + total);
}

std::vector<double> BdtModel::predict(const FeatureMatrix& x) const {
  std::size_t w = 0;
  const auto raw = predict_raw(x, 0, &w);
  return std::vector<double>(raw.begin(), raw.end());
}

std::vector<double> BdtModel::margin(const FeatureMatrix& x) const {
  std::size_t w = 0;
  const auto raw = predict_raw(x, 1, &w);
  return std::vector<double>(raw.begin(), raw.end());
}

std::vector<float> BdtModel::contributions(const FeatureMatrix& x) const {
  std::size_t w = 0;
  return predict_raw(x, 2, &w);
}

void BdtModel::save(const fs::path& dir, bool force) const {
  if (!booster_) throw InputError("bdt: nothing to save (not trained)");
  bst_ulong len = 0;
  const char* data = nullptr;
  check(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"json\"}", &len, &data), "save");
  const std::string bytes(data, len);
  core::write_atomically(dir / model_file(), force, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error(tmp.string() + ": write failed");
  });
}

void BdtModel::load(const fs::path& dir) {
  const fs::path path = dir / model_file();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open the BDT model");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BoosterHandle b = nullptr;
  check(XGBoosterCreate(nullptr, 0, &b), "create");
  if (XGBoosterLoadModelFromBuffer(b, bytes.data(), bytes.size()) != 0) {
    const std::string msg = XGBGetLastError();
    XGBoosterFree(b);
    throw InputError(path.string() + ": not an XGBoost model (" + msg.substr(0, 200) + ")");
  }
  const char* attr = nullptr;
  int ok = 0;
  check(XGBoosterGetAttr(b, kFeatureAttr, &attr, &ok), "attribute");
  if (!ok || !attr) {
    XGBoosterFree(b);
    throw InputError(path.string() + ": model has no feature list (not written by wavelearn)");
  }
  if (booster_) XGBoosterFree(booster_);
  booster_ = b;
  feature_names_ = split(attr, '\n');
  check(XGBoosterGetAttr(b, kTaskAttr, &attr, &ok), "attribute");
  regression_ = ok && attr && std::string(attr) != "classification";
  if (regression_) settings_.regression_loss = attr;
  check(XGBoosterSetParam(booster_, "nthread", std::to_string(core::resolve_threads(threads_)).c_str()), "nthread");
  best_iteration_ = n_trees() - 1;
}

nlohmann::json BdtModel::summary() const {
  return {{"type", "bdt"},
          {"objective", objective()},
          {"n_trees_max", settings_.n_trees},
          {"n_trees", n_trees()},
          {"best_iteration", best_iteration_},
          {"max_depth", settings_.max_depth},
          {"eta", settings_.eta},
          {"subsample", settings_.subsample},
          {"colsample_bytree", settings_.colsample_bytree},
          {"min_child_weight", settings_.min_child_weight},
          {"lambda", settings_.lambda},
          {"early_stopping_rounds", settings_.early_stopping_rounds},
          {"tree_method", settings_.tree_method}};
}

std::string BdtModel::description() const {
  return "XGBoost gradient-boosted trees (" + objective() +
         ", " + std::to_string(n_trees()) +
         " trees of depth <= " + std::to_string(settings_.max_depth) + ", eta " + std::to_string(settings_.eta) +
         ", early stopping on the validation " + (!regression_ ? "log-loss" : objective() == "reg:absoluteerror" ? "MAE" : "RMSE") + " after " + std::to_string(settings_.early_stopping_rounds) +
         " rounds)";
}

std::string BdtModel::objective() const {
  if (!regression_) return "binary:logistic";
  return settings_.regression_loss == "absolute_error" ? "reg:absoluteerror" : "reg:squarederror";
}

BdtSettings bdt_settings_from(const core::Config& c) {
  BdtSettings s;
  s.n_trees = c.get<int>("model.n_trees", s.n_trees);
  s.max_depth = c.get<int>("model.max_depth", s.max_depth);
  s.eta = c.get<double>("model.eta", s.eta);
  s.subsample = c.get<double>("model.subsample", s.subsample);
  s.colsample_bytree = c.get<double>("model.colsample_bytree", s.colsample_bytree);
  s.min_child_weight = c.get<double>("model.min_child_weight", s.min_child_weight);
  s.lambda = c.get<double>("model.lambda", s.lambda);
  s.early_stopping_rounds = c.get<int>("model.early_stopping_rounds", s.early_stopping_rounds);
  s.tree_method = c.get<std::string>("model.tree_method", s.tree_method);
  s.regression_loss = c.get<std::string>("model.regression_loss", s.regression_loss);
  if (s.regression_loss != "squared_error" && s.regression_loss != "absolute_error")
    throw InputError("config key 'model.regression_loss' = \"" + s.regression_loss +
                     "\" is not one of squared_error, absolute_error");
  // model.seed varies the row sampling alone; the top-level seed also draws the split.
  s.seed = c.get<uint64_t>("model.seed", c.get<uint64_t>("seed", s.seed));
  if (s.n_trees < 1) throw InputError("config key 'model.n_trees' must be >= 1");
  if (s.max_depth < 1) throw InputError("config key 'model.max_depth' must be >= 1");
  if (!(s.eta > 0 && s.eta <= 1)) throw InputError("config key 'model.eta' must lie in (0, 1]");
  if (!(s.subsample > 0 && s.subsample <= 1)) throw InputError("config key 'model.subsample' must lie in (0, 1]");
  if (!(s.colsample_bytree > 0 && s.colsample_bytree <= 1)) {
    throw InputError("config key 'model.colsample_bytree' must lie in (0, 1]");
  }
  if (s.early_stopping_rounds < 0) throw InputError("config key 'model.early_stopping_rounds' must be >= 0");
  if (s.tree_method != "hist" && s.tree_method != "exact" && s.tree_method != "approx") {
    throw InputError("config key 'model.tree_method' = \"" + s.tree_method + "\" is not one of hist, exact, approx");
  }
  return s;
}

}  // namespace wl::tabular
