// Seeded train/validation/test split, the lectures' recipe: shuffle, cut by fraction,
// shuffle each part; optionally the same within each class (stratified).
#include <algorithm>
#include <cmath>
#include <map>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/data/dataset.hpp"

namespace wl::data {

using core::InputError;

namespace {

// Random streams of the split (the loader uses others).
constexpr std::uint64_t kShuffleStream = 0x5117;
constexpr std::uint64_t kPartStream = 0x5118;

void shuffle(std::vector<std::size_t>& v, core::Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[rng.below(i)]);
  }
}

// Cuts `rows` (already shuffled) into the three parts by fraction. Like the lectures,
// int(f * n) rows per part; when the fractions add up to 1 the last used part takes the rest.
// Within a class of a stratified split, counts are rounded instead (small classes).
void cut(const std::vector<std::size_t>& rows, const SplitConfig& c, bool round, Split& out) {
  const std::size_t n = rows.size();
  auto count = [&](double f) {
    const double x = f * static_cast<double>(n);
    return static_cast<std::size_t>(round ? std::llround(x) : static_cast<long long>(x));
  };
  const double sum = c.train_fraction + c.validation_fraction + c.test_fraction;
  const bool complete = std::fabs(sum - 1.0) < 1e-9;
  std::size_t n_train = std::min(n, count(c.train_fraction));
  std::size_t n_val = std::min(n - n_train, count(c.validation_fraction));
  std::size_t n_test = std::min(n - n_train - n_val, count(c.test_fraction));
  if (complete) {
    if (c.test_fraction > 0.0) {
      n_test = n - n_train - n_val;
    } else if (c.validation_fraction > 0.0) {
      n_val = n - n_train;
    } else {
      n_train = n;
    }
  }
  auto it = rows.begin();
  out.train.insert(out.train.end(), it, it + n_train);
  it += n_train;
  out.validation.insert(out.validation.end(), it, it + n_val);
  it += n_val;
  out.test.insert(out.test.end(), it, it + n_test);
}

// The key of each row for core::assign_parts: event id, detector, run number or file index.
std::vector<std::int64_t> split_keys(const Dataset& ds, core::GroupBy by) {
  std::vector<std::int64_t> keys(ds.size());
  if (by == core::GroupBy::kFile) {
    for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = static_cast<std::int64_t>(ds.file_index(r));
    return keys;
  }
  if (by == core::GroupBy::kRun) {
    auto& reader = const_cast<Dataset&>(ds).reader();
    const std::string& field = ds.config().open.fields.run;
    if (field.empty() || !reader.has_field(field))
      throw InputError(ds.config().path + ": data.group_by = \"run\" needs a run-number field ('" + field + "')");
    const auto runs = reader.read_scalar(field);
    for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = std::llround(runs[ds.file_event(r)]);
    return keys;
  }
  if (by == core::GroupBy::kDetector) {
    const std::string& field = ds.config().open.fields.detector;
    if (field.empty() || !const_cast<Dataset&>(ds).reader().has_field(field))
      throw InputError(ds.config().path + ": data.group_by = \"detector\" needs a detector field ('" + field + "')");
  }
  for (std::size_t r = 0; r < keys.size(); ++r)
    keys[r] = by == core::GroupBy::kDetector ? ds.detector(r) : ds.event_id(r);
  return keys;
}

void keyed_split(const Dataset& ds, const SplitConfig& c, std::uint64_t seed, Split& out) {
  const auto parts = core::assign_parts(split_keys(ds, c.group_by),
                                        {c.train_fraction, c.validation_fraction, c.test_fraction}, seed, c.group_by);
  for (std::size_t r = 0; r < parts.size(); ++r) {
    if (parts[r] == core::kTrainPart) out.train.push_back(r);
    if (parts[r] == core::kValidationPart) out.validation.push_back(r);
    if (parts[r] == core::kTestPart) out.test.push_back(r);
  }
}

}  // namespace

SplitConfig split_keys_from(const core::Config& config, std::string& stratify_by) {
  SplitConfig c;
  const auto f = core::part_fractions_from(config);
  c.train_fraction = f.train;
  c.validation_fraction = f.validation;
  c.test_fraction = f.test;
  // data.stratify: false/true (the first target) or a target name ("" for none).
  stratify_by.clear();
  if (config.has("data.stratify")) {
    try {
      stratify_by = config.get<bool>("data.stratify") ? "*first*" : "";
    } catch (const InputError&) {
      stratify_by = config.get<std::string>("data.stratify");
    }
  } else {
    config.get<bool>("data.stratify", false);
  }
  c.keyed = stratify_by.empty();
  if (config.has("data.group_by")) {
    c.group_by = core::group_by_from_string(config.get<std::string>("data.group_by"));
    if (!c.keyed) throw InputError("config: data.group_by and data.stratify cannot be combined");
  }
  return c;
}

int stratify_index(const Dataset& dataset, const std::string& by) {
  if (by.empty()) return -1;
  if (by == "*first*") {
    if (dataset.n_targets() == 0) throw InputError("data.stratify needs a target");
    return 0;
  }
  const auto& names = dataset.target_names();
  auto found = std::find(names.begin(), names.end(), by);
  if (found == names.end() && by == "energy") {
    found = std::find(names.begin(), names.end(), dataset.config().open.fields.energy);
  }
  if (found == names.end()) {
    throw InputError("config key 'data.stratify' = \"" + by + "\" is not one of the targets");
  }
  return static_cast<int>(found - names.begin());
}

SplitConfig split_config_from(const core::Config& config, const Dataset& dataset) {
  std::string by;
  SplitConfig c = split_keys_from(config, by);
  c.stratify_target = stratify_index(dataset, by);
  return c;
}

Split make_split(const Dataset& dataset, const SplitConfig& c, std::uint64_t seed) {
  core::check_fractions({c.train_fraction, c.validation_fraction, c.test_fraction});
  if (c.stratify_target >= static_cast<int>(dataset.n_targets())) {
    throw InputError("stratify target index out of range");
  }
  const std::size_t n = dataset.size();
  core::Rng rng(seed, kShuffleStream);
  Split out;
  if (c.keyed) {
    keyed_split(dataset, c, seed, out);
  } else if (c.stratify_target < 0) {
    std::vector<std::size_t> rows(n);
    for (std::size_t r = 0; r < n; ++r) rows[r] = r;
    shuffle(rows, rng);
    cut(rows, c, false, out);
  } else {
    // Classes in ascending order of their (rounded) value, so the result is deterministic.
    std::map<long long, std::vector<std::size_t>> classes;
    for (std::size_t r = 0; r < n; ++r) {
      const float v = dataset.targets(r)[c.stratify_target];
      classes[std::llround(v)].push_back(r);
    }
    for (auto& [value, rows] : classes) {
      shuffle(rows, rng);
      cut(rows, c, true, out);
    }
  }
  core::Rng part_rng(seed, kPartStream);
  shuffle(out.train, part_rng);
  shuffle(out.validation, part_rng);
  shuffle(out.test, part_rng);
  return out;
}

LabelSubset label_subset_from(const core::Config& config, std::uint64_t default_seed) {
  LabelSubset s;
  s.seed = default_seed;
  if (config.has("data.label_fraction")) {
    s.fraction = config.get<double>("data.label_fraction");
    if (!(s.fraction > 0.0 && s.fraction <= 1.0))
      throw InputError("data.label_fraction: must be in (0, 1] (the fraction of the training events whose labels "
                       "are used), got " + config.value_text("data.label_fraction"));
  }
  if (config.has("data.max_labelled_events")) {
    const auto n = config.get<std::int64_t>("data.max_labelled_events");
    if (n < 1)
      throw InputError("data.max_labelled_events: must be >= 1 (training events whose labels are used), got " +
                       config.value_text("data.max_labelled_events"));
    s.max_events = static_cast<std::size_t>(n);
  }
  if (config.has("data.label_seed")) s.seed = config.get<std::uint64_t>("data.label_seed");
  return s;
}

void keep_label_subset(std::vector<std::size_t>& train, const Dataset& dataset, const LabelSubset& subset) {
  if (!subset.active() || train.empty()) return;
  const std::size_t n = train.size();
  auto keep = static_cast<std::size_t>(std::llround(subset.fraction * static_cast<double>(n)));
  keep = std::min(n, std::max<std::size_t>(1, keep));
  if (subset.max_events > 0) keep = std::min(keep, subset.max_events);
  // Rank by a hash of (seed, event id), ties by row: the same events for the same file and
  // seed whatever order the split left them in.
  std::vector<std::pair<std::uint64_t, std::size_t>> ranked;
  ranked.reserve(n);
  for (const auto row : train) {
    core::Rng h(subset.seed, static_cast<std::uint64_t>(dataset.event_id(row)));
    ranked.emplace_back(h.next(), row);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<char> chosen(dataset.size(), 0);
  for (std::size_t i = 0; i < keep; ++i) chosen[ranked[i].second] = 1;
  std::vector<std::size_t> kept;
  kept.reserve(keep);
  for (const auto row : train)
    if (chosen[row]) kept.push_back(row);
  train = std::move(kept);
}

}  // namespace wl::data
