// The page's uncertainty section: the reliability diagram before and after temperature
// scaling, and the coverage of the conformal sets or intervals.
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
  f.y_label = "fraction with " + b.label + " = 1";
  f.series.push_back({"perfectly calibrated", {0.0, 1.0}, {0.0, 1.0}, 7, report::SeriesStyle::kLine, true, 1.0});
  f.series.push_back(reliability_points(b.before, "model (ECE " + report::format_number(b.ece_before, 3) + ")", 1,
                                        report::Marker::kCircle));
  f.series.push_back(reliability_points(b.after, "temperature " + report::format_number(b.temperature, 3) + " (ECE " +
                                                     report::format_number(b.ece_after, 3) + ")",
                                        2, report::Marker::kSquare));
  f.x_lo = f.y_lo = 0.0;
  f.x_hi = f.y_hi = 1.0;
  f.legend = report::LegendPos::kTopLeft;
  return image_of(report::render_figure(f, out.plots_dir() / ("reliability_" + b.label)), out,
                  "Reliability diagram of " + b.label + ", before and after temperature scaling");
}

std::string percent(double v) { return report::format_number(100.0 * v, 3) + " %"; }

report::Table conformal_table(const nlohmann::json& c) {
  report::Table t{"Split-conformal prediction (fitted on the validation events, measured on the evaluated events)",
                  {"target", "1 - alpha", "coverage [95 % CI]", c.contains("mean_set_size") ? "mean set size"
                                                                                           : "mean interval width"},
                  {}};
  const auto& ci = c["coverage_ci95"];
  const std::string interval = ci[0].is_number() && ci[1].is_number()
                                   ? " [" + percent(ci[0].get<double>()) + ", " + percent(ci[1].get<double>()) + "]"
                                   : "";
  const auto width = c.contains("mean_set_size") ? c["mean_set_size"] : c["mean_interval_width"];
  t.rows.push_back({c.value("label", c.value("target", std::string())), percent(1.0 - c["alpha"].get<double>()),
                    percent(c["coverage"].get<double>()) + interval,
                    width.is_number() ? report::format_number(width.get<double>(), 4) : "n/a"});
  return t;
}

}  // namespace

std::vector<report::Section> uncertainty_sections(const PageInputs& in, const RunDir& out) {
  if (!in.uncertainty || in.uncertainty->json.empty()) return {};
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
  return {s};
}

}  // namespace wl::run
