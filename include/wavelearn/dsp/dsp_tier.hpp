#pragma once
// The LEGEND-style dsp tier of `wavelearn dsp --out X.lh5`: one lgdo table per channel
// (`<channel>/dsp`), the project's feature columns with their units, or with
// `--naming dspeed` dspeed's standard-chain parameters under dspeed's names in place of
// their project counterparts (docs/dsp.md). No libtorch.
#include <string>
#include <vector>

#include "wavelearn/dsp/dspeed_params.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/io/lh5_writer.hpp"

namespace wl::dsp {

enum class Naming { Wavelearn, Dspeed };
// "wavelearn" or "dspeed"; InputError naming --naming otherwise.
Naming parse_naming(const std::string& name);

// dspeed's parameters of the first n_events of the reader, per event with the tau the
// file chain used for its detector and the file's `baseline` field (0 when absent).
std::vector<dspeed::DspeedParams> dspeed_pass(io::WaveformReader& reader, const FileChainResult& chain,
                                              const dspeed::DspeedConfig& config, int threads);

// The table at `group`: carried columns, then (dspeed naming) dspeed's columns, then the
// project's feature columns that dspeed has no counterpart of. `params` is empty for the
// project naming. Provenance attributes of chain.table are copied onto the group.
io::Lh5Table dsp_tier_table(const std::string& group, const FileChainResult& chain,
                            const std::vector<dspeed::DspeedParams>& params);

// Project feature columns replaced under the dspeed naming (project name -> dspeed name).
const std::vector<std::pair<std::string, std::string>>& dspeed_renamed_columns();

// The same columns as a flat feature table (HDF5/CSV output), `feature_units` rewritten.
io::Table flat_table(const io::Lh5Table& table);

}  // namespace wl::dsp
