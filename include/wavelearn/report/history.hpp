#pragma once
// Reads the per-epoch history (history.csv of a run directory) for the training plots.
#include <filesystem>
#include <string>
#include <vector>

#include "wavelearn/report/plots.hpp"

namespace wl::report {

// Comma-separated with a header row naming at least `epoch`, `train_loss` and `val_loss`;
// other columns are ignored except the validation metric: the first column named
// `val_<metric>` other than val_loss (neural runs write
// `epoch,train_loss,val_loss,val_<metric>,lr,seconds`, boosting runs only the losses).
// It fills HistoryRow::val_metric and, when metric_name is given, *metric_name = "<metric>"
// ("" without such a column). An empty cell or "nan" reads as NaN. Throws InputError
// naming the file and line for a missing column or a malformed number.
std::vector<HistoryRow> read_history_csv(const std::filesystem::path& path,
                                         std::string* metric_name = nullptr);

}  // namespace wl::report
