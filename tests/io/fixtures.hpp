#pragma once
// Small HDF5 files written with the plain HDF5 C API (not our writer), so the readers are
// tested against layouts produced independently: MJD-like, NPML, LH5 fixed and variable
// length, a CUORE-like generic file, and broken files.
#include <cstddef>
#include <string>
#include <vector>

namespace wl::test {

// The value every fixture stores at (event, sample): small integers, exact in int16/float.
inline float expected_sample(std::size_t event, std::size_t sample) {
  return static_cast<float>(static_cast<long>((event * 7919 + sample * 31) % 1000) - 500);
}
inline double expected_energy_kev(std::size_t event) { return 100.0 + 7.0 * double(event); }

enum class WaveDtype { Int16, Float32, Float64, Uint16 };

// MJD release layout; with_labels=false gives an NPML challenge file. Labels: low_avse is
// uint8 (i % 10 != 0), high_avse an h5py-style bool enum (i % 3 != 0), dcr float32, lq int64.
void write_mjd(const std::string& path, std::size_t n_events, std::size_t n_samples,
               WaveDtype dtype = WaveDtype::Int16, bool with_labels = true, bool chunked = true);
// /<channel>/raw/waveform/{values (N, L) int16, dt, t0} + baseline, daqenergy, timestamp.
void write_lh5_fixed(const std::string& path, const std::string& channel, std::size_t n_events,
                     std::size_t n_samples, double dt, const std::string& dt_units);
// Variable-length values: event i has lengths[i] samples (expected_sample values).
void write_lh5_variable(const std::string& path, const std::string& channel,
                        const std::vector<std::size_t>& lengths, double dt, const std::string& dt_units);
// CUORE-like: `pulses` (N, L) float64 and `label` int8 (i % 2), `amplitude` float32.
void write_generic(const std::string& path, std::size_t n_events, std::size_t n_samples);

// Broken files for the error paths.
void write_no_waveform(const std::string& path);           // only energy_label
void write_waveform_1d(const std::string& path);           // raw_waveform of shape (N,)
void write_label_wrong_length(const std::string& path);    // psd_label_dcr of length N-1
void write_label_string(const std::string& path);          // psd_label_lq is a string dataset
void write_not_hdf5(const std::string& path);              // a text file

// Writes fixture `kind` (mjd, npml, lh5, lh5-us, lh5-var, generic, no-waveform,
// waveform-1d, label-length, label-string, not-hdf5); false if the kind is unknown.
bool write_fixture(const std::string& kind, const std::string& path);

}  // namespace wl::test
