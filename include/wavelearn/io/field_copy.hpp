#pragma once
// A file's per-event fields copied into a new MJD-layout file (a translated or otherwise
// rewritten copy of its waveforms), each with a dtype that holds its values exactly.
#include <string>
#include <vector>

#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::io {

// One field: flags (psd_label_*, truth_is_*, truth_pileup) uint8, the event id int64, other
// whole numbers int32 (energies excepted), float32 when exact, else float64.
void write_field_exact(MjdWriter& writer, const std::string& name, const std::vector<double>& values);

// Every per-event field of reader (its scalar_fields) into writer, one field at a time.
void copy_fields(MjdWriter& writer, WaveformReader& reader);

}  // namespace wl::io
