#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

using wl::core::Config;
using wl::core::InputError;

namespace {

const char* kPreset = R"(
seed = 7
[train]
lr = 0.001
epochs = 20
early_stop = true
[data]
file = "MJD_Train_0.hdf5"
targets = ["psd_label_low_avse", "energy"]
window = [500, 1500]
)";

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

}  // namespace

TEST(Config, TypedGettersReadValues) {
  auto config = Config::parse(kPreset, "preset.toml");
  EXPECT_EQ(config.get<int>("seed"), 7);
  EXPECT_DOUBLE_EQ(config.get<double>("train.lr", 1.0), 0.001);
  EXPECT_EQ(config.get<std::size_t>("train.epochs", 1), 20u);
  EXPECT_TRUE(config.get<bool>("train.early_stop", false));
  EXPECT_EQ(config.get<std::string>("data.file"), "MJD_Train_0.hdf5");
  auto targets = config.get<std::vector<std::string>>("data.targets");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1], "energy");
  auto window = config.get<std::vector<int64_t>>("data.window");
  EXPECT_EQ(window, (std::vector<int64_t>{500, 1500}));
  // An integer is accepted where a float is asked for.
  EXPECT_DOUBLE_EQ(config.get<double>("seed"), 7.0);
  EXPECT_NO_THROW(config.check_all_used());
}

TEST(Config, DefaultsAreReturnedAndRecorded) {
  auto config = Config::parse(kPreset, "preset.toml");
  EXPECT_DOUBLE_EQ(config.get<double>("train.weight_decay", 1e-4), 1e-4);
  EXPECT_TRUE(config.has("train.weight_decay"));
  // The first reader's default wins.
  EXPECT_DOUBLE_EQ(config.get<double>("train.weight_decay", 5.0), 1e-4);
  config.mark_used("train");
  config.mark_used("data");
  config.get<int>("seed");
  const auto text = config.to_toml();
  EXPECT_NE(text.find("weight_decay"), std::string::npos);
  // The resolved text parses back to the same values.
  auto again = Config::parse(text, "resolved.toml");
  EXPECT_DOUBLE_EQ(again.get<double>("train.weight_decay"), 1e-4);
  EXPECT_EQ(again.get<int>("train.epochs"), 20);
  EXPECT_EQ(again.get<std::vector<std::string>>("data.targets").size(), 2u);
}

TEST(Config, UnknownKeyIsAnError) {
  auto config = Config::parse("[train]\nepocs = 10\nlr = 0.1\n", "seed-fcnet.toml");
  config.get<double>("train.lr", 1e-3);
  config.get<int>("train.epochs", 5);
  EXPECT_EQ(config.unused_keys(), (std::vector<std::string>{"train.epocs"}));
  const auto msg = message_of([&] { config.check_all_used(); });
  EXPECT_NE(msg.find("unknown config key 'train.epocs' (in seed-fcnet.toml)"), std::string::npos)
      << msg;
}

TEST(Config, MarkUsedCoversASection) {
  auto config = Config::parse("[model]\nhidden = [512, 256]\nkind = \"fcnet\"\n", "m.toml");
  EXPECT_THROW(config.check_all_used(), InputError);
  config.mark_used("model");
  EXPECT_NO_THROW(config.check_all_used());
}

TEST(Config, WrongTypeNamesTheKey) {
  auto config = Config::parse("[train]\nepochs = \"ten\"\nlr = 1e-3\nflag = 1\n", "p.toml");
  auto msg = message_of([&] { config.get<int>("train.epochs", 1); });
  EXPECT_NE(msg.find("'train.epochs'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.toml"), std::string::npos) << msg;
  // A float is not silently truncated to an integer, an int is not a bool.
  EXPECT_THROW(config.get<int>("train.lr", 1), InputError);
  EXPECT_THROW(config.get<bool>("train.flag", false), InputError);
  EXPECT_THROW(config.get<std::vector<double>>("train.lr", {}), InputError);
}

TEST(Config, OutOfRangeIntegers) {
  auto config = Config::parse("a = -3\nb = 5000000000\n", "r.toml");
  EXPECT_THROW(config.get<std::size_t>("a", 1), InputError);
  EXPECT_THROW(config.get<int>("b", 1), InputError);
  EXPECT_EQ(config.get<int64_t>("b", 1), 5000000000LL);
}

TEST(Config, MissingRequiredKey) {
  Config config;
  auto msg = message_of([&] { config.get<std::string>("data.file"); });
  EXPECT_NE(msg.find("missing config key 'data.file'"), std::string::npos) << msg;
}

TEST(Config, OverridesAreTypedLikeToml) {
  auto config = Config::parse(kPreset, "preset.toml");
  config.set("train.epochs=3");
  config.set("train.lr = 0.5");
  config.set("train.early_stop=false");
  config.set("data.targets=[\"energy\"]");
  config.set("data.file=runs/other file.h5");  // not TOML: a bare string
  config.set("data.name=\"quoted\"");
  config.set("new.section.value=1e-2");
  EXPECT_EQ(config.get<int>("train.epochs"), 3);
  EXPECT_DOUBLE_EQ(config.get<double>("train.lr"), 0.5);
  EXPECT_FALSE(config.get<bool>("train.early_stop"));
  EXPECT_EQ(config.get<std::vector<std::string>>("data.targets"),
            (std::vector<std::string>{"energy"}));
  EXPECT_EQ(config.get<std::string>("data.file"), "runs/other file.h5");
  EXPECT_EQ(config.get<std::string>("data.name"), "quoted");
  EXPECT_DOUBLE_EQ(config.get<double>("new.section.value"), 0.01);
}

TEST(Config, OverrideErrors) {
  auto config = Config::parse(kPreset, "preset.toml");
  EXPECT_THROW(config.set("train.epochs"), InputError);      // no '='
  EXPECT_THROW(config.set("=3"), InputError);                // no key
  EXPECT_THROW(config.set("train..lr=3"), InputError);       // empty component
  EXPECT_THROW(config.set("seed.x=3"), InputError);          // crosses a value
  EXPECT_THROW(config.set("train=3"), InputError);           // replaces a section
  // An override of a key nobody reads is reported as coming from --set.
  config.set("train.epocs=4");
  config.mark_used("data");
  config.get<int>("seed");
  config.get<int>("train.epochs");
  config.get<double>("train.lr");
  config.get<bool>("train.early_stop");
  const auto msg = message_of([&] { config.check_all_used(); });
  EXPECT_NE(msg.find("unknown config key 'train.epocs' (in --set)"), std::string::npos) << msg;
  // Typed override of the wrong type is caught by the reader.
  config.set("train.epochs=2.5");
  EXPECT_THROW(config.get<int>("train.epochs"), InputError);
}

TEST(Config, LoadAndWriteFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "wl_test_config";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto preset = dir / "p.toml";
  std::ofstream(preset) << kPreset;
  auto config = Config::load(preset);
  EXPECT_EQ(config.source(), preset.string());
  EXPECT_EQ(config.get<int>("train.epochs"), 20);
  const auto out = dir / "config.toml";
  config.write(out, false);
  EXPECT_THROW(config.write(out, false), InputError);  // never overwrites without force
  EXPECT_NO_THROW(config.write(out, true));
  EXPECT_EQ(Config::load(out).get<int>("train.epochs"), 20);

  EXPECT_THROW(Config::load(dir / "absent.toml"), InputError);
  std::ofstream(dir / "bad.toml") << "[train\nlr = 1\n";
  const auto msg = message_of([&] { Config::load(dir / "bad.toml"); });
  EXPECT_NE(msg.find("bad.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 1"), std::string::npos) << msg;
  std::filesystem::remove_all(dir);
}

TEST(Config, SetStringIsVerbatim) {
  auto config = Config::parse(kPreset, "preset.toml");
  config.set_string("data.file", "dir with \"quotes\"\\x.h5", "--data");
  EXPECT_EQ(config.get<std::string>("data.file"), "dir with \"quotes\"\\x.h5");
  config.set_string("data.extra", "v", "--data");
  config.mark_used("train");
  config.get<int>("seed");
  config.get<std::vector<std::string>>("data.targets");
  config.get<std::vector<int64_t>>("data.window");
  const auto msg = message_of([&] { config.check_all_used(); });
  EXPECT_NE(msg.find("'data.extra' (in --data)"), std::string::npos) << msg;
  EXPECT_THROW(config.set_string("train", "x"), InputError);
  // The resolved TOML escapes it so it reads back identically.
  EXPECT_EQ(Config::parse(config.to_toml()).get<std::string>("data.file"),
            "dir with \"quotes\"\\x.h5");
}

TEST(Config, NonFiniteNumbersAreRefusedNamingTheKey) {
  // `--set data.energy_threshold_kev=nan` used to select every event without a word.
  for (const char* value : {"nan", "inf", "-inf"}) {
    auto c = wl::core::Config::parse("[data]\nenergy_threshold_kev = 1000.0\n");
    c.set(std::string("data.energy_threshold_kev=") + value);
    try {
      c.get<double>("data.energy_threshold_kev");
      FAIL() << value << " accepted";
    } catch (const wl::core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("data.energy_threshold_kev"), std::string::npos) << e.what();
    }
  }
  const auto v = wl::core::Config::parse("[model]\nw = [1.0, nan]\n");
  EXPECT_THROW(v.get<std::vector<double>>("model.w"), wl::core::InputError);
}

TEST(Config, ADirectoryIsNotAConfigFile) {
  try {
    wl::core::Config::load(std::filesystem::temp_directory_path());
    FAIL() << "a directory was read as a config";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}
