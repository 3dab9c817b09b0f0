// Feature matrix from a feature table: column selection, explicit event policy, split, weights.
#include "wavelearn/tabular/matrix.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::tabular {

using core::InputError;

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

const std::vector<double>& require_column(const io::Table& t, const std::string& name,
                                          const std::string& what, const std::string& source) {
  if (!t.has(name)) {
    throw InputError(source + ": " + what + " '" + name + "' is not a column (available: " +
                     join(t.names) + ")");
  }
  return t.column(name);
}

// False for an event the label drops (NaN; a regression target that is not finite); throws
// for a classification label other than 0/1, which is a wrong column, not a missing value.
bool usable_label(double y, std::size_t row, const MatrixOptions& o, const std::string& source) {
  if (o.regression) return std::isfinite(y);
  if (std::isnan(y)) return false;
  if (y != 0.0 && y != 1.0) {
    throw InputError(source + ": label '" + o.label + "' is " + std::to_string(y) + " at row " + std::to_string(row) +
                     " (a binary label must be 0 or 1)");
  }
  return true;
}

}  // namespace

FeatureMatrix FeatureMatrix::subset(const std::vector<std::size_t>& rows) const {
  FeatureMatrix out;
  out.feature_names = feature_names;
  const std::size_t nf = n_features();
  out.values.reserve(rows.size() * nf);
  for (std::size_t r : rows) {
    out.values.insert(out.values.end(), row(r), row(r) + nf);
    if (!label.empty()) out.label.push_back(label[r]);
    if (!target.empty()) out.target.push_back(target[r]);
    if (!base.empty()) out.base.push_back(base[r]);
    out.id.push_back(id[r]);
    out.source_row.push_back(source_row[r]);
  }
  return out;
}

std::string MatrixReport::summary() const {
  const std::size_t kept = n_input - dropped_label - dropped_quality - dropped_missing - dropped_energy - dropped_base;
  std::string s = std::to_string(kept) + " of " + std::to_string(n_input) + " events used";
  auto add = [&](std::size_t n, const char* why) {
    if (n) s += ", " + std::to_string(n) + " dropped (" + why + ")";
  };
  add(dropped_energy, "energy below threshold");
  add(dropped_label, "label or target NaN");
  add(dropped_base, "residual base not a positive number");
  add(dropped_quality, "DSP quality flag set");
  add(dropped_missing, "non-finite feature");
  if (kept_missing) s += ", " + std::to_string(kept_missing) + " kept with missing features (NaN)";
  return s;
}

const std::vector<std::string>& default_physics_features() {
  static const std::vector<std::string> names = {
      "energy_trap_adc", "avse_raw",         "current_amp_adc_per_ns", "drift_time_ns",
      "rise_time_ns",    "dcr_raw",          "lq_raw",                 "tail_tau_ns",
      "current_width_ns", "n_current_peaks", "rise_asymmetry"};
  return names;
}

void add_derived_label(io::Table& table, const std::string& label) {
  if (label != "psd_pass" || table.has(label)) return;
  std::vector<const std::vector<double>*> labels;
  for (std::size_t i = 0; i < table.names.size(); ++i)
    if (table.names[i].rfind("psd_label", 0) == 0) labels.push_back(&table.columns[i]);
  if (labels.empty()) return;
  std::vector<double> pass(table.n_rows(), 1.0);
  for (const auto* c : labels)
    for (std::size_t r = 0; r < pass.size(); ++r) {
      if (std::isnan((*c)[r])) pass[r] = std::nan("");
      else if ((*c)[r] != 1.0 && !std::isnan(pass[r])) pass[r] = 0.0;
    }
  table.add(label, std::move(pass));
}

namespace {

// The columns an event policy reads, resolved once (null where an option is off).
struct PolicyColumns {
  std::vector<const std::vector<double>*> features;
  const std::vector<double>* label = nullptr;
  const std::vector<double>* base = nullptr;
  const std::vector<double>* quality = nullptr;
  const std::vector<double>* energy = nullptr;
  const std::vector<double>* ids = nullptr;
};

PolicyColumns policy_columns(const io::Table& table, const MatrixOptions& options,
                             const std::vector<std::string>& names, const std::string& source) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) throw InputError(source + ": feature '" + names[i] + "' listed twice");
    }
    if (names[i] == options.label) {
      throw InputError(source + ": feature '" + names[i] + "' is also the label (task.label)");
    }
  }
  PolicyColumns c;
  for (const auto& n : names) c.features.push_back(&require_column(table, n, "feature", source));
  if (!options.label.empty())
    c.label = &require_column(table, options.label, options.regression ? "regression target" : "label", source);
  if (!options.residual_of.empty())
    c.base = &require_column(table, options.residual_of, "residual base (task.residual_of)", source);
  if (options.drop_bad_quality && table.has("quality")) c.quality = &table.column("quality");
  if (options.energy_threshold >= 0.0 && !options.energy_column.empty())
    c.energy = &require_column(table, options.energy_column, "energy column", source);
  if (table.has("id")) c.ids = &table.column("id");
  return c;
}

// False (and counted) for an event the policy drops; kept_missing counts a kept NaN feature.
bool keep_row(const PolicyColumns& c, std::size_t r, const MatrixOptions& options, const std::string& source,
              MatrixReport& rep) {
  const auto drop = [](std::size_t& counter) {
    ++counter;
    return false;
  };
  if (c.energy && !((*c.energy)[r] > options.energy_threshold)) return drop(rep.dropped_energy);
  if (c.label && !usable_label((*c.label)[r], r, options, source)) return drop(rep.dropped_label);
  if (c.base && !(std::isfinite((*c.base)[r]) && (*c.base)[r] > 0.0)) return drop(rep.dropped_base);
  if (c.quality && (*c.quality)[r] != 0.0) return drop(rep.dropped_quality);
  bool missing = false;
  for (const auto* f : c.features) missing |= !std::isfinite((*f)[r]);
  if (missing && options.missing == MissingPolicy::kDrop) return drop(rep.dropped_missing);
  rep.kept_missing += missing;
  return true;
}

}  // namespace

double relative_residual(double target, double base) { return (target - base) / base * kResidualScale; }

double from_relative_residual(double residual, double base) { return base * (1.0 + residual / kResidualScale); }

FeatureMatrix build_matrix(const io::Table& table, const MatrixOptions& options,
                           const std::string& source, MatrixReport* report) {
  const auto& names = options.features.empty() ? default_physics_features() : options.features;
  const auto c = policy_columns(table, options, names, source);
  MatrixReport rep;
  rep.n_input = table.n_rows();
  FeatureMatrix m;
  m.feature_names = names;
  m.values.reserve(table.n_rows() * names.size());
  for (std::size_t r = 0; r < table.n_rows(); ++r) {
    if (!keep_row(c, r, options, source, rep)) continue;
    for (const auto* f : c.features) {
      const double v = (*f)[r];
      m.values.push_back(std::isfinite(v) ? static_cast<float>(v) : std::nanf(""));
    }
    if (c.base) m.base.push_back((*c.base)[r]);
    if (c.label && options.regression)
      m.target.push_back(c.base ? relative_residual((*c.label)[r], (*c.base)[r]) : (*c.label)[r]);
    if (c.label && !options.regression) m.label.push_back((*c.label)[r] == 1.0);
    m.id.push_back(c.ids ? (*c.ids)[r] : static_cast<double>(r));
    m.source_row.push_back(r);
  }
  if (report) *report = rep;
  return m;
}

MatrixOptions matrix_options_from(const core::Config& config, MissingPolicy default_missing) {
  MatrixOptions o;
  o.features = config.get<std::vector<std::string>>("features.names", default_physics_features());
  if (o.features.empty()) throw InputError("config key 'features.names' is empty");
  const std::string missing =
      config.get<std::string>("features.missing", default_missing == MissingPolicy::kKeep ? "keep" : "drop");
  if (missing == "drop") {
    o.missing = MissingPolicy::kDrop;
  } else if (missing == "keep") {
    o.missing = MissingPolicy::kKeep;
  } else {
    throw InputError("config key 'features.missing' = \"" + missing + "\" is not one of drop, keep");
  }
  o.drop_bad_quality = config.get<bool>("features.drop_bad_quality", true);
  o.label = config.get<std::string>("task.label");
  o.regression = regression_task_from(config);
  o.residual_of = config.get<std::string>("task.residual_of", "");
  if (!o.residual_of.empty() && !o.regression)
    throw InputError("config key 'task.residual_of' = \"" + o.residual_of +
                     "\" needs model.task = \"regression\" (a classifier has no target to correct)");
  if (!o.residual_of.empty() && o.residual_of == o.label)
    throw InputError("config key 'task.residual_of' = \"" + o.residual_of + "\" is the target itself (task.label)");
  o.energy_threshold = config.get<double>("data.energy_threshold_kev", -1.0);
  return o;
}

bool regression_task_from(const core::Config& config) {
  const auto task = config.get<std::string>("model.task", "classification");
  if (task != "classification" && task != "regression")
    throw InputError("config key 'model.task' = \"" + task + "\" is not one of classification, regression");
  return task == "regression";
}

std::pair<double, double> class_weight_pair(const std::vector<uint8_t>& label, const std::string& mode) {
  if (mode == "none") return {1.0, 1.0};
  if (mode != "balanced") {
    throw InputError("config key 'task.class_weight' = \"" + mode + "\" is not one of none, balanced");
  }
  const double n = static_cast<double>(label.size());
  double n_sig = 0;
  for (uint8_t y : label) n_sig += y;
  const double n_bkg = n - n_sig;
  if (n_sig == 0 || n_bkg == 0) throw InputError("class weights: the training split holds only one class");
  return {n / (2.0 * n_bkg), n / (2.0 * n_sig)};
}

std::vector<float> class_weights(const std::vector<uint8_t>& label, const std::string& mode) {
  const auto [w0, w1] = class_weight_pair(label, mode);
  std::vector<float> w(label.size());
  for (std::size_t i = 0; i < label.size(); ++i) w[i] = static_cast<float>(label[i] ? w1 : w0);
  return w;
}

}  // namespace wl::tabular
