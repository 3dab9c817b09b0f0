// `wavelearn dsp` end to end on small MJD (10 ns) and LH5 (16 ns) files made by
// tests/dsp/make_test_files.py (same analytic pulses, known amplitudes).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
  std::vector<double> column(const std::string& name) const {
    std::vector<double> out;
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (header[c] != name) continue;
      for (const auto& r : rows) out.push_back(r[c]);
    }
    return out;
  }
};

Csv read_csv(const fs::path& p) {
  Csv csv;
  std::ifstream in(p);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) {
      if (first) csv.header.push_back(cell);
      else row.push_back(cell == "nan" || cell.empty() ? NAN : std::stod(cell));
    }
    if (!first) csv.rows.push_back(row);
    first = false;
  }
  return csv;
}

class CliDsp : public ::testing::Test {
 protected:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("wl_cli_dsp_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/dsp/make_test_files.py " +
                            dir.string() + " 24";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }
  static std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
};
fs::path CliDsp::dir;

}  // namespace

TEST_F(CliDsp, WritesFeaturesWithCarriedFields) {
  const auto out = dir / "f.h5", csv = dir / "f.csv";
  const auto r = run_cli("-q dsp " + q(dir / "mjd.h5") + " --out " + q(out) + " --csv " + q(csv));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_NE(r.out.find("24 events"), std::string::npos) << r.out;
  const Csv t = read_csv(csv);
  ASSERT_EQ(t.rows.size(), 24u);
  for (const char* name : {"id", "detector", "run_number", "tp0", "energy_label", "psd_label_low_avse",
                           "psd_label_lq", "energy_trap_adc", "avse_raw", "drift_time_ns", "dcr_raw", "lq_raw",
                           "quality"}) {
    EXPECT_FALSE(t.column(name).empty()) << name;
  }
  // Energies match the generated amplitudes (truth.csv: amplitude_adc, drift_ns).
  std::ifstream truth(dir / "truth.csv");
  std::string line;
  std::getline(truth, line);  // header
  const auto energy = t.column("energy_trap_adc");
  const auto quality = t.column("quality");
  const auto rise = t.column("rise_time_ns");
  for (std::size_t i = 0; i < energy.size() && std::getline(truth, line); ++i) {
    const double amp = std::stod(line.substr(0, line.find(',')));
    const double drift = std::stod(line.substr(line.find(',') + 1));
    EXPECT_EQ(quality[i], 0.0) << i;
    EXPECT_NEAR(energy[i], amp, 0.01 * amp) << i;
    EXPECT_NEAR(rise[i], 0.8 * drift, 40.0) << i;
  }
  const auto ids = t.column("id");
  EXPECT_EQ(ids.front(), 0.0);
  EXPECT_EQ(ids.back(), 23.0);
}

TEST_F(CliDsp, Lh5At16nsGivesTheSameEnergiesAndTimes) {
  const auto a = dir / "a.csv", b = dir / "b.csv";
  ASSERT_EQ(run_cli("-q dsp " + q(dir / "mjd.h5") + " --out " + q(dir / "a.h5") + " --csv " + q(a)).status, 0);
  const auto r = run_cli("-q dsp " + q(dir / "legend.lh5") + " --out " + q(dir / "b.h5") + " --csv " + q(b));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("16 ns"), std::string::npos) << r.out;
  const Csv ta = read_csv(a), tb = read_csv(b);
  ASSERT_EQ(ta.rows.size(), tb.rows.size());
  const auto ea = ta.column("energy_trap_adc"), eb = tb.column("energy_trap_adc");
  const auto ha = ta.column("tp50_ns"), hb = tb.column("tp50_ns");
  EXPECT_EQ(tb.column("detector"), std::vector<double>(tb.rows.size(), 0.0));  // no detector field in LH5
  for (std::size_t i = 0; i < ea.size(); ++i) {
    EXPECT_NEAR(ea[i], eb[i], 0.01 * ea[i]) << i;
    EXPECT_NEAR(ha[i], hb[i], 30.0) << i;
  }
}

TEST_F(CliDsp, ConfigTauAndEventLimit) {
  const auto cfg = dir / "dsp.toml";
  std::ofstream(cfg) << "[dsp]\ntrap_rise_ns = 3000\n[dsp.tau_ns_by_detector]\n632 = 60000\n";
  const auto csv = dir / "c.csv";
  const auto r = run_cli("--threads 2 dsp " + q(dir / "mjd.h5") + " --out " + q(dir / "c.h5") + " --csv " +
                         q(csv) + " --config " + q(cfg) + " --max-events 10 --chunk 4 --set lq_window_ns=1500" +
                         " --set tau_ns_by_detector.1172=61000");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("detector 632: tau 60000 ns (configured)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("detector 1172: tau 61000 ns (configured)"), std::string::npos) << r.err;
  // The resolved configuration is recorded with the table.
  const auto attr_txt = dir / "attr.txt";
  const std::string py = "/usr/bin/python3 -c \"import h5py; print(h5py.File('" + (dir / "c.h5").string() +
                         "')['/'].attrs['dsp_config'])\" > " + q(attr_txt);
  ASSERT_EQ(std::system(py.c_str()), 0);
  EXPECT_NE(wl::test::read_all(attr_txt).find("\"lq_window_ns\":1500"), std::string::npos)
      << wl::test::read_all(attr_txt);
  EXPECT_EQ(read_csv(csv).rows.size(), 10u);
}

TEST_F(CliDsp, BadInputIsOneLineExit2) {
  const auto out = dir / "e.h5";
  auto r = run_cli("dsp " + q(dir / "missing.h5") + " --out " + q(out));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;

  const auto cfg = dir / "bad.toml";
  std::ofstream(cfg) << "[dsp]\ntrap_rise = 4000\n";
  r = run_cli("dsp " + q(dir / "mjd.h5") + " --out " + q(out) + " --config " + q(cfg));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("trap_rise"), std::string::npos) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
  r = run_cli("dsp " + q(dir / "mjd.h5") + " --out " + q(out) + " --set trap_rise_ns=-1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("trap_rise_ns"), std::string::npos) << r.err;

  // An existing output is kept unless --force.
  std::ofstream(out) << "keep";
  r = run_cli("-q dsp " + q(dir / "mjd.h5") + " --out " + q(out));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::read_all(out), "keep");
  r = run_cli("-q dsp " + q(dir / "mjd.h5") + " --out " + q(out) + " --force");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(wl::test::read_all(out), "keep");
}

// The simulator writes float32 records in whole-row chunks, which `dsp` maps instead of
// reading; a gzip copy of the same file must go through HDF5 reads and give the same table.
TEST_F(CliDsp, MappedAndReadRecordsGiveTheSameFeatures) {
  const auto sim = dir / "sim.h5", gz = dir / "sim-gzip.h5";
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 700 --seed 5 --no-labels --out " + q(sim)).status, 0);
  const std::string py = "/usr/bin/python3 -c \"import h5py\nwith h5py.File('" + sim.string() + "') as a, h5py.File('" +
                         gz.string() + "', 'w') as b:\n    [b.create_dataset(k, data=a[k][()], compression='gzip', "
                         "chunks=True) for k in a]\n    [b.attrs.__setitem__(k, v) for k, v in a.attrs.items()]\"";
  ASSERT_EQ(std::system(py.c_str()), 0) << py;
  // Chunks of 96 events end inside the file's own chunks: views must start mid-chunk.
  for (const auto* f : {&sim, &gz}) {
    const auto r = run_cli("-q --threads 2 dsp " + q(*f) + " --out " + q(f->string() + ".feat.h5") + " --csv " +
                           q(f->string() + ".csv") + " --chunk 96 --force");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto a = read_csv(sim.string() + ".csv"), b = read_csv(gz.string() + ".csv");
  ASSERT_EQ(a.header, b.header);
  ASSERT_EQ(a.rows.size(), 700u);
  ASSERT_EQ(b.rows.size(), 700u);
  std::size_t finite = 0;
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    for (std::size_t c = 0; c < a.header.size(); ++c) {
      const double x = a.rows[i][c], y = b.rows[i][c];
      if (std::isnan(x) && std::isnan(y)) continue;
      ASSERT_EQ(x, y) << a.header[c] << " event " << i;
      ++finite;
    }
  }
  EXPECT_GT(finite, 700u * 20u);
}
