#pragma once
// The one train/validation/test assignment every model family uses. Parts follow from each
// event's key and the seed alone, so a waveform file and the feature table made from it
// (same event ids) split identically, and runs of different families share their test
// events. Grouping by detector or run keeps every event of a group on one side, so a model
// is tested on detectors (or runs) it never saw.
#include <cstdint>
#include <string>
#include <vector>

namespace wl::core {

// kFile: the file of a multi-file dataset (core/file_list.hpp), for waveform datasets only.
enum class GroupBy { kEvent, kDetector, kRun, kFile };
// "event" | "detector" | "run" | "file"; InputError naming `key` otherwise.
GroupBy group_by_from_string(const std::string& name, const std::string& key = "data.group_by");
const char* to_string(GroupBy g);

struct PartFractions {
  double train = 0.6, validation = 0.2, test = 0.2;
};
// InputError naming the config keys when a fraction is outside [0, 1] or they sum above 1.
void check_fractions(const PartFractions& f);

class Config;
// data.train_fraction, data.validation_fraction, data.test_fraction, checked. A config that
// sets none of them gets 0.6/0.2/0.2 (held-out test events); one that sets some gets 0 for
// the others (train 0.7 + validation 0.3 is the lectures' split, without a test part).
PartFractions part_fractions_from(const Config& config);

enum Part : uint8_t { kTrainPart = 0, kValidationPart = 1, kTestPart = 2, kNoPart = 3 };
const char* part_name(Part p);

// The part of each event (kNoPart when the fractions sum below 1 and the event falls in
// the remainder).
//  - kEvent: keys are event ids; a seeded hash of the key, uniform in [0, 1), is cut at the
//    cumulative fractions. Independent of which other events are present.
//  - kDetector / kRun / kFile: keys are group numbers; the distinct groups are shuffled
//    with the seed and cut by round(fraction * n_groups), every part with a positive fraction
//    getting at least one group while there are groups left (train, then test, then
//    validation).
std::vector<uint8_t> assign_parts(const std::vector<int64_t>& keys, const PartFractions& f,
                                  uint64_t seed, GroupBy by);

}  // namespace wl::core
