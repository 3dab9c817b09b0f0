#pragma once
// Successive halving on epochs (docs/tune.md): every trial trains to the first rung; at each
// rung only the best 1/eta of the trials that reached it go on to the next, longer rung.
// Pure functions, tested on synthetic metrics.
#include <cstddef>
#include <string>
#include <vector>

namespace wl::tune {

// Epoch budgets of the rungs, ascending, the last one max_epochs: max_epochs,
// max_epochs / eta, max_epochs / eta^2, ... (rounded down) while >= min_epochs, distinct.
// min_epochs >= max_epochs gives the single rung {max_epochs}.
std::vector<int> rung_epochs(int min_epochs, int eta, int max_epochs);

// How many of n trials at a rung go on: the top 1/eta, at least one (none of zero).
std::size_t n_promoted(std::size_t n, int eta);

// Indices (into metric) of the trials that go on, best first: the n_promoted best finite
// metrics; ties go to the lower index (the earlier trial). A non-finite metric (a failed or
// diverged trial) never goes on.
std::vector<std::size_t> promoted(const std::vector<double>& metric, int eta, bool higher_is_better);

// The validation metrics of the run layer: auc and accuracy are better high, rmse (and any
// loss) low.
bool higher_is_better(const std::string& metric_name);

}  // namespace wl::tune
