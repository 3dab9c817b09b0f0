// Several files read as one (open_readers, glob and comma specs): every read equals the
// same read from the files one by one, and files that cannot form one dataset are refused
// with a message naming both.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "fixtures.hpp"
#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::TempDir;

namespace {

constexpr std::size_t kSamples = 48;
const std::vector<std::size_t> kSizes = {23, 40, 17};

// Three MJD files of different sizes (their events read back to back: 80 events).
std::vector<std::string> write_three(const TempDir& dir, const std::string& stem = "part") {
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < kSizes.size(); ++i) {
    paths.push_back(dir.file(stem + "_" + std::to_string(i) + ".h5"));
    wl::test::write_mjd(paths.back(), kSizes[i], kSamples);
  }
  return paths;
}

// The window of global event e from the files one by one.
std::vector<float> one_by_one(const std::vector<std::string>& paths, std::size_t begin, std::size_t n) {
  std::vector<float> all;
  for (const auto& p : paths) {
    auto r = open_reader(p);
    std::vector<float> part(r->n_events() * n);
    r->read_window(0, r->n_events(), begin, n, part.data());
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConcatReader, WindowsAcrossFileBoundariesEqualTheFilesOneByOne) {
  TempDir dir;
  const auto paths = write_three(dir);
  auto r = open_readers(paths);
  ASSERT_EQ(r->n_events(), 80u);
  EXPECT_EQ(r->n_samples(), kSamples);
  EXPECT_EQ(r->n_files(), 3u);
  EXPECT_EQ(r->file_first_event(1), 23u);
  EXPECT_EQ(r->file_of_event(22), 0u);
  EXPECT_EQ(r->file_of_event(23), 1u);
  EXPECT_EQ(r->file_of_event(79), 2u);
  EXPECT_EQ(r->file_path(2), paths[2]);
  const auto expected = one_by_one(paths, 5, 30);
  // A window that spans all three files, and one inside the last.
  std::vector<float> got(70 * 30);
  r->read_window(10, 70, 5, 30, got.data());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), expected.begin() + 10 * 30));
  std::vector<float> tail(5 * 30);
  r->read_window(70, 5, 5, 30, tail.data());
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), expected.begin() + 70 * 30));
  EXPECT_THROW(r->read_window(75, 6, 0, 10, got.data()), InputError);
}

TEST(ConcatReader, GathersAndScalarsEqualTheFilesOneByOne) {
  TempDir dir;
  const auto paths = write_three(dir);
  auto r = open_readers(paths);
  const auto expected = one_by_one(paths, 0, kSamples);
  // Any order, repeats, across every file.
  const std::vector<std::size_t> events = {79, 0, 22, 23, 23, 62, 63, 41, 5, 78};
  std::vector<float> got(events.size() * kSamples);
  read_events(*r, events, 0, kSamples, got.data());
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_TRUE(std::equal(got.begin() + i * kSamples, got.begin() + (i + 1) * kSamples,
                           expected.begin() + events[i] * kSamples)) << "event " << events[i];
  std::vector<double> energy;
  for (const auto& p : paths) {
    const auto part = open_reader(p)->read_scalar("energy_label");
    energy.insert(energy.end(), part.begin(), part.end());
  }
  EXPECT_EQ(r->read_scalar("energy_label"), energy);
  const auto middle = r->read_scalar("energy_label", 20, 30);
  EXPECT_TRUE(std::equal(middle.begin(), middle.end(), energy.begin() + 20));
  EXPECT_EQ(select_by_energy(*r, 150.0).size(),
            static_cast<std::size_t>(std::count_if(energy.begin(), energy.end(), [](double e) { return e > 150.0; })));
}

TEST(ConcatReader, ViewsStopAtTheFileBoundary) {
  TempDir dir;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < 2; ++i) {
    paths.push_back(dir.file("f" + std::to_string(i) + ".h5"));
    wl::test::write_mjd(paths.back(), 30, kSamples, wl::test::WaveDtype::Float32, true, false);
  }
  auto r = open_readers(paths);
  const auto expected = one_by_one(paths, 0, kSamples);
  std::size_t viewed = 0;
  const float* rows = r->view_rows(20, 20, &viewed);
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(viewed, 10u);  // the rest of the first file only
  EXPECT_TRUE(std::equal(rows, rows + viewed * kSamples, expected.begin() + 20 * kSamples));
  rows = r->view_rows(30, 30, &viewed);
  ASSERT_NE(rows, nullptr);
  ASSERT_EQ(viewed, 30u);
  EXPECT_TRUE(std::equal(rows, rows + viewed * kSamples, expected.begin() + 30 * kSamples));
}

TEST(ConcatReader, ManyFilesReadWithFewOpen) {
  TempDir dir;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < 12; ++i) {  // more than the readers kept open at once
    paths.push_back(dir.file("m" + std::to_string(i) + ".h5"));
    wl::test::write_mjd(paths.back(), 4 + i, 16);
  }
  auto r = open_readers(paths);
  const auto expected = one_by_one(paths, 0, 16);
  std::vector<std::size_t> events(r->n_events());
  std::iota(events.begin(), events.end(), 0);
  std::reverse(events.begin(), events.end());
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<float> got(events.size() * 16);
    read_events(*r, events, 0, 16, got.data());
    for (std::size_t i = 0; i < events.size(); ++i)
      ASSERT_EQ(got[i * 16 + 3], expected[events[i] * 16 + 3]) << "event " << events[i];
  }
}

TEST(ConcatReader, GlobAndCommaSpecsOpenTheFilesInOrder) {
  TempDir dir;
  const auto paths = write_three(dir);
  auto globbed = open_reader(dir.file("part_*.h5"));
  EXPECT_EQ(globbed->n_events(), 80u);
  EXPECT_EQ(globbed->file_path(1), paths[1]);
  EXPECT_EQ(globbed->path(), dir.file("part_*.h5"));
  auto listed = open_reader(paths[2] + "," + paths[0]);
  ASSERT_EQ(listed->n_events(), kSizes[2] + kSizes[0]);
  EXPECT_EQ(listed->file_path(0), paths[2]);
  EXPECT_EQ(wl::core::expand_file_list(dir.file("part_[02].h5"), "--data"),
            (std::vector<std::string>{paths[0], paths[2]}));
  // One match: the plain reader of that file.
  EXPECT_EQ(open_reader(dir.file("part_1*.h5"))->path(), paths[1]);
}

TEST(ConcatReader, BadListsAreNamed) {
  TempDir dir;
  const auto paths = write_three(dir);
  EXPECT_NE(message_of([&] { open_reader(dir.file("nothing_*.h5")); }).find("'" + dir.file("nothing_*.h5") + "' matches no file"),
            std::string::npos);
  EXPECT_NE(message_of([&] { wl::core::expand_file_list(paths[0] + "," + paths[0], "--data"); }).find("listed twice"),
            std::string::npos);
  EXPECT_NE(message_of([&] { wl::core::expand_file_list(paths[0] + ",," + paths[1], "--data"); }).find("empty entry"),
            std::string::npos);
  // A missing plain file in a list is named by the reader.
  EXPECT_NE(message_of([&] { open_reader(paths[0] + "," + dir.file("gone.h5")); }).find("gone.h5"), std::string::npos);
}

TEST(ConcatReader, FilesThatDisagreeAreRefusedNamingBoth) {
  TempDir dir;
  const auto a = dir.file("a.h5"), longer = dir.file("long.h5"), npml = dir.file("npml.h5");
  wl::test::write_mjd(a, 10, kSamples);
  wl::test::write_mjd(longer, 10, kSamples + 2);
  wl::test::write_mjd(npml, 10, kSamples, wl::test::WaveDtype::Int16, false);
  const auto length = message_of([&] { open_readers({a, longer}); });
  EXPECT_NE(length.find("differ in record length"), std::string::npos) << length;
  EXPECT_NE(length.find(a), std::string::npos);
  EXPECT_NE(length.find(longer), std::string::npos);
  const auto fields = message_of([&] { open_readers({a, npml}); });
  EXPECT_NE(fields.find("differ in per-event fields"), std::string::npos) << fields;
  EXPECT_NE(fields.find(npml), std::string::npos);
  const auto slow = dir.file("slow.lh5"), fast = dir.file("fast.lh5");
  wl::test::write_lh5_fixed(slow, "ch0", 10, kSamples, 16.0, "ns");
  wl::test::write_lh5_fixed(fast, "ch0", 10, kSamples, 4.0, "ns");
  const auto period = message_of([&] { open_readers({slow, fast}); });
  EXPECT_NE(period.find("differ in sampling period (16 ns, 4 ns)"), std::string::npos) << period;
  const auto format = message_of([&] { open_readers({a, slow}); });
  EXPECT_NE(format.find("differ in format"), std::string::npos) << format;
  EXPECT_EQ(std::count(period.begin(), period.end(), '\n'), 0);
}
