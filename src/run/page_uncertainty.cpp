// The page's uncertainty section: the reliability diagram before and after temperature
// scaling, and the coverage of the conformal sets or intervals.
#include <cctype>

#include "page_sections.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::run {

namespace {

report::Series reliability_points(const std::vector<eval::ReliabilityBin>& bins, const std::string& label, int color,
                                  report::Marker marker) {
  report::Series s{label, {}, {}, color, report::SeriesStyle::kPoints};
  s.marker = marker;
  for (const auto& b : bins)
    if (b.n > 0) s.x.push_back(b.mean_score), s.y.push_back(b.fraction_positive);
  return s;
}

report::Image reliability_plot(const BinaryCalibration& b, const RunDir& out) {
  report::Figure f;
  f.title = "Reliability on the evaluated events: " + b.label;
  f.x_label = "mean score in the bin";
  const bool top_label = b.label.find("(top label)") != std::string::npos;  // multiclass
  f.y_label = top_label ? "fraction where the top class is right" : "fraction with " + b.label + " = 1";
  f.series.push_back({"perfectly calibrated", {0.0, 1.0}, {0.0, 1.0}, 7, report::SeriesStyle::kLine, true, 1.0});
  f.series.push_back(reliability_points(b.before, "model (ECE " + report::format_number(b.ece_before, 3) + ")", 1,
                                        report::Marker::kCircle));
  f.series.push_back(reliability_points(b.after, "temperature " + report::format_number(b.temperature, 3) + " (ECE " +
                                                     report::format_number(b.ece_after, 3) + ")",
                                        2, report::Marker::kSquare));
  f.x_lo = f.y_lo = 0.0;
  f.x_hi = f.y_hi = 1.0;
  f.legend = report::LegendPos::kTopLeft;
  std::string file = "reliability_" + b.label;
  for (auto& ch : file)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
  return image_of(report::render_figure(f, out.plots_dir() / file), out,
                  "Reliability diagram of " + b.label + ", before and after temperature scaling");
}

report::Table conformal_table(const nlohmann::json& c) {
  report::Table t{"Split-conformal prediction (fitted on the validation events, measured on the evaluated events)",
                  {"target", "1 - alpha", "coverage [95 % CI]", c.contains("mean_set_size") ? "mean set size"
                                                                                           : "mean interval width"},
                  {}};
  const std::string interval = ci_percent_text(c["coverage_ci95"]);
  const auto width = c.contains("mean_set_size")       ? c["mean_set_size"]
                     : c.contains("mean_interval_kev") ? c["mean_interval_kev"]
                                                       : c.value("mean_interval_width", nlohmann::json());
  t.rows.push_back({c.value("label", c.value("target", std::string())), percent_text(1.0 - c["alpha"].get<double>()),
                    percent_text(c["coverage"].get<double>()) + interval,
                    width.is_number() ? report::format_number(width.get<double>(), 4) : "n/a"});
  return t;
}

std::string number_or_na(const nlohmann::json& j, const std::string& key) {
  return j.contains(key) && j[key].is_number() ? report::format_number(j[key].get<double>(), 4) : "n/a";
}

// The intervals a quantile or gaussian head predicts per event: how often they hold the truth.
report::Table head_interval_table(const nlohmann::json& u) {
  report::Table t{"Intervals predicted per event by the model's head, measured on the evaluated events (no fit)",
                  {"interval", "nominal coverage", "coverage [95 % CI]", "events", "mean width"},
                  {}};
  if (u.contains("quantile") && u["quantile"].contains("coverage_68")) {
    const auto& q = u["quantile"];
    const auto& lv = q["interval_levels"];
    const bool kev = q.contains("mean_interval_kev");
    const auto& c = q["coverage_68"];
    t.rows.push_back({q.value("target", std::string()) + " quantiles [" +
                          report::format_number(lv[0].get<double>(), 3) + ", " +
                          report::format_number(lv[1].get<double>(), 3) + "]",
                      percent_text(q["nominal_coverage"].get<double>()),
                      c.is_number() ? percent_text(c.get<double>()) + ci_percent_text(q["coverage_68_ci95"]) : "n/a",
                      std::to_string(q["n_events"].get<std::size_t>()),
                      number_or_na(q, kev ? "mean_interval_kev" : "mean_interval") + (kev ? " keV" : "")});
  }
  if (u.contains("gaussian")) {
    const auto& g = u["gaussian"];
    const bool kev = g.contains("mean_sigma_kev");
    const std::string sigma = number_or_na(g, kev ? "mean_sigma_kev" : "mean_sigma");
    for (const int k : {1, 2}) {
      const std::string key = "coverage_" + std::to_string(k) + "sigma";
      t.rows.push_back({g.value("target", std::string()) + " mean +- " + std::to_string(k) + " sigma",
                        percent_text(g["nominal_" + std::to_string(k) + "sigma"].get<double>()),
                        g[key].is_number() ? percent_text(g[key].get<double>()) + ci_percent_text(g[key + "_ci95"]) : "n/a",
                        std::to_string(g["n_events"].get<std::size_t>()),
                        (k == 1 ? "mean sigma " : "") + sigma + (kev ? " keV" : "")});
    }
  }
  return t;
}

// Mean spread in bins of the score: an ensemble is unsure between the classes, and a
// spread that stays large at scores near 0 or 1 marks confident but disputed events.
report::Image spread_plot(const Uncertainty& u, const RunDir& out) {
  report::Figure f;
  f.title = "Spread against score on the evaluated events";
  f.x_label = u.spread_of + " (bin)";
  f.y_label = "mean " + u.spread_column;
  report::Series s{u.spread_column, {}, {}, 1, report::SeriesStyle::kPoints};
  s.marker = report::Marker::kCircle;
  for (const auto& b : u.spread_profile)
    if (b.n > 0) s.x.push_back(0.5 * (b.lo + b.hi)), s.y.push_back(b.mean_spread);
  f.series.push_back(s);
  f.x_lo = 0.0;
  f.x_hi = 1.0;
  f.y_lo = 0.0;
  return image_of(report::render_figure(f, out.plots_dir() / "spread_vs_score"), out,
                  "Mean " + u.spread_column + " in bins of " + u.spread_of);
}

// An ensemble's spread and the out-of-distribution check against a shifted detector.
report::Table spread_table(const Uncertainty& u) {
  report::Table t{"Out-of-distribution check: test events against events of a shifted detector (" + u.ood_file + ")",
                  {"uncertainty score", "mean on test events", "mean on shifted events", "AUROC"},
                  {}};
  for (const auto& o : u.ood)
    t.rows.push_back({o.name, report::format_number(o.mean_nominal, 4), report::format_number(o.mean_shifted, 4),
                      report::format_number(o.auroc, 3)});
  return t;
}

void add_spread(const Uncertainty& u, report::Section& s, const RunDir& out) {
  if (!u.spread_profile.empty()) s.images.push_back(spread_plot(u, out));
  if (u.json.contains("ensemble") && u.json["ensemble"].contains("mean_score_std"))
    s.paragraphs.push_back("A deep ensemble of " + u.json["ensemble"]["members"].dump() +
                           " networks trained from different seeds: the score is their mean, score_std their spread "
                           "(mean " + report::format_number(u.json["ensemble"]["mean_score_std"].get<double>(), 4) +
                           " on the evaluated events). Members disagree most where the training data say least.");
  if (u.ood.empty()) return;
  s.paragraphs.push_back("An AUROC of 0.5 means the uncertainty does not tell the shifted detector's events from the "
                         "test events; 1 means it always does; below 0.5 the model is surer of the shifted events "
                         "than of its test events. A model deployed on a detector unlike its training data should "
                         "say so through a larger spread or entropy.");
  s.tables.push_back(spread_table(u));
}

}  // namespace

std::vector<report::Section> uncertainty_sections(const PageInputs& in, const RunDir& out) {
  if (!in.uncertainty || (in.uncertainty->json.empty() && in.uncertainty->spread_profile.empty())) return {};
  report::Section s;
  s.title = "Uncertainty: calibration and conformal prediction";
  s.paragraphs.push_back("A score is a probability only if, among events scored p, a fraction p carry the label. "
                         "Temperature scaling (one parameter, fitted on the validation events) corrects an over- or "
                         "under-confident model without changing its ranking, so AUC and working point are "
                         "unchanged. Conformal sets or intervals cover the truth with probability at least 1 - alpha "
                         "on exchangeable events.");
  for (const auto& b : in.uncertainty->binary) {
    s.images.push_back(reliability_plot(b, out));
    if (b.ece_after > b.ece_before)
      s.warnings.push_back(b.label + ": temperature scaling raised the expected calibration error on the evaluated "
                           "events (" + report::format_number(b.ece_before, 3) + " to " +
                           report::format_number(b.ece_after, 3) + ").");
  }
  if (in.uncertainty->json.contains("conformal")) s.tables.push_back(conformal_table(in.uncertainty->json["conformal"]));
  if (const auto t = head_interval_table(in.uncertainty->json); !t.rows.empty()) {
    s.paragraphs.push_back("The quantile and gaussian heads predict an interval for every event. Calibrated intervals "
                           "hold the truth in the nominal fraction of events; fewer means the model is over-confident, "
                           "more that its intervals are wider than they need to be.");
    s.tables.push_back(t);
  }
  add_spread(*in.uncertainty, s, out);
  return {s};
}

}  // namespace wl::run
