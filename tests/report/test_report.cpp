#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "synthetic_run.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/report/history.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/model_card.hpp"
#include "wavelearn/report/plots.hpp"
#include "wavelearn/report/run_report.hpp"

namespace fs = std::filesystem;
using namespace wl::report;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("wl_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void expect_png_and_svg(const Paths& p) {
  ASSERT_EQ(p.size(), 2u);
  const auto png = slurp(p[0]);
  ASSERT_GT(png.size(), 2000u) << p[0];
  EXPECT_EQ(png.substr(1, 3), "PNG") << p[0];
  const auto svg = slurp(p[1]);
  EXPECT_NE(svg.find("<svg"), std::string::npos) << p[1];
}

}  // namespace

TEST(Plots, WritePngAndSvgAndRefuseOverwrite) {
  const auto dir = fresh_dir("plots");
  const auto in = synthetic_run(2000);
  expect_png_and_svg(plot_loss_curves(in.history, dir / "loss"));
  const auto roc = wl::eval::roc_curve(in.binary->test.score, in.binary->test.is_signal);
  expect_png_and_svg(plot_roc({{"model", &roc}}, dir / "roc"));
  expect_png_and_svg(plot_waveforms(in.waveforms, dir / "wf"));
  expect_png_and_svg(
      plot_energy_spectrum(in.spectrum->energy_kev, in.spectrum->pass, "cut", dir / "spec"));
  EXPECT_THROW(plot_loss_curves(in.history, dir / "loss"), wl::core::InputError);
  EXPECT_NO_THROW(plot_loss_curves(in.history, dir / "loss", true));
  // No temporary files left behind.
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos);
  fs::remove_all(dir);
}

TEST(Html, EscapesTextAndCountsImages) {
  HtmlReport r;
  r.title = "a <b> & c";
  r.sections.push_back(
      {"S", {"x < y"}, {{"t", {"h"}, {{"1.5"}}}}, {{"plots/a.png", "A"}, {"plots/b.png", "B"}}});
  const auto html = render_html(r);
  EXPECT_NE(html.find("a &lt;b&gt; &amp; c"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("<td>1.5</td>"), std::string::npos);
  EXPECT_NE(html.find("id=\"wl-images-total\">2<"), std::string::npos);
  EXPECT_EQ(format_number(std::nan("")), "n/a");
  EXPECT_EQ(format_number(0.123456), "0.1235");
}

TEST(ModelCard, HasEveryMitchellSection) {
  ModelCard c;
  c.name = "m";
  c.unitary_results.push_back({"cap", {"metric", "value"}, {{"AUC", "0.9"}, {"a|b", "1"}}});
  const auto md = render_model_card(c);
  for (const char* h : {"## Model details", "## Intended use", "## Factors", "## Metrics",
                        "## Evaluation data", "## Training data", "## Quantitative analyses",
                        "## Ethical considerations", "## Caveats and recommendations"}) {
    EXPECT_NE(md.find(h), std::string::npos) << h;
  }
  EXPECT_NE(md.find("| AUC | 0.9 |"), std::string::npos);
  EXPECT_NE(md.find("a\\|b"), std::string::npos);
  EXPECT_NE(md.find("Not provided."), std::string::npos);
}

TEST(RunReport, WritesEverySectionAndMetrics) {
  const auto dir = fresh_dir("run");
  const auto in = synthetic_run(3000);
  const auto out = write_run_report(in, dir);
  for (const char* f :
       {"report.html", "MODEL_CARD.md", "plots/loss.png", "plots/roc.svg", "plots/scores.png",
        "plots/confusion.png", "plots/confusion_multiclass.png", "plots/residuals.png",
        "plots/resolution.png", "plots/spectrum.png", "plots/waveforms.png"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  EXPECT_GT(out.metrics["binary"]["roc"]["auc"].get<double>(), 0.8);
  EXPECT_TRUE(out.metrics["binary"].contains("overtraining"));
  EXPECT_EQ(out.metrics["truth"].size(), 2u);
  EXPECT_EQ(out.metrics["regression"]["resolution_at_peaks"].size(), 4u);
  const auto card = slurp(dir / "MODEL_CARD.md");
  EXPECT_NE(card.find("ROC AUC"), std::string::npos);
  EXPECT_NE(card.find("DEP"), std::string::npos);
  EXPECT_THROW(write_run_report(in, dir), wl::core::InputError);  // exists, no force
  EXPECT_NO_THROW(write_run_report(in, dir, true));
  fs::remove_all(dir);
}

TEST(History, ReadsCsvByColumnNameAndRejectsBadRows) {
  const auto dir = fresh_dir("history");
  {
    std::ofstream f(dir / "history.csv");
    f << "epoch,lr,val_loss,train_loss\n1,0.001,0.7,0.8\n2,0.001,,0.5\n";
  }
  const auto rows = read_history_csv(dir / "history.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].epoch, 2);
  EXPECT_DOUBLE_EQ(rows[0].train_loss, 0.8);
  EXPECT_DOUBLE_EQ(rows[0].val_loss, 0.7);
  EXPECT_TRUE(std::isnan(rows[1].val_loss));
  {
    std::ofstream f(dir / "bad.csv");
    f << "epoch,train_loss,val_loss\n1,abc,0.3\n";
  }
  EXPECT_THROW(read_history_csv(dir / "bad.csv"), wl::core::InputError);
  {
    std::ofstream f(dir / "nocol.csv");
    f << "epoch,loss\n1,0.3\n";
  }
  EXPECT_THROW(read_history_csv(dir / "nocol.csv"), wl::core::InputError);
  EXPECT_THROW(read_history_csv(dir / "missing.csv"), wl::core::InputError);
  fs::remove_all(dir);
}

TEST(RunReport, PartialInputsGiveOnlyTheirSections) {
  const auto dir = fresh_dir("partial");
  auto full = synthetic_run(1500);
  RunReportInputs in;
  in.binary = full.binary;
  in.binary->train = {};  // no training scores: no overtraining check
  const auto out = write_run_report(in, dir);
  EXPECT_TRUE(fs::exists(dir / "plots/roc.png"));
  EXPECT_FALSE(fs::exists(dir / "plots/loss.png"));
  EXPECT_FALSE(out.metrics["binary"].contains("overtraining"));
  const auto html = slurp(dir / "report.html");
  EXPECT_EQ(html.find("Regression"), std::string::npos);
  EXPECT_THROW(write_run_report(RunReportInputs{}, fresh_dir("empty")), wl::core::InputError);
  EXPECT_THROW(write_run_report(in, dir / "does-not-exist"), wl::core::InputError);
  fs::remove_all(dir);
  fs::remove_all(fresh_dir("empty"));
}
