#pragma once
// Broken copies of a good MJD-layout file (e.g. one `wavelearn simulate` wrote), for the
// bad-input suite: one defect per copy, written with the plain HDF5 C API.
#include <string>
#include <vector>

namespace wl::test {

// Copies `base` to `out` and applies `kind`; false if the kind is unknown. Kinds:
//   nan-waveform, inf-waveform   the five highest-energy events' samples are NaN / +Inf
//   label-7, label-half, label-nan   psd_label_low_avse of those events is 7 / 0.5 / NaN
//   dt-zero, dt-negative, dt-text    the file's sample_period_ns attribute is 0 / -5 / "ten"
//   dt-4                         a valid file sampled every 4 ns (not with others in one dataset)
//   energy-nan, energy-inf       energy_label of those events is NaN / +Inf
//   id-nan, id-half              the id of the highest-energy event is NaN / not a whole number
//   detector-huge                its detector number is 1e12
//   truncated                    the file cut to half its size
//   waveform-3d                  raw_waveform replaced by an (N, 2, 2) array
//   waveform-string              raw_waveform replaced by strings
//   zero-events                  every per-event dataset with 0 rows
//   all-zero                     every waveform sample 0 (flat: DSP quality flags)
//   label-group                  psd_label_dcr replaced by an (empty) group
//   zero-waveforms               raw_waveform with 0 rows, the per-event datasets with N
bool write_mutation(const std::string& kind, const std::string& base, const std::string& out);
const std::vector<std::string>& mutation_kinds();

}  // namespace wl::test
