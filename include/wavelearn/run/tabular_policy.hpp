#pragma once
// What a tabular run records in its preprocess.json: the model type and the event policy
// (features, label, missing values, quality, energy threshold) that turns a feature table
// into its matrix, so predict and evaluate select and fill events exactly as training did.
#include <string>

#include "wavelearn/io/table.hpp"
#include "wavelearn/tabular/matrix.hpp"

namespace wl::run {

class RunDir;

struct TabularPolicy {
  std::string model_type;
  tabular::MatrixOptions matrix;
  std::string class_weight = "none";
};

TabularPolicy read_tabular_policy(const RunDir& dir);
void write_tabular_policy(const RunDir& dir, const TabularPolicy& p);

// The calibrated energy column of a feature table ("energy_label" of the release, else
// "energy_kev" from `wavelearn calibrate --labels`); empty when it has neither.
std::string tabular_energy_column(const io::Table& t);

}  // namespace wl::run
