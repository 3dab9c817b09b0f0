#pragma once
// Synthetic feature tables: `informative` carries the label (shifted by `separation`
// sigma between the classes), the other columns are noise; ids start at 1000.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <string>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/io/table.hpp"

namespace wl::test {

inline io::Table synthetic_table(std::size_t n, uint64_t seed, double separation = 2.0,
                                 double signal_fraction = 0.5) {
  core::Rng rng(seed, 7);
  std::vector<double> id, label, informative, weak, noise1, noise2, quality, energy;
  for (std::size_t i = 0; i < n; ++i) {
    const bool sig = rng.uniform() < signal_fraction;
    id.push_back(1000.0 + static_cast<double>(i));
    label.push_back(sig ? 1.0 : 0.0);
    informative.push_back(rng.normal() + (sig ? separation : 0.0));
    weak.push_back(rng.normal() + (sig ? 0.3 : 0.0));
    noise1.push_back(rng.normal(100.0, 20.0));
    noise2.push_back(rng.uniform(-1.0, 1.0));
    quality.push_back(0.0);
    energy.push_back(rng.uniform(500.0, 2700.0));
  }
  io::Table t;
  t.add("id", id);
  t.add("informative", informative);
  t.add("weak", weak);
  t.add("noise1", noise1);
  t.add("noise2", noise2);
  t.add("quality", quality);
  t.add("energy_label", energy);
  t.add("psd_label_test", label);
  return t;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("wl_tabular_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace wl::test
