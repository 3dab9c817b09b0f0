// Data-parallel training through the CLI: two ranks on loopback train the weights one
// process trains with the same global batch; a run resumes at another world size; a killed
// rank ends the job with a one-line error within seconds instead of a hang.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/script.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "cli/run_cli.hpp"
#include "wavelearn/core/loopback_port.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

// A small FCNet without dropout (its masks differ per rank) on few events: seconds per run.
std::string train_args(const std::string& data, const std::string& out, int epochs) {
  return "-q train --config " + std::string(WL_SOURCE_DIR) + "/configs/seed-fcnet.toml --data " + data +
         " --out " + out + " --set 'model.hidden=[64,32]' --set model.dropout=0 --set data.batch_size=32" +
         " --set data.energy_threshold_kev=0 --set eval.bootstrap_replicas=0 --set train.epochs=" +
         std::to_string(epochs);
}

struct Data {
  wl::test::ScratchDir dir{"wl_dist"};
  std::string file = dir / "sim.h5";
  Data() {
    const auto r = run_cli("-q --threads 2 simulate --events 400 --seed 11 --out " + file);
    if (r.status != 0) throw std::runtime_error("simulate failed: " + r.err);
  }
  static Data& get() {
    static Data d;
    return d;
  }
};

// max over tensors of |a - b| / max|a|: the weights' relative difference.
double weight_difference(const std::string& run_a, const std::string& run_b) {
  auto a = torch::jit::load(run_a + "/model.pt");
  auto b = torch::jit::load(run_b + "/model.pt");
  std::map<std::string, torch::Tensor> wb;
  for (const auto& p : b.named_parameters()) wb[p.name] = p.value;
  double worst = 0.0;
  std::size_t n = 0;
  for (const auto& p : a.named_parameters()) {
    const auto& other = wb.at(p.name);
    const double scale = p.value.abs().max().item<double>();
    worst = std::max(worst, (p.value - other).abs().max().item<double>() / scale);
    ++n;
  }
  EXPECT_GT(n, 0u);
  return worst;
}

std::string metrics_field(const std::string& run, const std::string& key) {
  const auto text = read_all(run + "/metrics.json");
  const auto at = text.find("\"" + key + "\":");
  if (at == std::string::npos) return "";
  const auto start = text.find_first_not_of(' ', at + key.size() + 3);
  return text.substr(start, text.find_first_of(",}\n", start) - start);
}

// Starts `sh -c 'exec CMD'` with stderr into err_path; returns its pid.
pid_t spawn(const std::string& args, const std::string& err_path) {
  const std::string cmd = "exec " + std::string(WL_CLI_PATH) + " " + args + " >/dev/null 2>" + err_path;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The child of `parent` whose environment has RANK=<rank>; 0 when none (yet).
pid_t rank_child(pid_t parent, int rank) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string pid, comm, state;
    long ppid = 0;
    if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
    std::ifstream env_file(e.path() / "environ", std::ios::binary);
    const std::string env((std::istreambuf_iterator<char>(env_file)), std::istreambuf_iterator<char>());
    const std::string want = "RANK=" + std::to_string(rank) + '\0';
    if (env.rfind(want, 0) == 0 || env.find('\0' + want) != std::string::npos) return std::stoi(name);
  }
  return 0;
}

// Waits up to `limit` for pid; the exit status (-1 on a signal or a timeout, then killed).
int wait_for(pid_t pid, std::chrono::seconds limit, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < limit) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  *seconds = 1e9;
  return -1;
}

// True once `path` exists (rank 0 writes history.csv after the first epoch), within 60 s.
bool await_file(const std::string& path) {
  for (int i = 0; i < 1200; ++i) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST(Distributed, TwoRanksTrainTheWeightsOfOneProcessAndResumeAtAnotherWorldSize) {
  auto& d = Data::get();
  const auto one = d.dir / "one", two = d.dir / "two", mixed = d.dir / "mixed";
  auto r = run_cli("--threads 2 " + train_args(d.file, one, 2));
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli(train_args(d.file, two, 2) + " --nproc 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_LT(weight_difference(one, two), 1e-5);
  EXPECT_EQ(metrics_field(one, "world_size"), "1");
  EXPECT_EQ(metrics_field(two, "world_size"), "2");
  EXPECT_NE(metrics_field(two, "all_reduce_ms_per_step"), "");
  // The same recorded losses: validation on every event, the training loss averaged.
  EXPECT_EQ(metrics_field(one, "val_loss").substr(0, 6), metrics_field(two, "val_loss").substr(0, 6));
  // Rank 1 wrote nothing of its own: the run holds the files of a one-process run.
  std::set<std::string> files_one, files_two;
  for (const auto& e : fs::directory_iterator(one)) files_one.insert(e.path().filename().string());
  for (const auto& e : fs::directory_iterator(two)) files_two.insert(e.path().filename().string());
  EXPECT_EQ(files_one, files_two);

  // One epoch on two ranks, the second on one: the checkpoint knows no world size.
  r = run_cli(train_args(d.file, mixed, 1) + " --nproc 2");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("--threads 2 " + train_args(d.file, mixed, 2) + " --resume");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_LT(weight_difference(one, mixed), 1e-5);
  EXPECT_EQ(metrics_field(mixed, "world_size"), "1");
}

TEST(Distributed, AKilledRankEndsTheJobWithOneLineWithinSeconds) {
  auto& d = Data::get();
  const auto err = d.dir / "launcher.err";
  const pid_t launcher = spawn(train_args(d.file, d.dir / "killed", 10000) + " --nproc 2", err);
  ASSERT_TRUE(await_file(d.dir / "killed/history.csv")) << read_all(err);
  const pid_t rank0 = rank_child(launcher, 0), rank1 = rank_child(launcher, 1);
  ASSERT_GT(rank0, 0);
  ASSERT_GT(rank1, 0);
  ::kill(rank1, SIGKILL);
  double seconds = 0;
  const int status = wait_for(launcher, std::chrono::seconds(60), &seconds);
  EXPECT_EQ(status, 2) << read_all(err);
  EXPECT_LT(seconds, 15.0);
  const auto text = read_all(err);
  EXPECT_NE(text.find("error: train --nproc 2: rank 1 was killed by signal 9"), std::string::npos) << text;
  EXPECT_EQ(wl::test::count_lines(text), 2) << text;  // rank 0's own error, then the launcher's
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(rank0))) << "rank 0 outlived the launcher";
}

// Started by hand (as torchrun or srun would): the surviving rank notices its peer's death in
// the next collective and says so, instead of waiting.
TEST(Distributed, ARankWhosePeerDiesStopsWithAClearError) {
  auto& d = Data::get();
  const std::string common = train_args(d.file, d.dir / "peer", 10000) +
                             " --world-size 2 --master-addr 127.0.0.1 --dist-timeout 60 --master-port " +
                             std::to_string(wl::core::free_loopback_port("test_dist"));
  const auto err0 = d.dir / "rank0.err", err1 = d.dir / "rank1.err";
  const pid_t rank0 = spawn("--threads 1 " + common + " --rank 0", err0);
  const pid_t rank1 = spawn("--threads 1 " + common + " --rank 1", err1);
  ASSERT_TRUE(await_file(d.dir / "peer/history.csv")) << read_all(err0);
  ::kill(rank1, SIGKILL);
  ::waitpid(rank1, nullptr, 0);
  double seconds = 0;
  EXPECT_EQ(wait_for(rank0, std::chrono::seconds(60), &seconds), 2) << read_all(err0);
  EXPECT_LT(seconds, 15.0);
  const auto text = read_all(err0);
  EXPECT_NE(text.find("rank 0 of 2 lost the other ranks"), std::string::npos) << text;
  EXPECT_EQ(wl::test::count_lines(text), 1) << text;
}
