// leaderboard.html and the printed table, both read from leaderboard.json's content.
#include <cmath>
#include <cstdio>

#include "leaderboard.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::study::detail {

namespace {

using nlohmann::json;

std::string num(const json& v, const char* fmt, double scale = 1.0) {
  if (!v.is_number()) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, fmt, scale * v.get<double>());
  return b;
}

std::string auc_cell(const json& c) {
  std::string s = num(c["auc"], "%.4f") + " [" + num(c["auc_ci95"][0], "%.4f") + ", " + num(c["auc_ci95"][1], "%.4f") + "]";
  if (c["auc_seed_std"].is_number()) s += " sd " + num(c["auc_seed_std"], "%.4f");
  return s;
}

std::string sse_cell(const json& c) {
  if (!c["sse_efficiency"].is_number()) return "no truth";
  std::string s = num(c["sse_efficiency"], "%.1f", 100) + "% [" + num(c["sse_efficiency_ci95"][0], "%.1f", 100) + ", " +
                  num(c["sse_efficiency_ci95"][1], "%.1f", 100) + "]";
  if (!c.value("working_point_matched", true)) s += " (unmatched)";
  return s;
}

std::string cell_text(const json& board, const std::string& model, const std::string& label) {
  const auto c = board["cells"].value(model, json::object()).value(label, json());
  if (!c.is_object()) return "";
  std::string s = "AUC " + auc_cell(c) + "; SSE " + sse_cell(c);
  if (!c["circular_inputs"].empty()) s += " (inputs from the label's cut)";
  return s;
}

report::Table leaderboard_table(const json& board) {
  report::Table t;
  t.caption = "Test AUC [95 % bootstrap interval, mean of the seeds' bounds] sd (the seeds' spread); SSE: true "
              "single-site efficiency of all common test events at the A/E DEP working point [Clopper-Pearson 95 %]";
  t.header = {"model"};
  for (const auto& l : board["labels"]) t.header.push_back(l.get<std::string>());
  t.header.push_back("train s per seed");
  for (const auto& m : board["models"]) {
    const auto name = m["name"].get<std::string>();
    std::vector<std::string> row{name + " (" + m["family"].get<std::string>() +
                                 (m["inputs"] == "without_label" ? ", without the label's inputs" : "") + ")"};
    for (const auto& l : board["labels"]) row.push_back(cell_text(board, name, l.get<std::string>()));
    row.push_back(num(m["train_seconds_per_seed"], "%.0f") + (m["multitask"].get<bool>() ? " (one run, every label)" : ""));
    t.rows.push_back(row);
  }
  std::vector<std::string> ref{"A/E cut (reference, SSE only)"};
  for (const auto& c : board["columns"])
    ref.push_back("SSE " + num(c["ae_cut_sse"]["value"], "%.1f", 100) + "% [" + num(c["ae_cut_sse"]["ci95"][0], "%.1f", 100) +
                  ", " + num(c["ae_cut_sse"]["ci95"][1], "%.1f", 100) + "]");
  ref.push_back("");
  t.rows.push_back(ref);
  return t;
}

report::Section verdict_section(const json& board) {
  report::Section s{"Verdict: the best network against the tabular model without the label's inputs", {}, {}, {}, {}, {}};
  s.paragraphs.push_back(board["verdict"].value("text", ""));
  for (const auto& v : board.value("verdicts", json::array()))
    s.paragraphs.push_back(v["label"].get<std::string>() + ": " + v["text"].get<std::string>());
  s.paragraphs.push_back("Intervals are 95 % percentile-bootstrap intervals of each seed's AUC on the common test events, "
                         "their bounds averaged over seeds. The models share these events, so their AUCs are correlated: "
                         "intervals apart is a strict test, overlapping intervals do not show the two equal.");
  return s;
}

}  // namespace

void write_leaderboard_page(const json& board, const std::filesystem::path& out) {
  report::HtmlReport page;
  page.title = "wavelearn study: leaderboard";
  page.subtitle = board["data"].get<std::string>() + ", " + std::to_string(board["seeds"].size()) + " seed(s), " +
                  std::to_string(board["models"].size()) + " models";
  report::Section table{"Leaderboard", {}, {leaderboard_table(board)}, {}, {}, {}};
  table.paragraphs.push_back("Every model is trained on the same train/validation/test split (by event id) and judged on "
                            "the test events common to all runs of a label. Training seconds are the runs' own "
                            "train_seconds on this machine (without evaluation; the feature table took " +
                            num(board["seconds"]["dsp"], "%.0f") + " s).");
  for (const auto& c : board["columns"]) {
    table.links.push_back({c["compare"].get<std::string>(), c["label"].get<std::string>() + ": the comparison (" +
                                                              std::to_string(c["n_common"].get<std::size_t>()) + " common events)"});
    for (const auto& w : board["cells"].items())
      for (const auto& x : w.value().value(c["label"].get<std::string>(), json::object()).value("circular_inputs", json::array()))
        table.warnings.push_back(w.key() + ", " + c["label"].get<std::string>() + ": " + x.get<std::string>());
  }
  page.sections.push_back(table);
  page.sections.push_back(verdict_section(board));
  report::write_html(page, out);
}

std::string leaderboard_text(const json& board) {
  std::string t;
  char line[256];
  for (const auto& l : board["labels"]) {
    const auto label = l.get<std::string>();
    t += label + ":\n";
    for (const auto& m : board["models"]) {
      const auto c = board["cells"].value(m["name"].get<std::string>(), json::object()).value(label, json());
      if (!c.is_object()) continue;
      std::snprintf(line, sizeof line, "  %-22s AUC %-40s SSE %s\n", m["name"].get<std::string>().c_str(),
                    auc_cell(c).c_str(), sse_cell(c).c_str());
      t += line;
    }
  }
  for (const auto& v : board.value("verdicts", json::array())) t += "verdict " + v["label"].get<std::string>() + ": " + v["text"].get<std::string>() + "\n";
  t += "verdict: " + board["verdict"].value("text", std::string()) + "\n";
  return t;
}

}  // namespace wl::study::detail
