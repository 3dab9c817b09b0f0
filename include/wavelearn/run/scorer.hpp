#pragma once
// Scorer: the one interface through which predict, evaluate and compare reach a trained
// model, whatever its family. A family implements two things: open a data file the way
// its runs were trained (selection, fields), and score chosen events of it. An ensemble
// of either family is a Scorer holding Scorers. No libtorch here.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "wavelearn/run/record.hpp"

namespace wl::run {

// The selected events of one data file: one row per event, in file order. Targets and
// other scalar fields (PSD labels, truth_*, A/E parameters) by name; a field the file
// lacks is absent from the map.
struct EventTable {
  std::string source;  // the data file
  std::vector<int64_t> id, detector, run;
  std::vector<int64_t> file_event;  // index of the event in the file (in the whole, for several files)
  std::vector<int64_t> file;        // which of several files it is in (0-based; empty for tables)
  std::vector<double> energy_kev;   // calibrated energy; empty when the file has none
  std::map<std::string, std::vector<double>> fields;

  std::size_t size() const { return id.size(); }
  const std::vector<double>* field(const std::string& name) const;
  // A target's values: the field, or the calibrated energy for an energy target the file
  // does not carry by that name (is_energy_target). Null when neither is there.
  const std::vector<double>* target_values(const std::string& target) const;
};

// "energy" and "energy_label": targets in keV, measured against the calibrated energy.
bool is_energy_target(const std::string& target);
// Energy targets in keV: those, and the simulator's deposited (truth_energy_kev) and
// collected (truth_visible_energy_kev) energies. Their evaluation fits the 228Th peaks.
bool is_kev_target(const std::string& target);

// What a family keeps open between scoring calls (a waveform reader, a feature matrix).
class EventSource {
 public:
  virtual ~EventSource() = default;
  const EventTable& events() const { return events_; }
  // Example waveforms of a row (empty when the family does not read waveforms).
  virtual std::vector<float> waveform(std::size_t /*row*/, double& /*sample_period_ns*/) { return {}; }

 protected:
  EventTable events_;
};

// One column of a model's scores: its name (predictions.h5), the target it predicts ("" when
// none) and what it is: "binary" (P(label = 1)), "regression" (the target in its units),
// "class" (P(class k) of target psd_class), "raw" (a model without a task head), or a
// column describing the uncertainty of another: "spread" (the standard deviation of an
// ensemble's or MC-dropout samples' scores), "quantile" (the target's quantile at `level`),
// "sigma" (a predicted standard deviation of the target). Metrics skip kinds they do not know.
struct ScoreColumn {
  std::string name, target, kind;
  double level = 0.0;  // "quantile" columns: the quantile level in (0, 1)
};

struct OpenOptions {
  bool all_events = false;  // ignore the training selection (energy threshold)
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  const RunRecord& record() const { return record_; }
  virtual std::vector<ScoreColumn> columns() const = 0;
  virtual std::string description() const = 0;  // one line for pages and cards
  virtual std::unique_ptr<EventSource> open(const std::string& data_file, const OpenOptions& o) const = 0;
  // Scores of the given rows of source.events(), row-major (rows.size() x columns()).
  // Memory bounded by a batch, not the file.
  virtual std::vector<double> score(EventSource& source, const std::vector<std::size_t>& rows) const = 0;

 protected:
  RunRecord record_;
};

struct ScorerOptions {
  std::size_t batch_size = 1024;
  int threads = 0;  // 0: all cores
  // Neural models: a preprocess.json to use instead of the one inside model.pt (e.g. for a
  // TorchScript model scripted in Python, which carries none).
  std::filesystem::path preprocess_json;
  // Neural models with dropout: score each event this many times with dropout on (Monte
  // Carlo dropout) and give the mean, plus a "spread" column per score; 0: off.
  int mc_samples = 0;
  uint64_t mc_seed = 42;  // the dropout masks: the same seed gives the same scores
  // Neural models: where the network runs ("cpu", "cuda", "cuda:N"; --device). An InputError
  // naming --device when this machine has no such device. Tabular models ignore it.
  std::string device = "cpu";
};

// The Scorer of a run directory (run.json names its family), or of a bare TorchScript file
// (e.g. trained in Python) with its preprocessing inside or a preprocess.json beside it.
// InputError naming the path for a missing or unreadable run.
std::unique_ptr<Scorer> load_scorer(const std::filesystem::path& run_dir, const ScorerOptions& o = {});

// Family constructors (scorer_neural.cpp, scorer_tabular.cpp).
std::unique_ptr<Scorer> make_neural_scorer(const std::filesystem::path& run_dir, const RunRecord& r,
                                           const ScorerOptions& o);
std::unique_ptr<Scorer> make_bare_model_scorer(const std::filesystem::path& model_pt, const ScorerOptions& o);
// An ensemble run (run.json "ensemble_members" > 0): its members' Scorers, averaged
// (scorer_ensemble.cpp).
std::unique_ptr<Scorer> make_ensemble_scorer(const std::filesystem::path& run_dir, const RunRecord& r,
                                             const ScorerOptions& o);
// The member Scorers of an ensemble (in member order); empty for any other Scorer.
std::vector<const Scorer*> ensemble_members(const Scorer& scorer);
std::unique_ptr<Scorer> make_tabular_scorer(const std::filesystem::path& run_dir, const RunRecord& r,
                                            const ScorerOptions& o);

}  // namespace wl::run
