#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "synthetic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::data;
using wl::core::InputError;

namespace {

class DatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new wl::test::TempDir("wl_test_dataset");
    path_ = (*dir_ / "mjd.h5").string();
    wl::test::SyntheticSpec spec;
    spec.n_events = 500;
    spec.n_samples = 64;
    wl::test::write_synthetic(path_, spec);
  }
  static void TearDownTestSuite() { delete dir_; }

  static DatasetConfig config(double threshold = 1000.0) {
    DatasetConfig c;
    c.path = path_;
    c.energy_threshold_kev = threshold;
    return c;
  }
  static std::vector<double> column(const std::string& name) {
    return wl::io::open_reader(path_)->read_scalar(name);
  }

  static wl::test::TempDir* dir_;
  static std::string path_;
};
wl::test::TempDir* DatasetTest::dir_ = nullptr;
std::string DatasetTest::path_;

std::set<std::size_t> as_set(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_F(DatasetTest, EnergyThresholdSelection) {
  Dataset ds(config(1000.0));
  const auto energy = column("energy_label");
  const auto ids = column("id");
  std::vector<std::size_t> expected;
  for (std::size_t e = 0; e < energy.size(); ++e) {
    if (energy[e] > 1000.0) expected.push_back(e);
  }
  ASSERT_EQ(ds.file_events(), expected);
  ASSERT_GT(ds.size(), 100u);
  ASSERT_LT(ds.size(), 500u);
  for (std::size_t r = 0; r < ds.size(); ++r) {
    EXPECT_EQ(ds.event_id(r), static_cast<int64_t>(ids[ds.file_event(r)]));
  }
  EXPECT_EQ(ds.target_names(), (std::vector<std::string>{"psd_label_low_avse"}));
  EXPECT_DOUBLE_EQ(ds.sample_period_ns(), 10.0);
  EXPECT_EQ(ds.record_length_samples(), 64u);
}

TEST_F(DatasetTest, TargetsFromLabelsAndEnergy) {
  auto c = config(0.0);
  c.has_threshold = false;
  c.targets = {"energy", "psd_label_dcr", "tp0"};
  Dataset ds(c);
  ASSERT_EQ(ds.size(), 500u);
  EXPECT_EQ(ds.target_names(), (std::vector<std::string>{"energy_label", "psd_label_dcr", "tp0"}));
  const auto energy = column("energy_label");
  const auto dcr = column("psd_label_dcr");
  const auto tp0 = column("tp0");
  for (std::size_t r = 0; r < ds.size(); r += 37) {
    EXPECT_FLOAT_EQ(ds.targets(r)[0], static_cast<float>(energy[r]));
    EXPECT_EQ(ds.targets(r)[1], dcr[r] > 0.5 ? 1.0f : 0.0f);
    EXPECT_FLOAT_EQ(ds.targets(r)[2], static_cast<float>(tp0[r]));
    EXPECT_EQ(ds.tp0(r), tp0[r]);
  }
}

TEST_F(DatasetTest, MulticlassCodes) {
  auto c = config(0.0);
  c.targets = {};
  c.multiclass = Multiclass::FirstFail;
  Dataset first(c);
  c.multiclass = Multiclass::Bits;
  Dataset bits(c);
  EXPECT_EQ(first.n_classes(), 5u);
  EXPECT_EQ(bits.n_classes(), 16u);
  const std::vector<std::string> names = {"psd_label_low_avse", "psd_label_high_avse",
                                          "psd_label_dcr", "psd_label_lq"};
  std::vector<std::vector<double>> labels;
  for (const auto& n : names) labels.push_back(column(n));
  std::set<float> seen;
  for (std::size_t r = 0; r < first.size(); ++r) {
    const std::size_t e = first.file_event(r);
    int expected_first = 0, expected_bits = 0;
    for (int k = 3; k >= 0; --k) {
      if (labels[k][e] < 0.5) expected_first = k + 1;
    }
    for (int k = 0; k < 4; ++k) expected_bits |= (labels[k][e] < 0.5 ? 1 : 0) << k;
    ASSERT_EQ(first.targets(r)[0], static_cast<float>(expected_first));
    ASSERT_EQ(bits.targets(r)[0], static_cast<float>(expected_bits));
    seen.insert(first.targets(r)[0]);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(first.target_names().back(), "psd_class");
}

TEST_F(DatasetTest, MissingTargetOrNothingSelected) {
  auto c = config();
  c.targets = {"psd_label_typo"};
  try {
    Dataset ds(c);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("psd_label_typo"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Dataset(config(1e9)), InputError);
}

TEST_F(DatasetTest, SplitSeventyThirtyDisjoint) {
  Dataset ds(config(0.0));
  const auto split = make_split(ds, SplitConfig{}, 42);
  const std::size_t n = ds.size();
  EXPECT_EQ(split.train.size(), static_cast<std::size_t>(0.7 * static_cast<double>(n)));
  EXPECT_EQ(split.validation.size(), n - split.train.size());
  EXPECT_TRUE(split.test.empty());
  const auto train = as_set(split.train), val = as_set(split.validation);
  EXPECT_EQ(train.size(), split.train.size());
  std::vector<std::size_t> both;
  std::set_intersection(train.begin(), train.end(), val.begin(), val.end(), std::back_inserter(both));
  EXPECT_TRUE(both.empty());
  EXPECT_EQ(train.size() + val.size(), n);
  // Shuffled, not in row order.
  EXPECT_FALSE(std::is_sorted(split.train.begin(), split.train.end()));
}

TEST_F(DatasetTest, ThreeWaySplit) {
  Dataset ds(config(0.0));
  SplitConfig c;
  c.train_fraction = 0.6;
  c.validation_fraction = 0.2;
  c.test_fraction = 0.2;
  const auto split = make_split(ds, c, 1);
  const auto n_train = static_cast<std::size_t>(0.6 * 500.0);
  const auto n_val = static_cast<std::size_t>(0.2 * 500.0);
  EXPECT_EQ(split.train.size(), n_train);
  EXPECT_EQ(split.validation.size(), n_val);
  EXPECT_EQ(split.test.size(), 500u - n_train - n_val);  // fractions add to 1: the rest
  std::set<std::size_t> all = as_set(split.train);
  all.insert(split.validation.begin(), split.validation.end());
  all.insert(split.test.begin(), split.test.end());
  EXPECT_EQ(all.size(), 500u);
  c.test_fraction = 0.5;
  EXPECT_THROW(make_split(ds, c, 1), InputError);
}

TEST_F(DatasetTest, SplitIsSeedDeterministic) {
  Dataset ds(config(0.0));
  const auto a = make_split(ds, SplitConfig{}, 7);
  const auto b = make_split(ds, SplitConfig{}, 7);
  const auto c = make_split(ds, SplitConfig{}, 8);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_NE(a.train, c.train);
}

TEST_F(DatasetTest, StratifiedSplitKeepsClassProportions) {
  auto cfg = config(0.0);
  cfg.targets = {"psd_label_low_avse"};
  cfg.multiclass = Multiclass::FirstFail;
  Dataset ds(cfg);
  SplitConfig c;
  c.stratify_target = 1;  // psd_class, 5 classes
  const auto split = make_split(ds, c, 3);
  std::map<int, std::size_t> all, train;
  for (std::size_t r = 0; r < ds.size(); ++r) ++all[static_cast<int>(ds.targets(r)[1])];
  for (std::size_t r : split.train) ++train[static_cast<int>(ds.targets(r)[1])];
  for (const auto& [cls, count] : all) {
    const double expected = 0.7 * static_cast<double>(count);
    EXPECT_LE(std::abs(static_cast<double>(train[cls]) - expected), 0.5 + 1e-9) << "class " << cls;
  }
  EXPECT_EQ(split.train.size() + split.validation.size(), ds.size());
  EXPECT_NE(split.train, make_split(ds, c, 4).train);
}

TEST_F(DatasetTest, ConfigSections) {
  auto config = wl::core::Config::parse("seed = 5\n[data]\nfile = \"" + path_ +
                                        "\"\nenergy_threshold_kev = 500.0\ntargets = [\"energy\"]\n"
                                        "stratify = false\ntrain_fraction = 0.8\n"
                                        "validation_fraction = 0.2\n");
  const auto c = dataset_config_from(config);
  EXPECT_TRUE(c.has_threshold);
  EXPECT_EQ(c.energy_threshold_kev, 500.0);
  Dataset ds(c);
  const auto s = split_config_from(config, ds);
  EXPECT_EQ(s.train_fraction, 0.8);
  EXPECT_EQ(s.stratify_target, -1);
  config.get<int>("seed");
  EXPECT_NO_THROW(config.check_all_used());
  config.set("data.stratify=\"psd_nothing\"");
  EXPECT_THROW(split_config_from(config, ds), InputError);
  config.set("data.stratify=\"energy\"");
  EXPECT_EQ(split_config_from(config, ds).stratify_target, 0);
  config.set("data.multiclass=\"three\"");
  EXPECT_THROW(dataset_config_from(config), InputError);
}

TEST(DatasetLabels, ALabelOtherThanZeroOrOneIsAnErrorNamingTheEvent) {
  wl::test::TempDir dir("wl_test_bad_labels");
  for (double bad : {7.0, 0.5, std::nan("")}) {
    const auto path = (dir / "bad.h5").string();
    wl::test::SyntheticSpec spec;
    spec.n_events = 50;
    spec.n_samples = 32;
    spec.bad_label = bad;
    wl::test::write_synthetic(path, spec);
    DatasetConfig c;
    c.path = path;
    c.has_threshold = false;
    try {
      Dataset ds(c);
      FAIL() << bad << " accepted as a label";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("psd_label_low_avse"), std::string::npos) << what;
      EXPECT_NE(what.find("event 3"), std::string::npos) << what;
    }
  }
}
