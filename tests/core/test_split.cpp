// core/split.hpp: the one train/validation/test assignment of every model family.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/split.hpp"

using namespace wl::core;

namespace {

std::vector<int64_t> ids(int64_t n, int64_t first = 0) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(first + i);
  return v;
}

}  // namespace

TEST(Split, EventPartsFollowTheFractionsAndTheSeed) {
  const auto keys = ids(20000);
  const auto a = assign_parts(keys, {0.6, 0.2, 0.2}, 42, GroupBy::kEvent);
  std::map<uint8_t, int> count;
  for (auto p : a) ++count[p];
  // Binomial spread of 20000 events: sigma ~ 70 events, so +-400 is never a fluke.
  EXPECT_NEAR(count[kTrainPart], 12000, 400);
  EXPECT_NEAR(count[kValidationPart], 4000, 400);
  EXPECT_NEAR(count[kTestPart], 4000, 400);
  EXPECT_EQ(count[kNoPart], 0);
  EXPECT_EQ(a, assign_parts(keys, {0.6, 0.2, 0.2}, 42, GroupBy::kEvent));
  EXPECT_NE(a, assign_parts(keys, {0.6, 0.2, 0.2}, 43, GroupBy::kEvent));
}

TEST(Split, AnEventsPartDoesNotDependOnTheOtherEvents) {
  // A feature table drops some events (bad quality): the rest keep their parts.
  const auto all = ids(5000);
  const auto parts = assign_parts(all, {0.6, 0.2, 0.2}, 7, GroupBy::kEvent);
  std::vector<int64_t> some;
  for (int64_t i = 0; i < 5000; i += 3) some.push_back(i);
  const auto sub = assign_parts(some, {0.6, 0.2, 0.2}, 7, GroupBy::kEvent);
  for (std::size_t k = 0; k < some.size(); ++k) EXPECT_EQ(sub[k], parts[static_cast<std::size_t>(some[k])]);
}

TEST(Split, GroupsStayOnOneSideAndEveryPartGetsOne) {
  std::vector<int64_t> detector;
  for (int i = 0; i < 3000; ++i) detector.push_back(i % 10);
  const auto parts = assign_parts(detector, {0.6, 0.2, 0.2}, 1, GroupBy::kDetector);
  std::map<int64_t, std::set<uint8_t>> parts_of;
  for (std::size_t i = 0; i < parts.size(); ++i) parts_of[detector[i]].insert(parts[i]);
  std::map<uint8_t, int> groups;
  for (const auto& [d, s] : parts_of) {
    EXPECT_EQ(s.size(), 1u) << "detector " << d << " on both sides";
    ++groups[*s.begin()];
  }
  EXPECT_EQ(groups[kTrainPart], 6);
  EXPECT_EQ(groups[kValidationPart], 2);
  EXPECT_EQ(groups[kTestPart], 2);
  // Three detectors still give one to each part.
  std::vector<int64_t> three{5, 6, 7, 5, 6, 7};
  const auto p3 = assign_parts(three, {0.6, 0.2, 0.2}, 1, GroupBy::kRun);
  EXPECT_EQ(std::set<uint8_t>(p3.begin(), p3.end()).size(), 3u);
}

TEST(Split, BadFractionsAndNamesAreInputErrors) {
  EXPECT_THROW(assign_parts(ids(3), {0.8, 0.3, 0.0}, 1, GroupBy::kEvent), InputError);
  EXPECT_THROW(assign_parts(ids(3), {-0.1, 0.3, 0.0}, 1, GroupBy::kEvent), InputError);
  EXPECT_THROW(group_by_from_string("detectors"), InputError);
  EXPECT_EQ(group_by_from_string("run"), GroupBy::kRun);
  // Fractions below 1 leave the remainder unused.
  const auto p = assign_parts(ids(4000), {0.5, 0.0, 0.0}, 3, GroupBy::kEvent);
  EXPECT_GT(std::count(p.begin(), p.end(), kNoPart), 1700);
}

TEST(Split, FractionsFromAConfig) {
  // Nothing said: test events are held out.
  auto f = part_fractions_from(Config::parse("seed = 1\n"));
  EXPECT_DOUBLE_EQ(f.train, 0.6);
  EXPECT_DOUBLE_EQ(f.validation, 0.2);
  EXPECT_DOUBLE_EQ(f.test, 0.2);
  // The lectures' 70/30: no test part, not an error.
  f = part_fractions_from(Config::parse("[data]\ntrain_fraction = 0.7\nvalidation_fraction = 0.3\n"));
  EXPECT_DOUBLE_EQ(f.test, 0.0);
  EXPECT_THROW(part_fractions_from(Config::parse("[data]\ntrain_fraction = 0.9\ntest_fraction = 0.2\n")),
               InputError);
}
