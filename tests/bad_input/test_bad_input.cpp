// The bad-input suite: every subcommand, given what a new user (or a damaged file) gives it,
// answers with exit status 2 and one `error:` line naming the thing at fault, and leaves no
// output and no temporary file behind. One table of cases; a new subcommand adds rows here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cases.hpp"
#include "cli/run_cli.hpp"
#include "test_paths.hpp"

using wl::test::run_cli;
namespace fs = std::filesystem;

namespace {

// The shared inputs: a good simulated file, its feature table, a trained run, and broken
// copies of a second, smaller file, made on first use (tests/io/mutations.hpp).
class Inputs {
 public:
  static Inputs& get() {
    static Inputs inputs;
    return inputs;
  }
  const fs::path& dir() const { return dir_; }

  // Replaces every {placeholder} of a case's command with a path.
  std::string expand(const std::string& command, const std::string& case_name) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const auto open = command.find('{', pos);
      if (open == std::string::npos) break;
      const auto close = command.find('}', open);
      out += command.substr(pos, open - pos) + resolve(command.substr(open + 1, close - open - 1), case_name);
      pos = close + 1;
    }
    return out + command.substr(pos);
  }

  // Files named *.tmp.* anywhere under the scratch directory: none may survive a refusal.
  std::vector<std::string> temp_files() const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(e.path().string());
    return found;
  }

 private:
  Inputs() {
    dir_ = fs::temp_directory_path() / ("wl_bad_input_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    must("-q simulate --events 1500 --detectors 3 --seed 5 --out " + base());
    must("-q simulate --events 300 --detectors 3 --seed 6 --out " + (dir_ / "other.h5").string());
    must("-q dsp " + base() + " --out " + (dir_ / "features.h5").string());
    must("-q --threads 2 train --config " + preset("seed-fcnet") + " --data " + base() + " --out " + run() +
         " --set train.epochs=1 --set data.energy_threshold_kev=0");
    std::ofstream(dir_ / "existing.h5") << "not to be replaced\n";
    std::ofstream(dir_ / "bad.toml") << "[train\nlr = 1\n";
    std::ofstream(dir_ / "calib_v99.json") << R"({"format": "wavelearn-calibration", "version": 99, )"
                                           << R"("calibration": {}, "cuts": {}})";
    fs::create_directories(dir_ / "empty_dir");
  }
  ~Inputs() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void must(const std::string& args) {
    const auto r = run_cli(args);
    if (r.status != 0) throw std::runtime_error("setup failed: wavelearn " + args + ": " + r.err);
  }
  static std::string preset(const std::string& name) {
    return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml";
  }
  std::string base() const { return (dir_ / "base.h5").string(); }
  std::string run() const { return (dir_ / "run").string(); }

  std::string resolve(const std::string& key, const std::string& case_name);
  std::string broken_copy(const std::string& kind);
  std::string fixture(const std::string& kind);
  std::string locked_dir(const std::string& case_name);
  std::string run_copy(const std::string& case_name);

  fs::path dir_;
  std::map<std::string, std::string> made_;
};

std::string Inputs::resolve(const std::string& key, const std::string& case_name) {
  if (key == "base") return base();
  if (key == "other") return (dir_ / "other.h5").string();
  if (key == "features") return (dir_ / "features.h5").string();
  if (key == "other_features") {  // {other}'s feature table: ids like {base}'s, other events
    const auto p = dir_ / "other_features.h5";
    if (!fs::exists(p)) must("-q dsp " + (dir_ / "other.h5").string() + " --out " + p.string());
    return p.string();
  }
  if (key == "run") return run();
  if (key == "dir") return dir_.string();
  if (key == "out") return (dir_ / ("out_" + case_name)).string();
  if (key == "existing") return (dir_ / "existing.h5").string();
  if (key == "bad_toml") return (dir_ / "bad.toml").string();
  if (key == "empty_dir") return (dir_ / "empty_dir").string();
  if (key == "locked") return locked_dir(case_name);
  if (key == "run_copy") return run_copy(case_name);
  if (key == "run_copy_no_checkpoint") {
    const auto d = run_copy(case_name);
    fs::remove(fs::path(d) / "checkpoint.pt");
    return d;
  }
  if (key == "copy") {  // a private copy of {other}, for outputs that must not replace an input
    const auto p = dir_ / ("copy_" + case_name + ".h5");
    fs::copy_file(dir_ / "other.h5", p, fs::copy_options::overwrite_existing);
    return p.string();
  }
  if (key.rfind("preset:", 0) == 0) return preset(key.substr(7));
  if (key.rfind("mut:", 0) == 0) return broken_copy(key.substr(4));
  if (key.rfind("fix:", 0) == 0) return fixture(key.substr(4));
  throw std::runtime_error("unknown placeholder {" + key + "}");
}

std::string Inputs::broken_copy(const std::string& kind) {
  if (made_.count("mut:" + kind)) return made_["mut:" + kind];
  const std::string path = (dir_ / (kind + ".h5")).string();
  // From the small file: fourteen broken copies of the large one would fill /tmp.
  const std::string cmd = std::string(WL_BINARY_DIR) + "/tests/io/io_tool mutate " + kind + " " +
                          (dir_ / "other.h5").string() + " " + path;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
  return made_["mut:" + kind] = path;
}

std::string Inputs::fixture(const std::string& kind) {
  if (made_.count("fix:" + kind)) return made_["fix:" + kind];
  const std::string path = (dir_ / ("fixture-" + kind + ".h5")).string();
  const std::string cmd = std::string(WL_BINARY_DIR) + "/tests/io/io_tool fixture " + kind + " " + path;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
  return made_["fix:" + kind] = path;
}

// A directory another live process (this test) holds the run lock of.
std::string Inputs::locked_dir(const std::string& case_name) {
  const fs::path d = dir_ / ("locked_" + case_name);
  fs::create_directories(d);
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  std::ofstream(d / ".wavelearn.lock") << ::getpid() << " " << host << "\n";
  return d.string();
}

// A private copy of the trained run, so a refused resume can be checked to change nothing.
std::string Inputs::run_copy(const std::string& case_name) {
  const fs::path d = dir_ / ("run_copy_" + case_name);
  fs::remove_all(d);
  fs::copy(run(), d, fs::copy_options::recursive);
  return d.string();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file under d (or d itself) with its contents, to show a refused command changed nothing.
std::map<std::string, std::string> snapshot(const fs::path& d) {
  std::map<std::string, std::string> files;
  if (fs::is_regular_file(d)) files[""] = read_file(d);
  if (!fs::is_directory(d)) return files;
  for (const auto& e : fs::recursive_directory_iterator(d))
    if (e.is_regular_file()) files[fs::relative(e.path(), d).string()] = read_file(e.path());
  return files;
}

class BadInput : public ::testing::TestWithParam<wl::test::BadCase> {};

TEST_P(BadInput, RefusedWithOneLineNamingTheFaultAndNothingLeftBehind) {
  const auto& c = GetParam();
  auto& inputs = Inputs::get();
  const std::string args = inputs.expand(c.command, c.name);
  // Whatever the command names as its output must be unchanged afterwards.
  const std::string out = c.output[0] ? inputs.expand(c.output, c.name) : "";
  const auto before = out.empty() ? std::map<std::string, std::string>{} : snapshot(out);
  const bool existed = !out.empty() && fs::exists(out);
  const std::string existing_before = read_file(inputs.dir() / "existing.h5");

  const auto r = run_cli(args);
  const std::string needle = inputs.expand(c.needle, c.name);
  EXPECT_EQ(r.status, 2) << "wavelearn " << args << "\n" << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << "wavelearn " << args << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "'" << needle << "' not named in: " << r.err;
  if (!out.empty()) {
    EXPECT_EQ(fs::exists(out), existed) << out << " was " << (existed ? "removed" : "left behind");
    EXPECT_TRUE(snapshot(out) == before) << out << " was changed";
  }
  EXPECT_EQ(read_file(inputs.dir() / "existing.h5"), existing_before);
  const auto temps = inputs.temp_files();
  EXPECT_TRUE(temps.empty()) << "temporary file left behind: " << temps.front();
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(wl::test::bad_input_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Not a refusal: a file whose waveforms are all zero trains, but says that most events carry
// DSP quality flags instead of reporting an AUC of 0.5 silently.
TEST(BadInputWarnings, AllZeroWaveformsTrainWithAQualityWarning) {
  auto& inputs = Inputs::get();
  const auto r = run_cli(inputs.expand("-q --threads 2 train --config {preset:seed-fcnet} --data {mut:all-zero} "
                                       "--out {out} --set train.epochs=1 --set data.energy_threshold_kev=0",
                                       "all_zero"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("carry DSP quality flags of an unusable pulse (flags counted: flat"), std::string::npos) << r.err;
  const auto metrics = read_file(inputs.dir() / "out_all_zero" / "metrics.json");
  EXPECT_NE(metrics.find("\"data_quality\""), std::string::npos);
  EXPECT_NE(read_file(inputs.dir() / "out_all_zero" / "report.html").find("Data quality"), std::string::npos);
}

}  // namespace

namespace {

// An explicit period overrides a broken sample_period_ns attribute (which alone is refused).
TEST(BadInputWarnings, ExplicitSamplePeriodOverridesABrokenAttribute) {
  auto& inputs = Inputs::get();
  const auto r = run_cli(inputs.expand("inspect {mut:dt-text} --dt-ns 16", "dt_override"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("3800 samples x 16 ns"), std::string::npos) << r.out;
}

}  // namespace
