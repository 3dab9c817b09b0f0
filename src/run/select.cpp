#include "wavelearn/run/select.hpp"

#include <algorithm>
#include <filesystem>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::run {

namespace {

constexpr uint64_t kTrainSubsetStream = 0x7E57;  // the KS check's subset of training events

std::vector<std::size_t> rows_in(const std::vector<uint8_t>& parts, uint8_t part) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i] == part) rows.push_back(i);
  return rows;
}

// A seeded subset of at most n rows, ascending (so reading the file stays sequential).
std::vector<std::size_t> subset(std::vector<std::size_t> rows, std::size_t n, uint64_t seed) {
  if (rows.size() > n) {
    core::Rng rng(seed, kTrainSubsetStream);
    for (std::size_t i = 0; i < n; ++i) std::swap(rows[i], rows[i + rng.below(rows.size() - i)]);
    rows.resize(n);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  const auto one = [](const std::string& x, const std::string& y) {
    std::error_code ec;
    return std::filesystem::exists(x) && std::filesystem::exists(y) && std::filesystem::equivalent(x, y, ec);
  };
  if (!core::is_file_list(a) && !core::is_file_list(b)) return one(a, b);
  // Lists (or patterns) name the same data when they expand to the same files in order.
  std::vector<std::string> fa, fb;
  try {
    fa = core::expand_file_list(a, "");
    fb = core::expand_file_list(b, "");
  } catch (const core::InputError&) {
    return false;  // a list that names nothing is not the training data; the reader says why
  }
  if (fa.size() != fb.size()) return false;
  for (std::size_t i = 0; i < fa.size(); ++i)
    if (!one(fa[i], fb[i])) return false;
  return true;
}

std::vector<uint8_t> parts_of(const EventTable& t, const SplitRecord& s) {
  if (s.group_by == core::GroupBy::kFile && t.file.size() != t.size())
    throw core::InputError(t.source + ": the run's split groups by file, and this data has no file of each event");
  const auto& keys = s.group_by == core::GroupBy::kDetector ? t.detector
                     : s.group_by == core::GroupBy::kRun    ? t.run
                     : s.group_by == core::GroupBy::kFile   ? t.file
                                                            : t.id;
  return core::assign_parts(keys, s.fractions, s.seed, s.group_by);
}

Selection select_events(const EventTable& t, const RunRecord& r, bool on_training_file, bool all_events,
                        std::size_t max_train_events) {
  Selection s;
  std::vector<uint8_t> parts;
  if (on_training_file && r.split.keyed) parts = parts_of(t, r.split);
  if (on_training_file && !r.split.keyed)
    s.notes.push_back("The run used a stratified (row-order) split, which cannot be rebuilt by event id: every "
                      "event is evaluated, training events included.");
  if (!parts.empty() && !all_events) {
    s.evaluate = rows_in(parts, core::kTestPart);
    s.events = "test";
    if (s.evaluate.empty()) {
      s.evaluate = rows_in(parts, core::kValidationPart);
      s.events = "validation";
      const auto chosen = chosen_on_validation(r);
      s.notes.push_back("The run kept no test events: the figures are on the validation events" +
                        (chosen.empty() ? std::string(".") : ", which chose " + chosen + ", so they are optimistic."));
    }
  } else {
    s.evaluate.resize(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) s.evaluate[i] = i;
    // On the training file "all" includes the training events: named so, never taken for a test.
    s.events = on_training_file ? "all_with_training" : "all";
  }
  if (!parts.empty() && max_train_events > 0)
    s.train = subset(rows_in(parts, core::kTrainPart), max_train_events, r.split.seed);
  return s;
}

}  // namespace wl::run
