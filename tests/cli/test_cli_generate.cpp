// The generator run through the CLI: train a tiny VAE, generate files that
// inspect and dsp read, reproducibly, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <algorithm>
#include <fstream>

#include "cli/run_cli.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::test {
namespace {

namespace fs = std::filesystem;

const ScratchDir& scratch() {
  static ScratchDir dir("wl_cli_generate");
  return dir;
}

const std::string& sim() {
  static const std::string path = scratch() / "sim.h5";
  static const bool made = [] {
    const auto r = run_cli("-q --threads 2 simulate --events 2000 --detectors 1 --samples 2500 --seed 3 --out " + path);
    EXPECT_EQ(r.status, 0) << r.err;
    return true;
  }();
  (void)made;
  return path;
}

std::string train_cmd(const std::string& out, int epochs) {
  return "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/vae.toml --data " + sim() +
         " --out " + out + " --set data.window_samples=128 --set 'model.channels=[8, 16, 16]' --set model.hidden=32"
         " --set data.fit_events=300 --set train.batch_size=64 --set model.recon_sigma=0.1 --set train.epochs=" +
         std::to_string(epochs);
}

// A trained four-epoch run, shared by the generate tests.
const std::string& vae_run() {
  static const std::string run = scratch() / "vae";
  static const bool made = [] {
    const auto r = run_cli(train_cmd(run, 4));
    EXPECT_EQ(r.status, 0) << r.err;
    return true;
  }();
  (void)made;
  return run;
}

TEST(CliGenerate, TrainWritesTheRunLayersFiles) {
  const fs::path run = vae_run();
  for (const char* f : {"config.toml", "run.json", "checkpoint.pt", "history.csv", "model.pt", "metrics.json",
                        "MODEL_CARD.md", "render.json", "noise.f32", "generator.json"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  const auto rec = read_all(run / "run.json");
  EXPECT_NE(rec.find("\"family\": \"generator\""), std::string::npos) << rec;
  EXPECT_NE(rec.find("\"model_type\": \"vae\""), std::string::npos);
  const auto history = read_all(run / "history.csv");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 5) << history;  // header + 4 epochs
  EXPECT_NE(history.find("train_kl"), std::string::npos);
}

TEST(CliGenerate, GeneratedFileIsReadLikeARealOne) {
  const std::string out = scratch() / "gen.h5";
  const auto g = run_cli("-q generate --model " + vae_run() + " --events 300 --energy-kev 1592.5 --seed 4 --out " + out);
  ASSERT_EQ(g.status, 0) << g.err;
  auto reader = io::open_reader(out);
  EXPECT_EQ(reader->n_events(), 300u);
  EXPECT_EQ(reader->n_samples(), 2500u);  // the training file's trace length
  for (double e : reader->read_scalar("energy_label")) ASSERT_FLOAT_EQ(e, 1592.5f);
  // ADC with a baseline: the first samples sit at the detector's level, the top ~ gain x E above.
  std::vector<float> w(2500);
  reader->read_window(0, 1, 0, 2500, w.data());
  EXPECT_GT(w[10], 200.0f);
  // (A loose bound on the pulse height: a two-epoch VAE's pulses are not yet full height.)
  EXPECT_GT(w[10], 200.0f);
  std::vector<float> all(300 * 2500);
  reader->read_window(0, 300, 0, 2500, all.data());
  double height = 0;
  for (int k = 0; k < 300; ++k) height += (all[k * 2500 + 1400] - all[k * 2500 + 10]) / 300.0;
  EXPECT_GT(height, 0.1 * 2.8 * 1592.5);  // ADC: gain x E x shape, not a normalised shape
  EXPECT_LT(height, 4.0 * 1592.5);
  const auto i = run_cli("inspect " + out);
  EXPECT_EQ(i.status, 0) << i.err;
  const auto d = run_cli("-q dsp " + out + " --out " + scratch() / "gen_feats.h5");
  EXPECT_EQ(d.status, 0) << d.err;
  // The same seed gives the same waveforms; another seed others.
  const std::string out2 = scratch() / "gen2.h5", out3 = scratch() / "gen3.h5";
  ASSERT_EQ(run_cli("-q generate --model " + vae_run() + " --events 300 --energy-kev 1592.5 --seed 4 --out " + out2).status, 0);
  ASSERT_EQ(run_cli("-q generate --model " + vae_run() + " --events 300 --energy-kev 1592.5 --seed 5 --out " + out3).status, 0);
  std::vector<float> a(2500), b(2500);
  io::open_reader(out2)->read_window(0, 1, 0, 2500, a.data());
  io::open_reader(out3)->read_window(0, 1, 0, 2500, b.data());
  EXPECT_EQ(a, w);
  EXPECT_NE(b, w);
}

// The diffusion preset's denoised rendering (the model's pulse estimate + recorded noise) and
// the model's own noise, from one tiny run.
TEST(CliGenerate, DiffusionGeneratesDenoisedAndWithItsOwnNoise) {
  const std::string run = scratch() / "ddpm";
  const auto t = run_cli("-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/diffusion.toml --data " +
                         sim() + " --out " + run + " --set data.window_samples=128 --set 'model.channels=[8, 16]'" +
                         " --set model.diffusion_steps=20 --set model.sampling_steps=5 --set data.fit_events=300" +
                         " --set train.batch_size=64 --set train.epochs=1");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(read_all(fs::path(run) / "generator.json").find("\"noise\": \"denoised\""), std::string::npos);
  std::vector<std::vector<float>> traces;
  for (const char* noise : {"", "--noise model"}) {
    const std::string out = scratch() / (std::string("ddpm") + (*noise ? "_model" : "") + ".h5");
    const auto g = run_cli("-q generate --model " + run + " --events 50 --energy-kev 1592.5 --seed 2 " + noise +
                           " --out " + out);
    ASSERT_EQ(g.status, 0) << noise << ": " << g.err;
    auto reader = io::open_reader(out);
    ASSERT_EQ(reader->n_events(), 50u);
    std::vector<float> all(50 * 2500);
    reader->read_window(0, 50, 0, 2500, all.data());
    EXPECT_TRUE(std::all_of(all.begin(), all.end(), [](float v) { return std::isfinite(v); })) << noise;
    traces.push_back(all);
  }
  EXPECT_NE(traces[0], traces[1]);
}

TEST(CliGenerate, EnergyFromMatchesTheReferenceEventByEvent) {
  const std::string out = scratch() / "gen_ref.h5";
  const auto g = run_cli("-q generate --model " + vae_run() + " --energy-from " + sim() + " --events 200 --out " + out);
  ASSERT_EQ(g.status, 0) << g.err;
  auto gen = io::open_reader(out), ref = io::open_reader(sim());
  const auto ge = gen->read_scalar("energy_label"), re = ref->read_scalar("energy_label", 0, 200);
  for (std::size_t k = 0; k < 200; ++k) ASSERT_NEAR(ge[k], re[k], 1e-3 * re[k]);
  EXPECT_EQ(gen->read_scalar("id"), ref->read_scalar("id", 0, 200));
  EXPECT_EQ(gen->read_scalar("truth_is_single_site"), ref->read_scalar("truth_is_single_site", 0, 200));
}

TEST(CliGenerate, Refusals) {
  const std::string out = scratch() / "refused.h5";
  auto r = run_cli("-q predict --model " + vae_run() + " --data " + sim() + " --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("is a generator (model.type = vae): use `wavelearn generate`"), std::string::npos) << r.err;
  for (const char* cmd : {"evaluate", "explain"}) {
    r = run_cli(std::string("-q ") + cmd + " --model " + vae_run() + " --out " + scratch() / "refused_dir");
    EXPECT_EQ(r.status, 2) << cmd;
    EXPECT_NE(r.err.find("is a generator (model.type = vae)"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // A reference file without energies (simulated without labels).
  const std::string bare = scratch() / "bare.h5";
  ASSERT_EQ(run_cli("-q simulate --events 50 --no-labels --seed 2 --out " + bare).status, 0);
  r = run_cli("-q generate --model " + vae_run() + " --energy-from " + bare + " --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no energy field ('energy_label')"), std::string::npos) << r.err;
  r = run_cli("-q generate --model " + vae_run() + " --events 10 --energy-kev 9000 --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("outside the trained range"), std::string::npos) << r.err;
  r = run_cli("-q generate --model " + vae_run() + " --events 0 --out " + out);
  EXPECT_EQ(r.status, 2);
  r = run_cli("-q generate --model " + vae_run() + " --events 100000000 --out " + out);
  EXPECT_EQ(r.status, 2);
  r = run_cli("-q generate --model " + vae_run() + " --events 10 --detector 5 --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--detector 5"), std::string::npos) << r.err;
  // Denoising needs the diffusion model; a noise choice must be one of the three.
  r = run_cli("-q generate --model " + vae_run() + " --events 10 --noise denoised --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--noise = \"denoised\": only the diffusion model"), std::string::npos) << r.err;
  r = run_cli("-q generate --model " + vae_run() + " --events 10 --noise loud --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("must be \"library\", \"model\" or \"denoised\""), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace wl::test
