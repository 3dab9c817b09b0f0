// Atomic outputs: temporaries of a killed process are removed when the same target is next
// written; those of a live process, and other files, are not.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace fs = std::filesystem;

namespace {

// The pid of a process that has exited (and been reaped): no process has it now.
long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::string host() {
  char h[256] = {0};
  ::gethostname(h, sizeof h - 1);
  return h;
}

class AtomicTemps : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wl_atomic_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path touch(const std::string& name) {
    std::ofstream(dir_ / name) << "x";
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(AtomicTemps, TemporariesOfDeadProcessesAreRemovedOnTheNextWrite) {
  const long dead = dead_pid();
  const auto killed = touch("sim.h5.tmp." + std::to_string(dead) + "." + host() + ".0");
  const auto killed_old_name = touch("sim.h5.tmp." + std::to_string(dead) + ".3");
  const auto live = touch("sim.h5.tmp." + std::to_string(::getppid()) + "." + host() + ".0");
  const auto other_host = touch("sim.h5.tmp." + std::to_string(dead) + ".elsewhere.example.org.0");
  const auto other_target = touch("other.h5.tmp." + std::to_string(dead) + "." + host() + ".0");
  wl::core::write_text_atomically(dir_ / "sim.h5", "data");
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_FALSE(fs::exists(killed_old_name));
  EXPECT_TRUE(fs::exists(live)) << "a live process's temporary was removed";
  EXPECT_TRUE(fs::exists(other_host)) << "another host's temporary was removed";
  EXPECT_TRUE(fs::exists(other_target));
  EXPECT_TRUE(fs::exists(dir_ / "sim.h5"));
}

TEST_F(AtomicTemps, TemporaryNamesCarryPidAndHost) {
  const auto tmp = wl::core::temp_path_for(dir_ / "x.h5").filename().string();
  EXPECT_EQ(tmp.rfind("x.h5.tmp." + std::to_string(::getpid()) + "." + host() + ".", 0), 0u) << tmp;
}

TEST_F(AtomicTemps, AnUnwritableTargetIsNamedNotItsTemporary) {
  try {
    wl::core::write_text_atomically("/proc/wl_atomic_test.txt", "x");
    FAIL() << "writing under /proc succeeded";
  } catch (const wl::core::InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("/proc/wl_atomic_test.txt: cannot write", 0), 0u) << what;
    EXPECT_EQ(what.find(".tmp."), std::string::npos) << what;
  }
}

}  // namespace
