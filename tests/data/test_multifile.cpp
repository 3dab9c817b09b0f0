// A dataset of several files selects, labels and splits exactly the events of one file
// holding their concatenation; a file-grouped split keeps files whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/copy_rows.hpp"
#include "synthetic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/fingerprint.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::data;
using wl::core::InputError;
using wl::test::copy_rows;

namespace {

class MultiFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new wl::test::TempDir("wl_test_multifile");
    whole_ = (*dir_ / "whole.h5").string();
    wl::test::SyntheticSpec spec;
    spec.n_events = 500;
    spec.n_samples = 64;
    wl::test::write_synthetic(whole_, spec);
    const std::size_t cuts[] = {0, 170, 320, 500};
    for (int i = 0; i < 3; ++i)
      copy_rows(whole_, (*dir_ / ("part_" + std::to_string(i) + ".h5")).string(), cuts[i], cuts[i + 1] - cuts[i]);
    parts_ = (*dir_ / "part_*.h5").string();
  }
  static void TearDownTestSuite() { delete dir_; }

  static DatasetConfig config(const std::string& path) {
    DatasetConfig c;
    c.path = path;
    c.energy_threshold_kev = 800.0;
    c.targets = {"energy", "psd_label_dcr", "tp0"};
    c.multiclass = Multiclass::FirstFail;
    return c;
  }

  static wl::test::TempDir* dir_;
  static std::string whole_, parts_;
};
wl::test::TempDir* MultiFileTest::dir_ = nullptr;
std::string MultiFileTest::whole_, MultiFileTest::parts_;

}  // namespace

TEST_F(MultiFileTest, ThreeFilesSelectTheEventsAndTargetsOfTheirConcatenation) {
  Dataset whole(config(whole_)), parts(config(parts_));
  ASSERT_EQ(parts.n_files(), 3u);
  ASSERT_EQ(parts.size(), whole.size());
  EXPECT_EQ(parts.file_events(), whole.file_events());
  EXPECT_EQ(parts.all_targets(), whole.all_targets());
  EXPECT_EQ(parts.target_names(), whole.target_names());
  for (std::size_t r = 0; r < whole.size(); ++r) {
    ASSERT_EQ(parts.event_id(r), whole.event_id(r));
    ASSERT_EQ(parts.detector(r), whole.detector(r));
    ASSERT_EQ(parts.tp0(r), whole.tp0(r));
    const std::size_t e = whole.file_event(r);
    ASSERT_EQ(parts.file_index(r), e < 170 ? 0u : e < 320 ? 1u : 2u);
  }
  std::vector<float> a(whole.size() * 64), b(whole.size() * 64);
  wl::io::read_events(whole.reader(), whole.file_events(), 0, 64, a.data());
  wl::io::read_events(parts.reader(), parts.file_events(), 0, 64, b.data());
  EXPECT_EQ(a, b);
}

TEST_F(MultiFileTest, KeyedAndShuffledSplitsEqualTheConcatenation) {
  Dataset whole(config(whole_)), parts(config(parts_));
  SplitConfig keyed;
  keyed.keyed = true;
  keyed.train_fraction = 0.6;
  keyed.validation_fraction = 0.2;
  keyed.test_fraction = 0.2;
  for (const auto& c : {keyed, SplitConfig{}}) {
    const auto a = make_split(whole, c, 11), b = make_split(parts, c, 11);
    EXPECT_EQ(a.train, b.train);
    EXPECT_EQ(a.validation, b.validation);
    EXPECT_EQ(a.test, b.test);
  }
}

TEST_F(MultiFileTest, GroupByFileKeepsEachFileInOnePart) {
  Dataset parts(config(parts_));
  SplitConfig c;
  c.keyed = true;
  c.group_by = wl::core::GroupBy::kFile;
  c.train_fraction = 0.6;
  c.validation_fraction = 0.2;
  c.test_fraction = 0.2;
  const auto s = make_split(parts, c, 3);
  std::set<std::size_t> files[3];
  const std::vector<std::size_t>* lists[3] = {&s.train, &s.validation, &s.test};
  for (int p = 0; p < 3; ++p)
    for (auto r : *lists[p]) files[p].insert(parts.file_index(r));
  for (int p = 0; p < 3; ++p) EXPECT_EQ(files[p].size(), 1u) << "part " << p;  // one whole file each
  EXPECT_EQ(s.train.size() + s.validation.size() + s.test.size(), parts.size());
  EXPECT_NE(*files[0].begin(), *files[1].begin());
  EXPECT_NE(*files[1].begin(), *files[2].begin());
  // One file cannot fill three parts.
  EXPECT_THROW(make_split(Dataset(config(whole_)), c, 3), InputError);
}

TEST_F(MultiFileTest, IdsHeldByTwoFilesAreRefusedNamingBoth) {
  const auto copy = (*dir_ / "copy_of_0.h5").string();
  copy_rows((*dir_ / "part_0.h5").string(), copy, 0, 170);
  const auto spec = (*dir_ / "part_0.h5").string() + "," + copy;
  try {
    Dataset ds(config(spec));
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("both hold event id"), std::string::npos) << m;
    EXPECT_NE(m.find(copy), std::string::npos) << m;
  }
  // Numbered by position instead, the events are distinct.
  auto c = config(spec);
  c.open.fields.id = "";
  EXPECT_NO_THROW(Dataset ds(c));
  std::filesystem::remove(copy);
}

TEST_F(MultiFileTest, ConfigTakesAListOrAPatternAndTheFingerprintNamesEveryFile) {
  const auto dir = dir_->path().string();
  auto listed = wl::core::Config::parse("[data]\nfiles = [\"" + dir + "/part_0.h5\", \"" + dir +
                                        "/part_[12].h5\"]\nenergy_threshold_kev = 800.0\n");
  const auto c = dataset_config_from(listed);
  EXPECT_EQ(Dataset(c).size(), Dataset(config(parts_)).size());
  auto both = wl::core::Config::parse("[data]\nfile = \"" + whole_ + "\"\nfiles = [\"" + whole_ + "\"]\n");
  EXPECT_THROW(dataset_config_from(both), InputError);
  auto none = wl::core::Config::parse("[data]\nfile = \"" + dir + "/nothing_*.h5\"\n");
  try {
    dataset_config_from(none);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("data.file: '" + dir + "/nothing_*.h5' matches no file"), std::string::npos)
        << e.what();
  }
  const auto fp = wl::core::file_fingerprint(parts_);
  EXPECT_EQ(fp.rfind("3 files:", 0), 0u) << fp;
  for (int i = 0; i < 3; ++i) EXPECT_NE(fp.find("part_" + std::to_string(i) + ".h5 (size "), std::string::npos) << fp;
  EXPECT_EQ(wl::core::file_fingerprint(whole_).rfind("size ", 0), 0u);
}
