#pragma once
// Step 1 of an evaluation: which events. On the run's own training file, its held-out test
// events (validation events when the run kept no test part), rebuilt from run.json's split;
// on any other file, every selected event. Training events are picked too (a seeded subset)
// for the train-versus-test overtraining check. Pure: no file access, no libtorch.
#include <cstddef>
#include <string>
#include <vector>

#include "wavelearn/run/record.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

struct Selection {
  std::string events;  // "test", "validation" or "all"
  std::vector<std::size_t> evaluate;  // rows of the EventTable, ascending
  std::vector<std::size_t> train;     // training rows scored for the KS check, ascending
  std::vector<std::string> notes;     // why the choice was made, for the page
};

// The part (core::Part) of every row under the run's split.
std::vector<uint8_t> parts_of(const EventTable& t, const SplitRecord& split);

Selection select_events(const EventTable& t, const RunRecord& r, bool on_training_file, bool all_events,
                        std::size_t max_train_events);

// Whether two paths name the same file (false when either does not exist); two file lists
// or patterns, whether they expand to the same files in the same order.
bool same_file(const std::string& a, const std::string& b);

}  // namespace wl::run
