#pragma once
// predictions.h5: one row per scored event, the same columns for every family, so that
// compare (and anyone with h5py) can match runs event by event: id, event_index (in the
// data file), energy_kev, the score columns, the targets and the fields the physics
// figures need (PSD labels, truth). Attributes name the model, the data and which events
// ("test", "validation", "all").
#include <string>
#include <vector>

#include "wavelearn/io/table.hpp"
#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

io::Table predictions_table(const EventTable& events, const std::vector<ScoreColumn>& columns,
                            const ScoredRows& scored, const std::string& part);
// `predict --out`: the table as HDF5 columns, or for a path ending in .lh5 one LEGEND LH5
// (lgdo) table at `predictions/` (datatype attributes; energy_kev with units keV; the
// table's attributes on the group).
void write_predictions_file(const std::string& path, const io::Table& table, bool force);
void write_predictions(const RunDir& out, const EventTable& events, const std::vector<ScoreColumn>& columns,
                       const ScoredRows& scored, const std::string& part);

}  // namespace wl::run
