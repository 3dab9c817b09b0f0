#include "wavelearn/core/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::core {

namespace {

constexpr uint64_t kGroupShuffleStream = 0x5119;  // a stream of its own: see rng.hpp

// Uniform in [0, 1) from (key, seed): SplitMix64 twice, so neighbouring ids decorrelate.
double key_uniform(int64_t key, uint64_t seed) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(key);
  splitmix64(x);
  const uint64_t z = splitmix64(x);
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

Part part_of_uniform(double u, const PartFractions& f) {
  if (u < f.train) return kTrainPart;
  if (u < f.train + f.validation) return kValidationPart;
  if (u < f.train + f.validation + f.test) return kTestPart;
  return kNoPart;
}

// Groups per part {train, validation, test}: first one group for each part with a positive
// fraction (train, then test, then validation: a model without test groups cannot be
// judged), then up to round(f * n) each; fractions summing to 1 give the rest to training.
std::vector<std::size_t> group_counts(std::size_t n, const PartFractions& f) {
  const double frac[3] = {f.train, f.validation, f.test};
  std::vector<std::size_t> c(3, 0);
  std::size_t left = n;
  for (int p : {0, 2, 1})
    if (frac[p] > 0 && left > 0) ++c[p], --left;
  for (int p : {0, 1, 2}) {
    const auto want = static_cast<std::size_t>(std::llround(frac[p] * static_cast<double>(n)));
    const std::size_t add = std::min(left, want > c[p] ? want - c[p] : 0);
    c[p] += add;
    left -= add;
  }
  if (std::fabs(f.train + f.validation + f.test - 1.0) < 1e-9) c[0] += left;
  return c;
}

std::vector<uint8_t> assign_groups(const std::vector<int64_t>& keys, const PartFractions& f, uint64_t seed) {
  std::vector<int64_t> groups(keys);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  const int parts_wanted = (f.train > 0) + (f.validation > 0) + (f.test > 0);
  if (groups.size() < static_cast<std::size_t>(parts_wanted))
    throw InputError("data.group_by: " + std::to_string(groups.size()) + " group(s) cannot fill " +
                     std::to_string(parts_wanted) + " parts (train, validation, test): group by event instead");
  Rng rng(seed, kGroupShuffleStream);
  for (std::size_t i = groups.size(); i > 1; --i) std::swap(groups[i - 1], groups[rng.below(i)]);
  const auto counts = group_counts(groups.size(), f);
  std::map<int64_t, uint8_t> part_of;
  std::size_t g = 0;
  for (uint8_t p : {kTrainPart, kValidationPart, kTestPart})
    for (std::size_t k = 0; k < counts[p]; ++k) part_of[groups[g++]] = p;
  std::vector<uint8_t> out(keys.size(), kNoPart);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto it = part_of.find(keys[i]);
    if (it != part_of.end()) out[i] = it->second;
  }
  return out;
}

}  // namespace

GroupBy group_by_from_string(const std::string& name, const std::string& key) {
  if (name == "event") return GroupBy::kEvent;
  if (name == "detector") return GroupBy::kDetector;
  if (name == "run") return GroupBy::kRun;
  if (name == "file") return GroupBy::kFile;
  throw InputError("config key '" + key + "' = \"" + name +
                   "\": expected \"event\", \"detector\", \"run\" or \"file\"");
}

const char* to_string(GroupBy g) {
  switch (g) {
    case GroupBy::kDetector: return "detector";
    case GroupBy::kRun: return "run";
    case GroupBy::kFile: return "file";
    default: return "event";
  }
}

const char* part_name(Part p) {
  switch (p) {
    case kTrainPart: return "train";
    case kValidationPart: return "validation";
    case kTestPart: return "test";
    default: return "unused";
  }
}

void check_fractions(const PartFractions& f) {
  const std::pair<const char*, double> parts[] = {
      {"data.train_fraction", f.train}, {"data.validation_fraction", f.validation}, {"data.test_fraction", f.test}};
  for (const auto& [key, x] : parts)
    if (!(x >= 0.0) || x > 1.0)
      throw InputError(std::string("config key '") + key + "' = " + std::to_string(x) + " must lie in [0, 1]");
  if (f.train + f.validation + f.test > 1.0 + 1e-9)
    throw InputError("config: data.train_fraction + validation_fraction + test_fraction must not exceed 1");
}

PartFractions part_fractions_from(const Config& config) {
  const bool any = config.has("data.train_fraction") || config.has("data.validation_fraction") ||
                   config.has("data.test_fraction");
  PartFractions f;
  f.train = config.get<double>("data.train_fraction", any ? 0.0 : 0.6);
  f.validation = config.get<double>("data.validation_fraction", any ? 0.0 : 0.2);
  f.test = config.get<double>("data.test_fraction", any ? 0.0 : 0.2);
  check_fractions(f);
  return f;
}

std::vector<uint8_t> assign_parts(const std::vector<int64_t>& keys, const PartFractions& f, uint64_t seed,
                                  GroupBy by) {
  check_fractions(f);
  if (by != GroupBy::kEvent) return assign_groups(keys, f, seed);
  std::vector<uint8_t> out(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) out[i] = part_of_uniform(key_uniform(keys[i], seed), f);
  return out;
}

}  // namespace wl::core
