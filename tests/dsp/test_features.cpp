// The feature table's schema: names, order, units and access of every column, blank rows,
// and the units written with the table by the file chain.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "dsp/pulses.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/features.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::dsp;

namespace {

// The columns `wavelearn dsp` wrote before the schema existed, in their order: files and
// tests downstream depend on it.
const std::vector<std::string> kPreviousNames = {
    "baseline_mean_adc", "baseline_std_adc", "baseline_slope_adc_per_ns", "energy_trap_adc",
    "energy_trap_max_adc", "current_amp_adc_per_ns", "avse_raw", "tp0_ns", "tp01_ns", "tp10_ns",
    "tp50_ns", "tp90_ns", "tp999_ns", "drift_time_ns", "rise_time_ns", "dcr_raw", "tail_tau_ns",
    "lq_raw", "current_width_ns", "n_current_peaks", "rise_asymmetry", "baseline_tail_diff_adc",
    "quality"};

}  // namespace

TEST(FeatureSchema, NamesAndOrderAreThoseOfThePreviousTable) {
  EXPECT_EQ(feature_names(), kPreviousNames);
  ASSERT_EQ(feature_schema().size(), kPreviousNames.size());
  for (std::size_t i = 0; i < kPreviousNames.size(); ++i) EXPECT_EQ(feature_schema()[i].name, kPreviousNames[i]);
}

TEST(FeatureSchema, NamesAreUnique) {
  const auto& names = feature_names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST(FeatureSchema, EveryColumnHasAUnitADescriptionAndOneField) {
  const std::set<std::string> known = {"adc", "ns", "adc/ns", "1/ns", "1/us", "1", "bitmask"};
  ASSERT_EQ(feature_units().size(), feature_schema().size());
  for (std::size_t i = 0; i < feature_schema().size(); ++i) {
    const FeatureColumn& c = feature_schema()[i];
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.unit, nullptr);
    EXPECT_TRUE(known.count(c.unit)) << c.unit;
    EXPECT_EQ(feature_units()[i], c.unit);
    ASSERT_NE(c.description, nullptr);
    EXPECT_GT(std::string(c.description).size(), 10u);
    EXPECT_NE(c.value == nullptr, c.bits == nullptr);  // exactly one
  }
  // Units in names agree with the schema.
  EXPECT_EQ(feature_column("energy_trap_adc").unit, std::string("adc"));
  EXPECT_EQ(feature_column("baseline_slope_adc_per_ns").unit, std::string("adc/ns"));
  EXPECT_EQ(feature_column("drift_time_ns").unit, std::string("ns"));
  EXPECT_EQ(feature_column("quality").unit, std::string("bitmask"));
}

TEST(FeatureSchema, BlankRowIsAllNaNWithQualityZero) {
  const Features f = blank_features();
  for (const FeatureColumn& c : feature_schema()) {
    SCOPED_TRACE(c.name);
    if (c.value) EXPECT_TRUE(std::isnan(c.get(f)));
    else EXPECT_EQ(c.get(f), 0.0);
  }
  EXPECT_EQ(f.quality, kQualityOk);
  EXPECT_TRUE(std::isnan(f.baseline_mean_adc));
  EXPECT_TRUE(std::isnan(f.baseline_tail_diff_adc));
}

TEST(FeatureSchema, SetAndGetRoundTripEveryColumnAlone) {
  for (std::size_t i = 0; i < feature_schema().size(); ++i) {
    const FeatureColumn& c = feature_schema()[i];
    SCOPED_TRACE(c.name);
    Features f = blank_features();
    const double v = c.value ? 1.5 + static_cast<double>(i) : static_cast<double>(kSaturated | kPileup);
    c.set(f, v);
    EXPECT_EQ(c.get(f), v);
    EXPECT_EQ(feature_value(f, i), v);
    // Only this column changed.
    for (std::size_t k = 0; k < feature_schema().size(); ++k) {
      if (k == i) continue;
      const double other = feature_schema()[k].get(f);
      if (feature_schema()[k].value) EXPECT_TRUE(std::isnan(other)) << feature_schema()[k].name;
      else EXPECT_EQ(other, 0.0);
    }
  }
}

TEST(FeatureSchema, FieldsAreTheNamedMembers) {
  Features f = blank_features();
  feature_column("tp0_ns").set(f, 123.0);
  feature_column("lq_raw").set(f, -4.25);
  feature_column("quality").set(f, 36.0);
  EXPECT_EQ(f.tp0_ns, 123.0f);
  EXPECT_EQ(f.lq_raw, -4.25f);
  EXPECT_EQ(f.quality, kSaturated | kPileup);
  f.avse_raw = 0.0625f;
  EXPECT_EQ(feature_column("avse_raw").get(f), 0.0625);
}

TEST(FeatureSchema, QualityThatIsNotABitmaskMarksTheRowBad) {
  const FeatureColumn& q = feature_column("quality");
  for (double bad : {std::nan(""), -1.0, HUGE_VAL, 1e10}) {
    Features f = blank_features();
    q.set(f, bad);
    EXPECT_EQ(f.quality, static_cast<uint32_t>(kNonFinite)) << bad;
  }
}

TEST(FeatureSchema, UnknownColumnsAndIndicesThrow) {
  EXPECT_THROW(feature_column("energy"), wl::core::InputError);
  EXPECT_THROW(feature_value(blank_features(), feature_schema().size()), std::out_of_range);
}

TEST(FeatureSchema, UnitsJsonListsEveryColumnInOrder) {
  const auto j = nlohmann::ordered_json::parse(feature_units_json());
  ASSERT_EQ(j.size(), feature_schema().size());
  std::size_t i = 0;
  for (const auto& [name, unit] : j.items()) {
    EXPECT_EQ(name, feature_names()[i]);
    EXPECT_EQ(unit.get<std::string>(), feature_units()[i]);
    ++i;
  }
}

TEST(FeatureSchema, FileChainWritesColumnsInSchemaOrderWithUnits) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("wl_test_features_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "pulses.h5").string();
  wl::test::PulseSpec p;
  p.noise_adc = 2;
  const std::size_t n_events = 8;
  const std::size_t n = wl::test::make_pulse(p).size();
  std::vector<float> wf;
  for (std::size_t k = 0; k < n_events; ++k) {
    p.seed = static_cast<uint32_t>(k + 1);
    p.amplitude_adc = 500 + 100 * static_cast<double>(k);
    const auto x = wl::test::make_pulse(p);
    wf.insert(wf.end(), x.begin(), x.end());
  }
  {
    wl::io::MjdWriterOptions wo;
    wo.force = true;
    wl::io::MjdWriter w(path, n_events, n, wo);
    w.write_waveforms(0, n_events, wf.data());
    w.write_field("detector", std::vector<int32_t>(n_events, 3));
    w.set_attribute("sample_period_ns", p.dt_ns);
    w.commit();
  }
  auto reader = wl::io::open_reader(path);
  FileChainOptions opt;
  opt.config.tau_ns = p.tau_ns;
  opt.threads = 1;
  opt.quiet = true;
  const FileChainResult r = run_chain_on_file(*reader, opt);
  fs::remove_all(dir);

  const auto& names = r.table.names;
  ASSERT_GE(names.size(), kPreviousNames.size());
  const std::vector<std::string> tail(names.end() - static_cast<std::ptrdiff_t>(kPreviousNames.size()), names.end());
  EXPECT_EQ(tail, kPreviousNames);
  ASSERT_TRUE(r.table.attributes.count("feature_units"));
  EXPECT_EQ(r.table.attributes.at("feature_units"), feature_units_json());
  for (std::size_t i = 0; i < n_events; ++i) {
    EXPECT_EQ(r.table.column("quality")[i], 0.0) << i;
    EXPECT_NEAR(r.table.column("energy_trap_adc")[i], 500 + 100 * static_cast<double>(i), 5.0) << i;
  }
}
