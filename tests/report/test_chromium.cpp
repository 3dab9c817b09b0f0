// Renders report.html in headless Chromium: the page loads, every <img> decodes (the
// page's own script writes the count into the DOM), and the tables hold numbers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "synthetic_run.hpp"
#include "wavelearn/report/run_report.hpp"

namespace fs = std::filesystem;

namespace {
constexpr const char* kChromium = "/usr/bin/chromium";

std::string chromium_cmd(const fs::path& profile) {
  return std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --disable-background-networking"
         " --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"
         " --allow-file-access-from-files --virtual-time-budget=5000 --user-data-dir=" +
         profile.string();
}
}  // namespace

TEST(Chromium, ReportRendersWithAllImagesAndNumbers) {
  if (!fs::exists(kChromium)) GTEST_SKIP() << "chromium not installed at " << kChromium;
  const fs::path dir =
      fs::temp_directory_path() / ("wl_report_chromium_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "profile");
  const auto out = wl::report::write_run_report(synthetic_run(4000), dir);
  const std::string url = "file://" + (dir / "report.html").string();

  const fs::path dom = dir / "dom.html";
  const std::string dump =
      chromium_cmd(dir / "profile") + " --dump-dom " + url + " > " + dom.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(dump.c_str()), 0) << dump;
  std::stringstream ss;
  ss << std::ifstream(dom).rdbuf();
  const std::string html = ss.str();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      html, m, std::regex("data-images-loaded=\"(\\d+)\" data-images-total=\"(\\d+)\"")))
      << "the page's image check did not run";
  EXPECT_GE(std::stoi(m[2]), 8);
  EXPECT_EQ(m[1], m[2]) << "some images failed to load";
  // Table cells with numbers, e.g. the AUC.
  EXPECT_TRUE(std::regex_search(html, std::regex("<td>ROC AUC</td><td>0\\.\\d+</td>")));
  EXPECT_TRUE(std::regex_search(html, std::regex("<td>TP</td><td>\\d+</td>")));

  const fs::path shot = dir / "screenshot.png";
  const std::string cmd = chromium_cmd(dir / "profile") +
                          " --window-size=1200,3000 --screenshot=" + shot.string() + " " + url +
                          " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 50000u);  // a blank page is a few kB
  // Keep the screenshot for a person to look at when asked.
  if (const char* keep = std::getenv("WL_KEEP_REPORT")) {
    fs::remove_all(keep);
    fs::copy(dir, keep, fs::copy_options::recursive);
  }
  fs::remove_all(dir);
}
