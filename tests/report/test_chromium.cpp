// Renders a page of every report plot in headless Chromium, as PNG and as SVG <img>: each
// image decodes (the page's own script writes the count into the DOM), so the SVG with
// its added <title>/<desc> is still valid SVG for a browser.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "plot_checks.hpp"
#include "synthetic_plots.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/plots.hpp"

namespace fs = std::filesystem;
using namespace wl::report;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

std::string chromium_cmd(const fs::path& profile) {
  return std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --disable-background-networking"
         " --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"
         " --allow-file-access-from-files --virtual-time-budget=5000 --user-data-dir=" +
         profile.string();
}

// A few representative plots (line, log axes, 2-D histogram, categories and colours).
std::vector<Paths> some_plots(const fs::path& dir) {
  const auto d = synthetic_plots(8000);
  const auto roc = wl::eval::roc_curve(d.test.score, d.test.is_signal);
  std::vector<Paths> out;
  out.push_back(plot_loss_curves(d.history, dir / "training", "auc"));
  out.push_back(plot_roc({{"model", &roc, 0.9, 0.2}}, dir / "roc"));
  out.push_back(plot_energy_spectrum(d.energy_kev, d.pass, "cut", dir / "spectrum"));
  out.push_back(plot_avse_vs_energy(d.energy_kev, d.avse, dir / "avse"));
  out.push_back(plot_shap_beeswarm(d.features, d.shap, d.feature_value, dir / "beeswarm"));
  return out;
}

}  // namespace

TEST(Chromium, PlotsDecodeAsPngAndSvg) {
  if (!fs::exists(kChromium)) GTEST_SKIP() << "chromium not installed at " << kChromium;
  const fs::path dir = plot_checks::plot_dir("chromium");
  fs::create_directories(dir / "plots");
  HtmlReport r;
  r.title = "Plots in a browser";
  Section s;
  s.title = "Plots";
  for (const auto& p : some_plots(dir / "plots"))
    for (const auto& f : p)
      s.images.push_back({fs::relative(f, dir).generic_string(), f.filename().string()});
  r.sections.push_back(s);
  write_html(r, dir / "page.html");

  const fs::path dom = dir / "dom.html";
  const std::string dump = chromium_cmd(dir / "profile") + " --dump-dom file://" +
                           (dir / "page.html").string() + " > " + dom.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(dump.c_str()), 0) << dump;
  const std::string html = plot_checks::slurp(dom);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      html, m, std::regex("data-images-loaded=\"(\\d+)\" data-images-total=\"(\\d+)\"")))
      << "the page's image check did not run";
  EXPECT_EQ(std::stoi(m[2]), 10);
  EXPECT_EQ(m[1], m[2]) << "some images failed to decode";
  plot_checks::done_with(dir);
}
