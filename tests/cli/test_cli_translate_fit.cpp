// `wavelearn translate --fit-response` end to end: a nominal source and a target simulated
// with a known response (same detectors, other events, no labels: data), the fitted
// response recorded beside the output, the output a file in the source's layout with its
// labels and truth that `dsp` and `fidelity` read, reproducible with its seed at any thread
// count, and refused in one line when misused.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

struct Files {
  wl::test::ScratchDir dir{"wl_cli_translate_fit"};
  Files() {
    const std::string common = "-q --threads 2 simulate --events 2000 --detectors 2 --samples 2500 --seed 21 ";
    auto r = run_cli(common + "--out " + dir / "src.h5");
    EXPECT_EQ(r.status, 0) << r.err;
    r = run_cli(common + "--first-event 1000000 --no-labels --response data-like --set response.pileup_fraction=0 " +
                "--set response.rise_time_ns=300 --set response.noise_white_adc=25 --out " + dir / "tgt.h5");
    EXPECT_EQ(r.status, 0) << r.err;
  }
  std::string translate(const std::string& out, const std::string& extra) const {
    return "translate --fit-response --data " + dir / "src.h5" + " --target " + dir / "tgt.h5" + " --out " + out +
           " --fit-events 1000 --seed 5 " + extra;
  }
};

const Files& files() {
  static const Files f;
  return f;
}

}  // namespace

TEST(CliTranslateFit, WritesTheSourceThroughTheFittedResponse) {
  const auto& f = files();
  const std::string out = f.dir / "tr.h5";
  auto r = run_cli("-q --threads 2 " + f.translate(out, ""));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("response.rise_time_ns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gain not fitted"), std::string::npos) << r.out;  // the target has no energies
  const auto j = nlohmann::json::parse(read_all(f.dir / "tr.response-fit.json"));
  const auto& st = j.at("response");
  // 1000 records of each: looser than the library test's 1500 (tests/sim/test_response_fit.cpp).
  EXPECT_NEAR(std::stod(st.at("rise_time_ns").get<std::string>()), 300.0, 30.0) << j.dump();
  EXPECT_NEAR(std::stod(st.at("noise_white_adc").get<std::string>()), 25.0, 1.0) << j.dump();
  for (const auto& d : j.at("w1_fit_sample")) {
    if (d.at("feature") == "drift_time_ns" || d.at("feature") == "tail_tau_ns") {
      EXPECT_LT(d.at("w1_after").get<double>(), d.at("w1_before").get<double>() / 3.0) << d.dump();
    }
  }
  // The source's per-event fields, values and all, and its record length; the fit in the
  // file's attributes.
  const auto py = wl::test::run_python(f.dir, "import os; os.chdir('" + f.dir.path.string() + "')" + R"(
import h5py, numpy as np
s = h5py.File('src.h5', 'r'); t = h5py.File('tr.h5', 'r')
same = sorted(s.keys()) == sorted(t.keys()) and all(np.array_equal(s[k][:], t[k][:], equal_nan=True)
                                                    for k in s.keys() if k != 'raw_waveform')
print('fields', same, t['raw_waveform'].shape == s['raw_waveform'].shape, t.attrs['response'],
      t.attrs['translation_model'], 'response_fit' in t.attrs)
)");
  EXPECT_NE(py.find("fields True True fitted fitted-response True"), std::string::npos) << py;
  // dsp and fidelity read it.
  r = run_cli("-q --threads 2 dsp " + out + " --out " + f.dir / "feats.h5");
  EXPECT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 1 fidelity --reference " + f.dir / "tgt.h5" + " --candidate " + out + " --out " +
              f.dir / "fid" + " --max-events 200 --epochs 1 --bootstrap 20");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto fid = nlohmann::json::parse(read_all(f.dir / "fid/fidelity.json"));
  EXPECT_EQ(fid.at("n_candidate"), 2000);
  // An existing output (or its record) is kept without --force, with one line naming it.
  const auto before = read_all(out);
  r = run_cli("-q " + f.translate(out, ""));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("tr.h5"), std::string::npos) << r.err;
  EXPECT_TRUE(read_all(out) == before);
}

TEST(CliTranslateFit, SameSeedSameFileAtAnyThreadCount) {
  const auto& f = files();
  auto r = run_cli("-q --threads 2 " + f.translate(f.dir / "a.h5", ""));
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 1 " + f.translate(f.dir / "b.h5", ""));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto py = wl::test::run_python(f.dir, "import os; os.chdir('" + f.dir.path.string() + "')" + R"(
import h5py, numpy as np
a = h5py.File('a.h5', 'r')['raw_waveform'][:]; b = h5py.File('b.h5', 'r')['raw_waveform'][:]
s = h5py.File('src.h5', 'r')['raw_waveform'][:]
print('same', np.array_equal(a, b), 'changed', not np.allclose(a, s))
)");
  EXPECT_NE(py.find("same True changed True"), std::string::npos) << py;
}

TEST(CliTranslateFit, ExactlyOneOfModelAndFitResponse) {
  const auto& f = files();
  const std::string data = " --data " + f.dir / "src.h5" + " --out " + f.dir / "x.h5";
  for (const std::string& args : {"translate" + data, "translate --fit-response --model " + f.dir.path.string() + data,
                                  "translate --fit-response" + data})
  {
    const auto r = run_cli("-q " + args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(r.err.find("--model") != std::string::npos || r.err.find("--target") != std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(f.dir / "x.h5"));
}
