#pragma once
// The feature matrix of the classical models: selected columns of a feature table (the
// output of `wavelearn dsp`, optionally joined with `wavelearn calibrate --labels`), a
// binary label or (regression) a float target column, and event ids.
//
// Events are handled explicitly, never silently:
//  - a label that is NaN drops the event (counted); a label other than 0/1 is an error;
//    a regression target that is NaN or infinite drops the event (counted the same way);
//  - quality != 0 (the DSP flag) drops the event when drop_bad_quality (counted);
//  - a NaN/inf feature either drops the event (MissingPolicy::kDrop, counted) or is kept
//    as NaN (kKeep), which only XGBoost accepts: its trees learn a default direction
//    for missing values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wavelearn/io/table.hpp"

namespace wl::core {
class Config;
}

namespace wl::tabular {

enum class MissingPolicy { kDrop, kKeep };

struct FeatureMatrix {
  std::vector<std::string> feature_names;
  std::vector<float> values;        // row-major n_rows x n_features; NaN = missing
  std::vector<uint8_t> label;       // 1 = signal (label column == 1); empty when unlabelled
  std::vector<double> target;       // regression: the target column's values (or its relative
                                    // residual, MatrixOptions::residual_of); empty otherwise
  std::vector<double> base;         // residual_of: the base column's values; empty otherwise
  std::vector<double> id;           // event id (the table's `id`, else the row number)
  std::vector<std::size_t> source_row;  // row in the feature table

  std::size_t n_rows() const { return id.size(); }
  std::size_t n_features() const { return feature_names.size(); }
  const float* row(std::size_t i) const { return values.data() + i * feature_names.size(); }
  // The rows listed, in that order.
  FeatureMatrix subset(const std::vector<std::size_t>& rows) const;
};

struct MatrixOptions {
  std::vector<std::string> features;  // column names (default_physics_features() if empty)
  std::string label;                  // target column; empty: unlabelled (prediction)
  bool regression = false;            // the label column is a float target (model.task)
  // A regression may learn the target relative to a base column instead of the target
  // itself (task.residual_of): the matrix's target is then relative_residual(target, base)
  // and predictions go back through from_relative_residual. Events whose base is not a
  // finite positive number are dropped (counted).
  std::string residual_of;
  MissingPolicy missing = MissingPolicy::kDrop;
  bool drop_bad_quality = true;       // needs a `quality` column; ignored without one
  std::string energy_column;          // for the energy threshold; empty: no threshold
  double energy_threshold = -1.0;     // keep events with energy > threshold (< 0: all)
};

struct MatrixReport {
  std::size_t n_input = 0;
  std::size_t dropped_label = 0;    // NaN label
  std::size_t dropped_quality = 0;  // quality != 0
  std::size_t dropped_missing = 0;  // a non-finite feature under kDrop
  std::size_t dropped_energy = 0;   // energy <= threshold
  std::size_t dropped_base = 0;     // residual_of: base not finite or <= 0
  std::size_t kept_missing = 0;     // rows kept with a NaN feature under kKeep
  std::string summary() const;      // one line for the console and the report
};

// The relative residual a residual regression learns, in units of 1/kResidualScale of
// the base (per mille): (target - base) / base * kResidualScale. Per mille keeps the
// corrections of a calibrated energy (~1e-4 to 1e-1) near unit scale for the models.
constexpr double kResidualScale = 1000.0;
double relative_residual(double target, double base);
// The inverse: base * (1 + residual / kResidualScale).
double from_relative_residual(double residual, double base);

// The physics set the lectures put in their tables: energy, A/E, current amplitude,
// drift and rise time, DCR, LQ, tail, current width and peaks, rising-edge asymmetry.
const std::vector<std::string>& default_physics_features();

// Label "psd_pass" (1 when the event passes every PSD cut) on a table that has no such
// column: added from its psd_label_* columns (NaN where any of them is NaN). Nothing
// happens for another label, a table that has the column, or one without PSD labels.
void add_derived_label(io::Table& table, const std::string& label);

// Throws InputError naming `source` and the column when a feature or label is absent
// (with the available names) or a label is not 0/1.
FeatureMatrix build_matrix(const io::Table& table, const MatrixOptions& options,
                           const std::string& source, MatrixReport* report = nullptr);

// Reads features.names, features.missing ("drop"/"keep"), features.drop_bad_quality,
// task.label, model.task, task.residual_of (a regression only; InputError naming the key
// otherwise), data.energy_threshold_kev (applied to energy_label/energy_kev when present).
MatrixOptions matrix_options_from(const core::Config& config, MissingPolicy default_missing);

// model.task: "classification" (default, a 0/1 label) or "regression" (a float target, the
// Gaussian process only); InputError naming the key for anything else.
bool regression_task_from(const core::Config& config);

// Per-event weights. "balanced": each class gets total weight n/2 (w_c = n / (2 n_c)), so
// a rare class counts as much as a common one; "none": all 1. InputError for other modes.
std::vector<float> class_weights(const std::vector<uint8_t>& label, const std::string& mode);
// The two class weights (background, signal) of a mode, from the training labels.
std::pair<double, double> class_weight_pair(const std::vector<uint8_t>& label, const std::string& mode);

}  // namespace wl::tabular
