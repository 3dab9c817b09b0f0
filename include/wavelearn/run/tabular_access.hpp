#pragma once
// For what needs more of a tabular model than its scores (explain: permutation importance,
// TreeSHAP): the model of a tabular Scorer and the feature matrix of an EventSource it opened.
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/tabular/matrix.hpp"
#include "wavelearn/tabular/model.hpp"

namespace wl::run {

struct TabularAccess {
  const tabular::TabularModel& model;
  const tabular::FeatureMatrix& matrix;  // rows = EventTable rows
};

// InputError when the scorer is of another family.
TabularAccess tabular_access(const Scorer& scorer, EventSource& source);

}  // namespace wl::run
