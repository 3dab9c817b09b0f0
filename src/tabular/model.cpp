// Model factory and the column check shared by the models.
#include "wavelearn/tabular/model.hpp"

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tabular/bdt.hpp"
#ifdef WL_TABULAR_GP
#include "wavelearn/tabular/gp.hpp"
#endif
#include "wavelearn/tabular/logistic.hpp"
#include "wavelearn/tabular/svm.hpp"

namespace wl::tabular {

using core::InputError;

void TabularModel::check_columns(const FeatureMatrix& x) const {
  if (feature_names_.empty()) throw InputError(type() + " model: not trained or loaded");
  if (x.feature_names != feature_names_) {
    std::string want;
    for (const auto& n : feature_names_) want += (want.empty() ? "" : ", ") + n;
    throw InputError(type() + " model: expects the features [" + want + "] in that order");
  }
}

namespace {

// The Gaussian process needs libtorch (autograd, Cholesky); a build without it says so.
std::unique_ptr<TabularModel> make_gp([[maybe_unused]] const core::Config* config) {
#ifdef WL_TABULAR_GP
  return std::make_unique<GpModel>(config ? gp_settings_from(*config) : GpSettings{});
#else
  throw InputError("model.type = \"gp\" needs wavelearn built with libtorch (WL_WITH_TORCH)");
#endif
}

}  // namespace

bool is_tabular_type(const std::string& t) { return t == "bdt" || t == "svm" || t == "logistic" || t == "gp"; }

std::unique_ptr<TabularModel> make_empty_model(const std::string& type) {
  if (type == "bdt") return std::make_unique<BdtModel>();
  if (type == "svm") return std::make_unique<SvmModel>();
  if (type == "logistic") return std::make_unique<LogisticModel>();
  if (type == "gp") return make_gp(nullptr);
  throw InputError("model type '" + type + "' is not one of bdt, svm, logistic, gp");
}

std::unique_ptr<TabularModel> make_model(const core::Config& config) {
  const auto type = config.get<std::string>("model.type");
  // The GP (GpRegression) and the BDT (reg:squarederror) regress; the others are binary classifiers.
  if (regression_task_from(config) && is_tabular_type(type) && type != "gp" && type != "bdt")
    throw InputError("config key 'model.task' = \"regression\" needs model.type = \"gp\" or \"bdt\" (" + type +
                     " is a binary classifier here)");
  if (type == "bdt") return std::make_unique<BdtModel>(bdt_settings_from(config));
  if (type == "svm") return std::make_unique<SvmModel>(svm_settings_from(config));
  if (type == "logistic") return std::make_unique<LogisticModel>(logistic_settings_from(config));
  if (type == "gp") return make_gp(&config);
  throw InputError("config key 'model.type' = \"" + type + "\" is not one of bdt, svm, logistic, gp");
}

}  // namespace wl::tabular
