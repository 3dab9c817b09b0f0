// label_efficiency.json and label_efficiency.html of the study.
#include <algorithm>
#include <cmath>

#include "wavelearn/eval/json.hpp"
#include "wavelearn/pretrain/label_efficiency.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::pretrain {

namespace {

// The largest fraction the criterion looks at: "2 or more fractions <= 10 %".
constexpr double kSmallFraction = 0.1;

struct Spread {
  double mean = std::nan(""), min = std::nan(""), max = std::nan("");
  int n = 0;  // seeds with a defined AUC
};

Spread spread(const std::vector<double>& v) {
  Spread s;
  double sum = 0;
  for (const double x : v) {
    if (!std::isfinite(x)) continue;
    s.min = s.n ? std::min(s.min, x) : x;
    s.max = s.n ? std::max(s.max, x) : x;
    sum += x;
    ++s.n;
  }
  if (s.n) s.mean = sum / s.n;
  return s;
}

nlohmann::json values(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const double x : v) a.push_back(eval::finite_or_null(x));
  return a;
}

const StudyRow* row_at(const std::vector<StudyRow>& rows, double fraction) {
  for (const auto& r : rows)
    if (std::fabs(r.fraction - fraction) <= 1e-9 * fraction) return &r;
  return nullptr;
}

// Pretrained with N labels against scratch with 2N, wherever 2f is also a studied fraction.
nlohmann::json doubling(const std::vector<StudyRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    const auto* twice = row_at(rows, 2 * r.fraction);
    if (!twice) continue;
    const double pre = spread(r.auc_pretrained).mean, scratch2 = spread(twice->auc_scratch).mean;
    out.push_back({{"fraction", r.fraction}, {"n_labels", r.n_labels}, {"auc_pretrained", eval::finite_or_null(pre)},
                   {"scratch_fraction", twice->fraction}, {"scratch_n_labels", twice->n_labels},
                   {"auc_scratch_2n", eval::finite_or_null(scratch2)},
                   {"pretrained_matches_scratch_2n", std::isfinite(pre) && std::isfinite(scratch2) && pre >= scratch2}});
  }
  return out;
}

nlohmann::json row_json(const StudyRow& r) {
  const auto s = spread(r.auc_scratch), p = spread(r.auc_pretrained);
  return {{"fraction", r.fraction},
          {"n_labels", r.n_labels},
          {"auc_scratch", eval::finite_or_null(s.mean)},
          {"auc_scratch_min", eval::finite_or_null(s.min)},
          {"auc_scratch_max", eval::finite_or_null(s.max)},
          {"auc_pretrained", eval::finite_or_null(p.mean)},
          {"auc_pretrained_min", eval::finite_or_null(p.min)},
          {"auc_pretrained_max", eval::finite_or_null(p.max)},
          {"auc_scratch_per_seed", values(r.auc_scratch)},
          {"auc_pretrained_per_seed", values(r.auc_pretrained)}};
}

report::Series arm_series(const std::vector<StudyRow>& rows, bool pretrained) {
  report::Series s;
  s.label = pretrained ? "fine-tuned from the pretrained encoder" : "from scratch";
  s.color = pretrained ? 4 : 1;
  s.style = report::SeriesStyle::kLine;
  s.dashed = !pretrained;
  for (const auto& r : rows) {
    const auto a = spread(pretrained ? r.auc_pretrained : r.auc_scratch);
    if (!std::isfinite(a.mean) || r.n_labels == 0) continue;
    s.x.push_back(static_cast<double>(r.n_labels));
    s.y.push_back(a.mean);
    s.y_bar_lo.push_back(a.min);
    s.y_bar_hi.push_back(a.max);
  }
  return s;
}

}  // namespace

nlohmann::json study_json(const StudyOptions& o, const std::vector<StudyRow>& rows) {
  nlohmann::json j;
  j["format"] = "wavelearn-label-efficiency";
  j["version"] = 1;
  j["config"] = o.config.string();
  j["overrides"] = o.sets;
  j["pretrained_run"] = std::filesystem::absolute(o.pretrained).lexically_normal().string();
  j["data_file"] = o.data;
  j["seeds"] = o.seeds;
  j["metric"] = "test ROC AUC (the same held-out test events for every run)";
  j["interval"] = "mean over the seeds, with the smallest and largest seed's value (min, max); each seed draws its "
                  "own labelled subset (data.label_seed) and initialisation (train.init_seed), shared by both arms";
  j["rows"] = nlohmann::json::array();
  for (const auto& r : rows) j["rows"].push_back(row_json(r));
  const auto d = doubling(rows);
  int met = 0;
  for (const auto& x : d)
    if (x["fraction"].get<double>() <= kSmallFraction + 1e-12 && x["pretrained_matches_scratch_2n"].get<bool>()) ++met;
  j["pretrained_n_vs_scratch_2n"] = d;
  j["criterion"] = {{"text", "pretrained with N labels matches or beats scratch with 2N labels (mean test AUC) at 2 or "
                             "more fractions <= 10 %"},
                    {"fractions_meeting_it", met},
                    {"met", met >= 2}};
  return j;
}

void write_study_page(const StudyOptions& o, const std::vector<StudyRow>& rows, const nlohmann::json& summary) {
  report::Figure fig;
  fig.title = "Test AUC against the number of labelled training events";
  fig.x_label = "labelled training events";
  fig.y_label = "test ROC AUC (mean; bars: min to max over seeds)";
  fig.log_x = true;
  fig.series = {arm_series(rows, false), arm_series(rows, true)};
  // A margin of a factor 1.5 on the log axis, so the end points and their bars stay inside.
  for (const auto& r : rows) {
    if (r.n_labels == 0) continue;
    const double n = static_cast<double>(r.n_labels);
    fig.x_lo = fig.x_lo > 0 ? std::min(fig.x_lo, n / 1.5) : n / 1.5;
    fig.x_hi = std::max(fig.x_hi, n * 1.5);
  }
  fig.legend = report::LegendPos::kBottomRight;
  std::filesystem::create_directories(o.out / "plots");
  report::render_figure(fig, o.out / "plots" / "auc_vs_labels");

  report::Section s;
  s.title = "Label efficiency";
  s.paragraphs.push_back("Config " + o.config.string() + " on " + o.data + "; pretrained run " +
                         summary["pretrained_run"].get<std::string>() + "; " + std::to_string(o.seeds) +
                         " seeds. " + summary["interval"].get<std::string>() + ".");
  const auto& c = summary["criterion"];
  s.paragraphs.push_back(c["text"].get<std::string>() + ": " + (c["met"].get<bool>() ? "met" : "not met") + " (" +
                         std::to_string(c["fractions_meeting_it"].get<int>()) + " fractions).");
  s.images.push_back({"plots/auc_vs_labels.png", "AUC against labels (log x)"});
  report::Table t;
  t.caption = "Test AUC per fraction of the labelled training events";
  t.header = {"fraction", "labels", "scratch mean [min, max]", "pretrained mean [min, max]"};
  for (const auto& r : rows) {
    const auto a = spread(r.auc_scratch), b = spread(r.auc_pretrained);
    auto cell = [](const Spread& x) {
      return report::format_number(x.mean) + " [" + report::format_number(x.min) + ", " + report::format_number(x.max) + "]";
    };
    t.rows.push_back({report::format_number(r.fraction), std::to_string(r.n_labels), cell(a), cell(b)});
  }
  s.tables.push_back(t);
  report::HtmlReport page;
  page.title = "wavelearn label efficiency";
  page.subtitle = o.out.string();
  page.sections.push_back(s);
  report::write_html(page, o.out / "label_efficiency.html");
}

}  // namespace wl::pretrain
