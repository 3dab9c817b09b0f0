#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/report/history.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/model_card.hpp"

namespace fs = std::filesystem;
using namespace wl::report;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("wl_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(Html, EscapesTextAndCountsImages) {
  HtmlReport r;
  r.title = "a <b> & c";
  Section s;
  s.title = "S";
  s.paragraphs = {"x < y"};
  s.tables = {{"t", {"h"}, {{"1.5"}}}};
  s.images = {{"plots/a.png", "A"}, {"plots/b.png", "B"}};
  r.sections.push_back(s);
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

TEST(History, ReadsCsvByColumnNameAndRejectsBadRows) {
  const auto dir = fresh_dir("history");
  {
    std::ofstream f(dir / "history.csv");
    f << "epoch,lr,val_loss,train_loss\n1,0.001,0.7,0.8\n2,0.001,,0.5\n";
  }
  std::string metric = "unset";
  const auto rows = read_history_csv(dir / "history.csv", &metric);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].epoch, 2);
  EXPECT_DOUBLE_EQ(rows[0].train_loss, 0.8);
  EXPECT_DOUBLE_EQ(rows[0].val_loss, 0.7);
  EXPECT_TRUE(std::isnan(rows[1].val_loss));
  EXPECT_TRUE(std::isnan(rows[0].val_metric));  // boosting: losses only
  EXPECT_EQ(metric, "");
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

TEST(History, ReadsTheValidationMetricOfNeuralRuns) {
  const auto dir = fresh_dir("history_metric");
  {
    std::ofstream f(dir / "history.csv");
    f << "epoch,train_loss,val_loss,val_auc,lr,seconds\n1,0.6,0.65,0.81,0.001,3.2\n2,0.5,0.55,nan,"
         "0.001,3.1\n";
  }
  std::string metric;
  const auto rows = read_history_csv(dir / "history.csv", &metric);
  EXPECT_EQ(metric, "auc");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].val_metric, 0.81);
  EXPECT_TRUE(std::isnan(rows[1].val_metric));
  EXPECT_EQ(read_history_csv(dir / "history.csv").size(), 2u);  // the name is optional
  fs::remove_all(dir);
}
