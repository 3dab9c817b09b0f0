#pragma once
// How close a candidate waveform file (generated, translated or simulated waveforms) is to a
// reference file, measured twice (docs/fidelity.md):
//  - per DSP parameter (A/E, drift time, rise time, current amplitude, tail decay, DCR, LQ,
//    energy; the project's own chain on both files): the 1-D Wasserstein distance W1(A, B)
//    over the noise floor, W1 between two halves of the reference (the mean over
//    kHalfSplits splits: even/odd events, then seeded random halves) scaled to the sample
//    sizes compared. A ratio near 1: B is as close to A as A is to itself.
//  - a classifier two-sample test (C2ST): a small CNN trained to tell reference from
//    candidate windows around the rising edge (baseline-subtracted, divided by the energy,
//    aligned on tp50); its test AUC with a bootstrap 95 % interval. 0.5: indistinguishable.
// Giving the same file as reference and candidate (or no candidate) compares its even
// events with its odd events: the sanity check, which must find nothing.
// No libtorch here; the CNN lives in src/fidelity/c2st.cpp.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::fidelity {

// Each compared sample (a file, or a half of it) needs this many events, and as many with
// a measurable rising edge for the C2ST (100 per class to train, 100 to test).
inline constexpr std::size_t kMinEventsPerSample = 200;
// Half-splits of the reference averaged into the W1 noise floor.
inline constexpr int kHalfSplits = 20;

// The C2ST window around tp50 and what the classifier is.
struct C2stSettings {
  double before_tp50_ns = 1500.0;   // window start before the 50 % point
  double after_tp50_ns = 1500.0;    // window end after it
  std::size_t max_events = 20000;   // per sample, evenly spaced over the usable events
  double test_fraction = 0.5;       // of each class, held out for the AUC
  int epochs = 0;                   // 0: enough for min_steps optimiser steps (3 to 30 epochs)
  int min_steps = 300;
  std::size_t batch_size = 64;
  double learning_rate = 2e-3;      // Adam
  int bootstrap_replicas = 200;     // AUC interval
};

struct FidelityOptions {
  std::filesystem::path reference;
  std::filesystem::path candidate;  // empty or the same file: even vs odd events of reference
  dsp::ChainConfig dsp;             // the same chain on both files (tau estimated per file)
  C2stSettings c2st;
  std::uint64_t seed = 1;
  int threads = 0;                  // 0: all cores
  bool quiet = false;
};

// One DSP parameter compared: a column of the chain's feature table.
struct ParameterDistance {
  std::string column, unit, label;   // e.g. "drift_time_ns", "ns", "drift time"
  std::size_t n_reference = 0, n_candidate = 0;  // finite values compared
  double w1 = 0;                     // W1(reference, candidate), in the column's unit
  double w1_reference_halves = 0;    // mean W1 between two halves of the reference
  double noise_floor = 0;            // the mean of the halves' W1 scaled to (n_reference, n_candidate)
  double ratio = 0;                  // w1 / noise_floor (NaN when not measurable)
  // The finite values (for the histograms of the page).
  std::vector<double> reference_values, candidate_values;
};

struct C2stResult {
  C2stSettings settings;
  std::size_t window_samples = 0;
  std::size_t n_per_class = 0, n_train_per_class = 0, n_test_per_class = 0;
  std::size_t usable_reference = 0, usable_candidate = 0;  // events with a measurable edge
  double auc = 0.5, ci_lo = 0.5, ci_hi = 0.5;  // test AUC (candidate = positive class)
  double train_auc = 0.5;                      // on the training events: overfitting shows here
  int epochs = 0;                              // run (settings.epochs, or the automatic choice)
  std::vector<double> epoch_loss;              // mean training loss per epoch
  std::string model;               // the classifier, in words
  std::int64_t n_parameters = 0;
  double seconds = 0;
  // Test scores (the classifier's logit of "candidate") and classes, for the figure.
  std::vector<double> test_score;
  std::vector<std::uint8_t> test_is_candidate;
  // Mean preprocessed window of each class (what the classifier sees, on average).
  std::vector<double> mean_window_reference, mean_window_candidate;
};

struct FidelityResult {
  bool self_split = false;   // candidate = odd events of the reference file
  std::string reference, candidate;  // paths as given (equal when self_split)
  std::string reference_label, candidate_label;  // "reference", "reference (odd events)", ...
  std::size_t n_reference = 0, n_candidate = 0;  // events in each compared sample
  std::size_t quality_ok_reference = 0, quality_ok_candidate = 0;  // DSP quality 0
  double sample_period_ns = 0;
  std::size_t n_samples = 0;
  std::vector<ParameterDistance> parameters;
  C2stResult c2st;
  std::uint64_t seed = 0;
  double seconds = 0;
};

// The DSP columns compared, in order: {column, short label}. Every column is one the chain
// writes (dsp::feature_schema()).
const std::vector<std::pair<std::string, std::string>>& compared_parameters();

// Reads both files, runs the chain and the C2ST. InputError (one line) for a missing or
// non-HDF5 file, files of different sampling period or record length (both named), a sample
// with fewer than kMinEventsPerSample events, or too few with a measurable rising edge.
FidelityResult measure_fidelity(const FidelityOptions& options);

// fidelity.json's content: c2st_auc, c2st_auc_ci95, w1_ratio, n_reference, n_candidate and
// the details (docs/fidelity.md). Non-finite numbers become null.
nlohmann::json fidelity_json(const FidelityResult& result);

// The page's sections with their figures rendered into page_dir/plots (image paths relative
// to page_dir), for a page of fidelity alone or one that embeds it.
std::vector<report::Section> fidelity_sections(const FidelityResult& result, const std::filesystem::path& page_dir);

// Writes DIR/fidelity.json, DIR/fidelity.html and DIR/plots/, atomically; an existing
// fidelity.json is replaced only with force (the output-directory rule of evaluate/explain).
void write_fidelity(const FidelityResult& result, const std::filesystem::path& dir, bool force);

// The command: refuses an existing output before any work, measures, writes.
FidelityResult run_fidelity(const FidelityOptions& options, const std::filesystem::path& out, bool force);

}  // namespace wl::fidelity
