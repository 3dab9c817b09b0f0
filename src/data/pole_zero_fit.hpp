#pragma once
// preprocess.pole_zero = "auto": the decay constants, estimated from training events while
// the preprocessor is fitted. Private to the data module.
#include <cstddef>
#include <vector>

#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::data::detail {

// Fits the tails of up to the DSP's tau_sample_events training pulses (whole records, shared
// among the detectors, spread evenly over each detector's rows) with the DSP chain's tail fit
// and stores the median per detector (at least 20 measured tails, else the median of all) in
// the state. InputError naming the file when no tail could be measured.
void fit_pole_zero(const Dataset& dataset, io::WaveformReader& reader, Preprocessor& pre,
                   const std::vector<std::size_t>& rows);

}  // namespace wl::data::detail
