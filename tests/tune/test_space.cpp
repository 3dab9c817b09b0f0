// The search space: parsing, refusals, reproducible draws inside their bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tune/space.hpp"

namespace wl::tune {
namespace {

const char* kSpace = R"(
[tune]
min_epochs = 2
eta = 2

[space."train.lr"]
log_uniform = [1e-4, 1e-2]

[space."model.dropout"]
uniform = [0.0, 0.4]

[space."model.pool"]
int_uniform = [1, 4]

[space."model.hidden"]
choice = [[512, 256, 32], [128, 32], [64]]

[space."model.activation"]
choice = ["relu", "gelu"]

[space.conv]
keys = ["model.channels", "model.strides"]
choice = [[[8, 16, 32], [1, 1, 1]], [[16, 32], [2, 1]]]

[space."model.kernels"]
choice = [5, 9]
repeat_for = "model.channels"
)";

std::string error_of(const std::string& text) {
  try {
    parse_space(text, "s.toml");
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(TuneSpace, ParsesEntriesSortedByName) {
  const auto s = parse_space(kSpace, "s.toml");
  EXPECT_EQ(s.min_epochs, 2);
  EXPECT_EQ(s.eta, 2);
  ASSERT_EQ(s.parameters.size(), 7u);
  EXPECT_EQ(s.parameters[0].name, "conv");
  EXPECT_EQ(s.parameters[0].keys.size(), 2u);
  EXPECT_EQ(s.parameters[0].choices.size(), 2u);
  for (std::size_t i = 1; i < s.parameters.size(); ++i) EXPECT_LT(s.parameters[i - 1].name, s.parameters[i].name);
}

TEST(TuneSpace, RefusesBadEntriesNamingThem) {
  EXPECT_NE(error_of("[tune]\neta = 2\n").find("empty"), std::string::npos);
  EXPECT_NE(error_of("[space.\"train.lr\"]\nuniform = [0.1, 0.01]\n").find("train.lr"), std::string::npos);
  EXPECT_NE(error_of("[space.\"train.lr\"]\nuniform = [0.1, 0.01]\n").find("low"), std::string::npos);
  EXPECT_NE(error_of("[space.\"train.lr\"]\nlog_uniform = [0.0, 0.01]\n").find("> 0"), std::string::npos);
  EXPECT_NE(error_of("[space.\"model.hidden\"]\nchoice = []\n").find("empty"), std::string::npos);
  EXPECT_NE(error_of("[space.\"train.lr\"]\nnormal = [0, 1]\n").find("normal"), std::string::npos);
  EXPECT_NE(error_of("[space.\"train.lr\"]\nuniform = [0.1, 0.2]\nchoice = [1]\n").find("exactly one"),
            std::string::npos);
  EXPECT_NE(error_of("[space.train.lr]\nuniform = [0.1, 0.2]\n").find("quotes"), std::string::npos);
  EXPECT_NE(error_of("[space.c]\nkeys = [\"a\", \"b\"]\nchoice = [[1, 2], [3]]\n").find("2 values"),
            std::string::npos);
  EXPECT_NE(error_of("[space.c]\nkeys = [\"a\"]\nchoice = [1]\n[space.a]\nchoice = [2]\n").find("two entries"),
            std::string::npos);
  EXPECT_NE(error_of("[tune]\neta = 1\n[space.a]\nchoice = [2]\n").find("tune.eta"), std::string::npos);
  EXPECT_NE(error_of("[space.\"model.pool\"]\nint_uniform = [1.5, 3]\n").find("integers"), std::string::npos);
  EXPECT_NE(error_of("[space.a\nchoice = [2]\n").find("line 1"), std::string::npos);
}

TEST(TuneSpace, DrawsDependOnSeedTrialAndNameOnly) {
  const auto s = parse_space(kSpace, "s.toml");
  for (int k = 0; k < 20; ++k) {
    const auto a = draw_trial(s, 7, k), b = draw_trial(s, 7, k);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].values, b[i].values);
  }
  // Another parameter in the space leaves the others' draws unchanged.
  const auto more = parse_space(std::string(kSpace) + "[space.\"train.l1\"]\nuniform = [0.0, 1.0]\n", "s.toml");
  for (int k = 0; k < 20; ++k) {
    const auto a = draw_trial(s, 7, k), b = draw_trial(more, 7, k);
    for (const auto& d : a)
      for (const auto& e : b) {
        if (d.name == e.name) {
          EXPECT_EQ(d.values, e.values) << d.name;
        }
      }
  }
  // Another seed gives other values.
  int differ = 0;
  for (int k = 0; k < 20; ++k) differ += draw_trial(s, 7, k)[6].values != draw_trial(s, 8, k)[6].values;
  EXPECT_GT(differ, 15);
}

TEST(TuneSpace, DrawsStayInsideTheirBoundsAndCoverThem) {
  const auto s = parse_space(kSpace, "s.toml");
  std::map<std::string, std::pair<double, double>> range;
  std::set<std::string> hidden, pools;
  int low_decade = 0;
  const int n = 3000;
  for (int k = 0; k < n; ++k)
    for (const auto& d : draw_trial(s, 3, k)) {
      auto& r = range.try_emplace(d.name, d.number, d.number).first->second;
      r.first = std::min(r.first, d.number);
      r.second = std::max(r.second, d.number);
      if (d.name == "model.hidden") hidden.insert(d.values[0]);
      if (d.name == "model.pool") pools.insert(d.values[0]);
      if (d.name == "train.lr" && d.number < 1e-3) ++low_decade;
    }
  EXPECT_GE(range["train.lr"].first, 1e-4);
  EXPECT_LE(range["train.lr"].second, 1e-2);
  EXPECT_LT(range["train.lr"].first, 1.1e-4);
  EXPECT_GT(range["train.lr"].second, 0.9e-2);
  // Log-uniform: half of the draws in the lower decade [1e-4, 1e-3).
  EXPECT_NEAR(double(low_decade) / n, 0.5, 0.04);
  EXPECT_GE(range["model.dropout"].first, 0.0);
  EXPECT_LE(range["model.dropout"].second, 0.4);
  EXPECT_EQ(pools, (std::set<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(hidden.size(), 3u);
}

TEST(TuneSpace, DrawnNumbersAreTomlFloats) {
  const auto s = parse_space("[space.\"train.lr\"]\nuniform = [1, 3]\n", "s.toml");
  for (int k = 0; k < 50; ++k) {
    core::Config c;
    c.set_all(trial_assignments(draw_trial(s, 1, k), s, c));
    EXPECT_NO_THROW(c.get<double>("train.lr")) << k;
  }
}

TEST(TuneSpace, RepeatedValuesFollowTheLayerCount) {
  const auto s = parse_space(kSpace, "s.toml");
  const auto base = core::Config::parse("[model]\nchannels = [8, 16, 32]\nkernels = [9, 7, 5]\n", "base");
  bool saw_two = false, saw_three = false;
  for (int k = 0; k < 40; ++k) {
    core::Config c = base;
    c.set_all(trial_assignments(draw_trial(s, 5, k), s, base));
    const auto channels = c.get<std::vector<int64_t>>("model.channels");
    const auto kernels = c.get<std::vector<int64_t>>("model.kernels");
    const auto strides = c.get<std::vector<int64_t>>("model.strides");
    EXPECT_EQ(kernels.size(), channels.size());
    EXPECT_EQ(strides.size(), channels.size());
    for (const auto v : kernels) EXPECT_EQ(v, kernels[0]);
    saw_two |= channels.size() == 2;
    saw_three |= channels.size() == 3;
  }
  EXPECT_TRUE(saw_two && saw_three);
}

TEST(TuneSpace, BaseDrawsAreTheBaseConfigurationsValues) {
  const auto s = parse_space(kSpace, "s.toml");
  EXPECT_TRUE(s.base_trial);
  const auto base = core::Config::parse(
      "[model]\nhidden = [128, 32]\nchannels = [8, 16, 32]\nstrides = [1, 1, 1]\nkernels = [9, 9, 9]\n"
      "activation = \"silu\"\n[train]\nlr = 1e-3\n",
      "base");
  std::map<std::string, Draw> by_name;
  for (const auto& d : base_draws(s, base)) by_name[d.name] = d;
  EXPECT_EQ(by_name["model.hidden"].choice, 1);             // one of the options
  EXPECT_EQ(by_name["model.activation"].choice, -1);        // none of them: off the axis
  EXPECT_EQ(by_name["conv"].choice, 0);                     // joint keys matched together
  EXPECT_EQ(by_name["model.kernels"].values[0], "9");       // a repeated value: the first layer's
  EXPECT_DOUBLE_EQ(by_name["train.lr"].number, 1e-3);
  EXPECT_TRUE(std::isnan(by_name["model.dropout"].number));  // not set: the reader's default
  EXPECT_EQ(by_name["model.dropout"].text, "default");
  EXPECT_EQ(parse_space("[tune]\nmax_epochs = 40\n[space.a]\nchoice = [2]\n", "s.toml").max_epochs, 40);
  EXPECT_NE(error_of("[tune]\nmax_epochs = 0\n[space.a]\nchoice = [2]\n").find("tune.max_epochs"), std::string::npos);
  EXPECT_FALSE(parse_space("[tune]\nbase_trial = false\n[space.a]\nchoice = [2]\n", "s.toml").base_trial);
  EXPECT_NE(error_of("[tune]\nbase_trial = 1\n[space.a]\nchoice = [2]\n").find("base_trial"), std::string::npos);
}

}  // namespace
}  // namespace wl::tune
