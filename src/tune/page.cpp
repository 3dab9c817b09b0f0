// tune.html: the validation metric of every trial against each parameter, coloured by the
// rung the trial reached, the best trial marked; then the trials as a table.
#include <cctype>
#include <cmath>
#include <filesystem>

#include "state.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::tune::detail {

namespace fs = std::filesystem;
using report::Figure;
using report::Series;

namespace {

bool categorical(const Parameter& p) {
  if (p.distribution != Distribution::kChoice) return false;
  if (p.keys.size() > 1) return true;
  for (const auto& c : p.choices)
    if (c[0].empty() || (!std::isdigit(static_cast<unsigned char>(c[0][0])) && c[0][0] != '-' && c[0][0] != '.'))
      return true;
  return false;
}

// Whether a trial's value has a place on the parameter's axis: the base trial's value may be
// none of a choice's options, or a reader's default the configuration does not spell out.
bool on_axis(const Draw& d, bool cat) { return cat ? d.choice >= 0 : std::isfinite(d.number); }

std::string short_text(const std::vector<std::string>& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : " ") + v;
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// One point series per rung reached, then the best trial as a star on top.
Figure parameter_figure(const TuneState& s, std::size_t i) {
  const auto& p = s.space.parameters[i];
  const bool cat = categorical(p);
  Figure f;
  f.title = p.name + " (" + to_string(p.distribution) + ")";
  const std::string metric = "validation " + s.metric;
  f.x_label = cat ? metric : p.name;
  f.y_label = cat ? "" : metric;
  f.log_x = !cat && p.distribution == Distribution::kLogUniform;
  if (cat)
    for (const auto& c : p.choices) f.y_categories.push_back(short_text(c));
  for (std::size_t rung = 1; rung <= s.rungs.size(); ++rung) {
    Series ser;
    ser.label = "reached rung " + std::to_string(rung) + " (" + std::to_string(s.rungs[rung - 1]) + " epochs)";
    ser.style = report::SeriesStyle::kPoints;
    ser.color = static_cast<int>(rung);
    for (const auto& t : s.trials) {
      if (t.rungs.size() != rung || !std::isfinite(t.rungs.back().val_metric) || !on_axis(t.draws[i], cat)) continue;
      const double value = t.draws[i].number, m = t.rungs.back().val_metric;
      ser.x.push_back(cat ? m : value);
      ser.y.push_back(cat ? double(t.draws[i].choice) : m);
    }
    if (!ser.x.empty()) f.series.push_back(ser);
  }
  if (s.best >= 0 && on_axis(s.trials[static_cast<std::size_t>(s.best)].draws[i], cat)) {
    const auto& b = s.trials[static_cast<std::size_t>(s.best)];
    const double m = b.rungs.back().val_metric;
    Series star;
    star.label = "best (" + trial_name(s.best) + ")";
    star.x = {cat ? m : b.draws[i].number};
    star.y = {cat ? double(b.draws[i].choice) : m};
    star.color = 4;
    star.style = report::SeriesStyle::kPoints;
    star.marker = report::Marker::kStar;
    star.marker_scale = 2.0;
    f.series.push_back(star);
  }
  return f;
}

report::Table trials_table(const TuneState& s) {
  report::Table t;
  t.caption = "Trials (trials.csv): the validation figures of the last rung each reached";
  t.header = {"trial"};
  for (const auto& p : s.space.parameters) t.header.push_back(p.name);
  for (const char* h : {"epochs", "rung", "val metric", "val loss", "status"}) t.header.push_back(h);
  t.header[t.header.size() - 3] = "val " + s.metric;
  for (const auto& tr : s.trials) {
    std::vector<std::string> row{trial_name(tr.index)};
    for (const auto& d : tr.draws) row.push_back(d.text);
    const bool any = !tr.rungs.empty();
    row.push_back(any ? std::to_string(tr.rungs.back().epochs_done) : "");
    row.push_back(std::to_string(tr.rungs.size()));
    row.push_back(any ? report::format_number(tr.rungs.back().val_metric) : "");
    row.push_back(any ? report::format_number(tr.rungs.back().val_loss) : "");
    row.push_back(trial_status(s, tr));
    t.rows.push_back(row);
  }
  return t;
}

}  // namespace

void write_tune_page(const TuneState& s, double test) {
  fs::create_directories(s.out / "plots");
  report::HtmlReport page;
  page.title = "wavelearn tune: " + s.out.filename().string();
  std::string rungs;
  for (const auto e : s.rungs) rungs += (rungs.empty() ? "" : ", ") + std::to_string(e);
  page.subtitle = std::to_string(s.trials.size()) + " trials, successive halving with eta " +
                  std::to_string(s.settings.eta) + " over rungs of " + rungs + " epochs, seed " +
                  std::to_string(s.settings.seed);
  const auto& b = s.trials[static_cast<std::size_t>(s.best)];
  report::Section summary{"Best trial", {}, {}, {}, {}, {}};
  summary.paragraphs.push_back(trial_name(s.best) + ": validation " + s.metric + " " +
                               report::format_number(b.rungs.back().val_metric) + " after " +
                               std::to_string(b.rungs.back().epochs_done) + " epochs; test " + s.metric + " " +
                               report::format_number(test) + " (from its evaluation; selection used validation "
                               "events only). best.toml is its configuration.");
  summary.links.push_back({trial_name(s.best) + "/report.html", "the best trial's report"});
  page.sections.push_back(summary);
  report::Section plots{"Validation " + s.metric + " against each parameter", {}, {}, {}, {}, {}};
  plots.paragraphs.push_back("Each point is a trial at the last rung it reached; trials halted early were trained "
                             "for fewer epochs, so compare points of one colour.");
  for (std::size_t i = 0; i < s.space.parameters.size(); ++i) {
    const auto files = report::render_figure(parameter_figure(s, i), s.out / "plots" / ("tune_param_" + std::to_string(i)));
    plots.images.push_back({fs::relative(files.front(), s.out).string(), s.space.parameters[i].name});
  }
  page.sections.push_back(plots);
  page.sections.push_back({"Trials", {}, {trials_table(s)}, {}, {}, {}});
  report::write_html(page, s.out / "tune.html");
}

}  // namespace wl::tune::detail
