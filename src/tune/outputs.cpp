// trials.csv, tune.json and best.toml from the tune's state.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "state.hpp"
#include "wavelearn/core/atomic_file.hpp"

namespace wl::tune::detail {

namespace fs = std::filesystem;

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

double total_seconds(const Trial& t) {
  double s = 0.0;
  for (const auto& r : t.rungs) s += r.seconds;
  return s;
}

nlohmann::json parameters_json(const Trial& t) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto& d : t.draws) p[d.name] = d.text;
  return p;
}

nlohmann::json best_json(const TuneState& s, double test) {
  if (s.best < 0) return nullptr;
  const auto& t = s.trials[static_cast<std::size_t>(s.best)];
  const auto& r = t.rungs.back();
  return {{"trial", s.best}, {"dir", trial_name(s.best)}, {"parameters", parameters_json(t)},
          {"assignments", t.assignments}, {"epochs", r.epochs_done}, {"rung", t.rungs.size()},
          {"val_" + s.metric, number_or_null(r.val_metric)}, {"val_loss", number_or_null(r.val_loss)},
          {"test_" + s.metric, number_or_null(test)},
          {"test_note", std::isfinite(test) ? "from the trial's evaluation (metrics.json test block); never used "
                                              "to select"
                                            : "the best trial's run has no test figure (no test part?)"}};
}

}  // namespace

std::string trial_status(const TuneState& s, const Trial& t) {
  const int member = s.last_member[static_cast<std::size_t>(t.index)];
  if (t.rungs.empty() || static_cast<int>(t.rungs.size()) <= member) return "pending";
  if (t.failed()) return "failed";
  if (t.rungs.size() == s.rungs.size()) return "completed";
  // Admitted to no further rung: halted by the halving, once its rung is decided.
  return s.status == "finished" ? "halted" : "pending";
}

int best_trial(const TuneState& s) {
  for (std::size_t rung = s.rungs.size(); rung-- > 0;) {
    int best = -1;
    double value = 0.0;
    for (const auto& t : s.trials) {
      const double m = t.metric_at(rung);
      if (!std::isfinite(m) || t.rungs.size() != rung + 1) continue;
      if (best < 0 || (s.higher_is_better ? m > value : m < value)) best = t.index, value = m;
    }
    if (best >= 0) return best;
  }
  return -1;
}

void write_trials_csv(const TuneState& s) {
  const std::string metric = s.metric.empty() ? "metric" : s.metric;
  std::ostringstream out;
  out << "trial";
  for (const auto& p : s.space.parameters) out << "," << csv_field(p.name);
  out << ",epochs,rung,val_" << metric << ",val_loss,status,seconds\n";
  for (const auto& t : s.trials) {
    out << t.index;
    for (const auto& d : t.draws) out << "," << csv_field(d.text);
    const bool any = !t.rungs.empty();
    out << "," << (any ? std::to_string(t.rungs.back().epochs_done) : "") << "," << t.rungs.size() << ","
        << (any ? number(t.rungs.back().val_metric) : "") << "," << (any ? number(t.rungs.back().val_loss) : "")
        << "," << trial_status(s, t) << "," << number(total_seconds(t)) << "\n";
  }
  core::write_text_atomically(s.out / "trials.csv", out.str());
}

double test_metric_of(const TuneState& s, int trial) {
  std::ifstream in(trial_dir(s.out, trial) / "metrics.json");
  if (!in) return std::numeric_limits<double>::quiet_NaN();
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.contains("test") && j["test"].contains(s.metric) && j["test"][s.metric].is_number())
      return j["test"][s.metric].get<double>();
  } catch (const nlohmann::json::exception&) {
  }
  return std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json tune_json(const TuneState& s, double test) {
  const auto& st = s.settings;
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : s.trials)
    trials.push_back({{"trial", t.index}, {"status", trial_status(s, t)}, {"rung", t.rungs.size()},
                      {"epochs", t.rungs.empty() ? 0 : t.rungs.back().epochs_done},
                      {"val_metric", t.rungs.empty() ? nlohmann::json() : number_or_null(t.rungs.back().val_metric)},
                      {"error", t.failed() ? t.rungs.back().error : ""}});
  return {{"format", "wavelearn-tune"}, {"version", 1}, {"status", s.status},
          {"settings", {{"seed", st.seed}, {"trials", st.trials}, {"eta", st.eta}, {"min_epochs", st.min_epochs},
                        {"max_epochs", st.max_epochs}, {"rungs", s.rungs}, {"threads", st.threads},
                        {"base_config", st.base_config}, {"space", st.space}, {"data_file", st.data_file}}},
          {"metric", s.metric}, {"higher_is_better", s.higher_is_better}, {"selection", "validation " + s.metric +
           " of the best weights (metrics.json training block); test events are never used to select"},
          {"best", best_json(s, test)}, {"trials", trials}, {"seconds", s.seconds}};
}

void write_best_toml(const TuneState& s, double test) {
  const auto& t = s.trials[static_cast<std::size_t>(s.best)];
  std::ifstream in(trial_dir(s.out, s.best) / "config.toml");
  std::stringstream config;
  config << in.rdbuf();
  char head[512];
  std::snprintf(head, sizeof head,
                "# The best trial of `wavelearn tune` in %s: %s, validation %s %s after %d epochs (test %s %s).\n"
                "# Its resolved configuration: `wavelearn train --config best.toml --out RUN` trains it again\n"
                "# (the same figures with the same --threads).\n",
                s.out.string().c_str(), trial_name(s.best).c_str(), s.metric.c_str(),
                number(t.rungs.back().val_metric).c_str(), t.rungs.back().epochs_done, s.metric.c_str(),
                std::isfinite(test) ? number(test).c_str() : "n/a");
  core::write_text_atomically(s.out / "best.toml", head + config.str());
}

}  // namespace wl::tune::detail
