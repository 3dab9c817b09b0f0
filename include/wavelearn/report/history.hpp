#pragma once
// Reads the per-epoch history (history.csv of a run directory) for the loss plot.
#include <filesystem>
#include <vector>

#include "wavelearn/report/plots.hpp"

namespace wl::report {

// Comma-separated with a header row naming at least `epoch`, `train_loss` and `val_loss`
// (other columns are ignored; an empty cell or "nan" reads as NaN). Throws InputError
// naming the file and line for a missing column or a malformed number.
std::vector<HistoryRow> read_history_csv(const std::filesystem::path& path);

}  // namespace wl::report
