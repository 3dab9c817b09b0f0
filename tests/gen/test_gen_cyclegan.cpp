// The CycleGAN translation run: a tiny training that resumes exactly, `translate` keeping
// the file's layout and fields, a target at another sampling period, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../../src/gen/state_file.hpp"
#include "sim_file.hpp"
#include "wavelearn/dsp/resample.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::test {
namespace {

namespace fs = std::filesystem;

// gen_sim_file()'s events as a file sampled at period_ns (resampled from 10 ns; with
// resample = false the samples are kept and only the recorded period changes).
std::string target_at(const ScratchDir& dir, const std::string& name, double period_ns, bool resample) {
  const std::string path = dir / name;
  auto r = io::open_reader(gen_sim_file());
  const double from = r->sample_period_ns();
  const std::size_t n_in = r->n_samples(), n_ev = r->n_events();
  dsp::ResampleSpec spec{from, n_in, period_ns, n_in, 0.0};
  if (resample) spec.to_samples = static_cast<std::size_t>(std::floor((n_in - 1) * from / period_ns)) + 1;
  io::MjdWriter w(path, n_ev, spec.to_samples);
  std::vector<float> in(n_in), out(spec.to_samples);
  for (std::size_t e = 0; e < n_ev; ++e) {
    r->read_window(e, 1, 0, n_in, in.data());
    if (resample) dsp::resample(in.data(), spec, out.data());
    w.write_waveforms(e, 1, resample ? out.data() : in.data());
  }
  std::vector<double> tp0 = r->read_scalar("tp0");
  for (auto& t : tp0) t = std::round(t * from / (resample ? period_ns : from));
  w.write_field("tp0", std::vector<int32_t>(tp0.begin(), tp0.end()));
  const auto e = r->read_scalar("energy_label");
  w.write_field("energy_label", std::vector<float>(e.begin(), e.end()));
  const auto d = r->read_scalar("detector");
  w.write_field("detector", std::vector<int32_t>(d.begin(), d.end()));
  w.set_attribute("sample_period_ns", period_ns);
  w.commit();
  return path;
}

std::string train_cmd(const std::string& out, const std::string& target, int epochs) {
  return "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/cyclegan.toml --data " +
         gen_sim_file() + " --out " + out + " --set data.target_file=" + target +
         " --set data.window_samples=128 --set 'model.channels=[8, 16]' --set data.fit_events=300"
         " --set train.batch_size=64 --set train.epochs=" + std::to_string(epochs);
}

TEST(CycleGan, ResumesExactlyAndTranslatesKeepingEveryField) {
  ScratchDir dir("wl_gen_cyclegan");
  const std::string a = dir / "a", b = dir / "b";
  auto r = run_cli(train_cmd(a, gen_sim_file(), 2));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(run_cli(train_cmd(b, gen_sim_file(), 1)).status, 0);
  r = run_cli("-q --threads 2 train --out " + b + " --resume --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto sa = gen::detail::load_state_file(fs::path(a) / "model.pt");
  const auto sb = gen::detail::load_state_file(fs::path(b) / "model.pt");
  ASSERT_EQ(sa.tensors.size(), sb.tensors.size());
  ASSERT_GT(sa.tensors.count("translator_to_target.position"), 0u);
  for (const auto& [name, t] : sa.tensors) EXPECT_TRUE(torch::equal(t, sb.tensors.at(name))) << name;
  EXPECT_NE(read_all(fs::path(a) / "translation.json").find("\"resampling\": \"none"), std::string::npos);
  EXPECT_TRUE(fs::exists(fs::path(a) / "target" / "render.json"));

  const std::string out = dir / "translated.h5";
  r = run_cli("-q --threads 2 translate --model " + a + " --data " + gen_sim_file() + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  auto in = io::open_reader(gen_sim_file()), tr = io::open_reader(out);
  ASSERT_EQ(tr->n_events(), in->n_events());
  ASSERT_EQ(tr->n_samples(), in->n_samples());
  for (const auto& f : in->scalar_fields()) {
    ASSERT_TRUE(tr->has_field(f)) << f;
    const auto got = tr->read_scalar(f), want = in->read_scalar(f);
    ASSERT_EQ(got.size(), want.size()) << f;
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(got[i] == want[i] || (std::isnan(got[i]) && std::isnan(want[i]))) << f << " event " << i;
  }
  // Translated waveforms are new traces of about the same amplitude, not copies.
  std::vector<float> x(in->n_samples()), y(in->n_samples());
  int changed = 0;
  for (std::size_t e = 0; e < 50; ++e) {
    in->read_window(e, 1, 0, x.size(), x.data());
    tr->read_window(e, 1, 0, y.size(), y.data());
    changed += x != y;
  }
  EXPECT_GT(changed, 40);
  EXPECT_NE(r.out.find("translated"), std::string::npos);
  // Existing output: refused without --force; a cyclegan run is refused by generate.
  r = run_cli("-q translate --model " + a + " --data " + gen_sim_file() + " --out " + out);
  EXPECT_EQ(r.status, 2);
  r = run_cli("-q generate --model " + a + " --events 5 --out " + (dir / "g.h5"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("wavelearn translate"), std::string::npos) << r.err;
}

TEST(CycleGan, TrainsOnATargetAtAnotherSamplingPeriodAndLength) {
  ScratchDir dir("wl_gen_cyclegan16");
  const auto target = target_at(dir, "t16.h5", 16.0, true);
  const std::string run = dir / "run";
  auto r = run_cli(train_cmd(run, target, 1));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto record = read_all(fs::path(run) / "translation.json");
  EXPECT_NE(record.find("16 ns"), std::string::npos) << record;
  EXPECT_NE(read_all(fs::path(run) / "metrics.json").find("\"resampling\""), std::string::npos);
  r = run_cli("-q --threads 2 translate --model " + run + " --data " + gen_sim_file() + " --out " + (dir / "t.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
}

TEST(CycleGan, RefusesBadTargetsInOneLine) {
  ScratchDir dir("wl_gen_cyclegan_bad");
  const auto far = target_at(dir, "t400.h5", 400.0, false);  // 40x the source's period
  auto r = run_cli(train_cmd(dir / "run", far, 1));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("cannot resample"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("data.target_file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
  r = run_cli(train_cmd(dir / "run", dir / "missing.h5", 1));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing.h5"), std::string::npos) << r.err;
  // Labels as conditions: the target has none.
  r = run_cli(train_cmd(dir / "run", gen_sim_file(), 1) + " --set data.topology_field=truth_is_single_site");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("data.topology_field"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wl::test
