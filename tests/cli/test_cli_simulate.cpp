// `wavelearn simulate` end to end: the file it writes, its attributes, determinism across
// thread counts, refusal to overwrite, bad options, and a labelled file read the way the
// teaching pipeline reads the real release (h5py + numpy).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cli/run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using wl::test::run_cli;

std::string temp_h5(const std::string& name) {
  return (fs::temp_directory_path() / ("wl_cli_sim_" + std::to_string(::getpid()) + "_" + name)).string();
}

// Runs a Python snippet with the system interpreter (h5py, numpy); returns its stdout.
wl::test::CliResult python(const std::string& code) {
  const std::string script = temp_h5("check.py");
  {
    std::ofstream out(script);
    out << code;
  }
  const std::string cmd = "/usr/bin/python3 " + script + " >" + script + ".out 2>&1";
  const int raw = std::system(cmd.c_str());
  wl::test::CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = wl::test::read_all(script + ".out");
  fs::remove(script);
  fs::remove(script + ".out");
  return r;
}

// Temporary files of `out` in its directory ("<out>.tmp.<pid>.<host>.<n>").
std::vector<fs::path> temps_of(const fs::path& out) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(out.parent_path()))
    if (e.path().filename().string().rfind(out.filename().string() + ".tmp.", 0) == 0) found.push_back(e.path());
  return found;
}

// Starts a simulate that would run for many seconds, sends `signal_number` once its
// temporary file exists, and returns its exit status and stderr.
wl::test::CliResult interrupted_simulate(const fs::path& out, int signal_number) {
  const std::string err = out.string() + ".err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    // Large enough to run for ~10 s (300 k short records, unlabelled, one thread); the
    // signal comes long before, so the file never grows past a few chunks.
    ::execl(WL_CLI_PATH, WL_CLI_PATH, "-q", "--threads", "1", "simulate", "--events", "300000", "--samples", "1300",
            "--no-labels", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (temps_of(out).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // into the generation loop
  ::kill(pid, signal_number);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  wl::test::CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = wl::test::read_all(err);
  fs::remove(err);
  return r;
}

// SIGINT or SIGTERM during simulate: exit 130 with one `interrupted:` line (as train does),
// no output, and no temporary file left for the next write to clean up.
TEST(CliSimulate, InterruptRemovesTheTemporaryFile) {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    const fs::path out = temp_h5("interrupted_" + std::to_string(signal_number) + ".h5");
    const auto r = interrupted_simulate(out, signal_number);
    EXPECT_EQ(r.status, 130) << "signal " << signal_number << ": " << r.err;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("interrupted: simulate stopped", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("not written"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    const auto temps = temps_of(out);
    EXPECT_TRUE(temps.empty()) << "left behind: " << temps.front();
    for (const auto& t : temps) fs::remove(t);
  }
}

TEST(CliSimulate, WritesReleaseLayoutWithTruthAndAttributes) {
  const std::string out = temp_h5("plain.h5");
  const auto r = run_cli("-q --threads 2 simulate --events 1200 --seed 3 --no-labels --pileup-fraction 0.5 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 1200 events"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("surface alpha"), std::string::npos) << r.out;
  const auto py = python(
      "import h5py, numpy as np\n"
      "f = h5py.File('" + out + "', 'r')\n"
      "w = np.array(f['raw_waveform'])\n"
      "assert w.shape == (1200, 3800) and w.dtype == np.float32, w.shape\n"
      "for k in ['tp0', 'detector', 'run_number', 'id', 'truth_energy_kev', 'truth_n_sites',\n"
      "          'truth_drift_time_ns', 'truth_event_class', 'truth_is_single_site']:\n"
      "    assert f[k].shape == (1200,), k\n"
      "assert 'energy_label' not in f\n"
      "a = f.attrs\n"
      "g = a['generator']; g = g.decode() if isinstance(g, bytes) else g\n"
      "assert g == 'wavelearn-sim', g\n"
      "assert int(a['seed']) == 3 and int(a['sim_n_detectors']) == 10\n"
      "assert abs(float(a['sim_pileup_fraction']) - 0.5) < 1e-12\n"
      "p = np.array(f['truth_pileup']).mean()\n"
      "assert 0.4 < p < 0.6, p\n"
      "tp0 = np.array(f['tp0'])\n"
      "assert np.all(np.abs(tp0 - 1000) <= 5)\n"
      "print('ok')\n");
  EXPECT_EQ(py.status, 0) << py.out;
  fs::remove(out);
}

TEST(CliSimulate, SameSeedSameBytesForAnyThreadCount) {
  const std::string a = temp_h5("t1.h5"), b = temp_h5("t2.h5");
  ASSERT_EQ(run_cli("-q --threads 1 simulate --events 800 --seed 9 --detectors 8 --no-labels --out " + a).status, 0);
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 800 --seed 9 --detectors 8 --no-labels --out " + b).status, 0);
  const auto py = python(
      "import h5py, numpy as np\n"
      "a = h5py.File('" + a + "', 'r'); b = h5py.File('" + b + "', 'r')\n"
      "assert sorted(a.keys()) == sorted(b.keys())\n"
      "for k in a.keys():\n"
      "    assert np.array(a[k]).tobytes() == np.array(b[k]).tobytes(), k\n"
      "print('ok')\n");
  EXPECT_EQ(py.status, 0) << py.out;
  fs::remove(a);
  fs::remove(b);
}

// --first-event: the same seed with a later index range gives the later events of the same
// detectors, waveform for waveform, with their own ids (a reference file independent of a
// training file but from the same detectors).
TEST(CliSimulate, FirstEventContinuesTheSameDetectors) {
  const std::string a = temp_h5("whole.h5"), b = temp_h5("later.h5"), c = temp_h5("other_seed.h5");
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 300 --seed 9 --no-labels --out " + a).status, 0);
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 100 --seed 9 --first-event 200 --no-labels --out " + b).status, 0);
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 100 --seed 10 --first-event 200 --no-labels --out " + c).status, 0);
  const auto py = python(
      "import h5py, numpy as np\n"
      "a = h5py.File('" + a + "', 'r'); b = h5py.File('" + b + "', 'r'); c = h5py.File('" + c + "', 'r')\n"
      "assert np.array_equal(a['raw_waveform'][200:300], b['raw_waveform'][:])\n"
      "assert np.array_equal(a['id'][200:300], b['id'][:]) and b['id'][0] == 200\n"
      "assert np.array_equal(a['truth_energy_kev'][200:300], b['truth_energy_kev'][:])\n"
      "assert b.attrs['first_event'] == 200\n"
      "assert not np.array_equal(a['raw_waveform'][200:300], c['raw_waveform'][:])\n"
      "print('ok')\n");
  EXPECT_EQ(py.status, 0) << py.out;
  const auto bad = run_cli("-q simulate --events 10 --first-event 1099511627776 --out " + temp_h5("no.h5"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--first-event"), std::string::npos) << bad.err;
  for (const auto& f : {a, b, c}) fs::remove(f);
}

TEST(CliSimulate, RefusesOverwriteAndBadOptionsWithOneLineError) {
  const std::string out = temp_h5("exists.h5");
  ASSERT_EQ(run_cli("-q simulate --events 50 --no-labels --out " + out).status, 0);
  auto r = run_cli("-q simulate --events 50 --no-labels --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_EQ(run_cli("-q simulate --events 50 --no-labels --force --out " + out).status, 0);
  fs::remove(out);
  // A record too short for the rise after the trigger.
  r = run_cli("-q simulate --events 50 --samples 1000 --no-labels --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("n_samples"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  r = run_cli("-q simulate --out " + out);  // --events is required
  EXPECT_EQ(r.status, 2);
}

TEST(CliSimulate, LabelledFileWorksWithTheTeachingPipelineRecipe) {
  const std::string out = temp_h5("labelled.h5");
  const auto r = run_cli("-q --threads 2 simulate --events 16000 --detectors 1 --seed 5 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("label pass fractions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DEP"), std::string::npos) << r.out;
  // The lectures: whole arrays, energy selection, window [500:1500].
  const auto py = python(
      "import h5py, numpy as np\n"
      "f = h5py.File('" + out + "', 'r')\n"
      "wf = np.array(f['raw_waveform']); e = np.array(f['energy_label'])\n"
      "y = np.array(f['psd_label_low_avse'])\n"
      "sel = e > 1000\n"
      "x = wf[sel][:, 500:1500]\n"
      "assert x.shape[1] == 1000 and x.shape[0] > 1000\n"
      "base = x[:, :400].mean(axis=1); top = x[:, -50:].mean(axis=1)\n"
      "assert np.all(top - base > 0), 'rise inside the window'\n"
      "for k in ['psd_label_low_avse', 'psd_label_high_avse', 'psd_label_dcr', 'psd_label_lq']:\n"
      "    v = np.array(f[k]); assert set(np.unique(v)) <= {0, 1}, k\n"
      "assert 0.3 < y[sel].mean() < 0.95, y[sel].mean()\n"
      "assert 'analysis' in f.attrs and 'dsp_chain_config' in f.attrs\n"
      "print('ok')\n");
  EXPECT_EQ(py.status, 0) << py.out;
  fs::remove(out);
}

}  // namespace
