#pragma once
// Internal to src/run: scalar fields of the selected events of a waveform file.
#include <string>
#include <vector>

#include "wavelearn/io/reader.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run::detail {

// Fields evaluation uses beside the targets when a file has them: the PSD labels (the
// traditional cuts' decisions), the simulator's truth and the A/E parameter.
const std::vector<std::string>& optional_event_fields();

// Fills id/detector/run/energy_kev (the caller set file_event) and the named fields present
// in the file, read once and gathered at the selected events.
void read_event_fields(io::WaveformReader& reader, const std::vector<std::string>& names, EventTable& t);

}  // namespace wl::run::detail
