#include "wavelearn/report/model_card.hpp"

#include <sstream>

#include "wavelearn/core/atomic_file.hpp"

namespace wl::report {
namespace {

std::string or_missing(const std::string& s) { return s.empty() ? "Not provided." : s; }

// Pipes inside cells would split the column.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

void item(std::ostringstream& o, const char* name, const std::string& value) {
  o << "- **" << name << ":** " << or_missing(value) << "\n";
}

}  // namespace

std::string markdown_table(const Table& t) {
  std::ostringstream o;
  if (!t.caption.empty()) o << "*" << t.caption << "*\n\n";
  if (t.header.empty()) return o.str();
  o << "|";
  for (const auto& h : t.header) o << " " << cell(h) << " |";
  o << "\n|";
  for (std::size_t i = 0; i < t.header.size(); ++i) o << (i == 0 ? " --- |" : " ---: |");
  o << "\n";
  for (const auto& row : t.rows) {
    o << "|";
    for (const auto& c : row) o << " " << cell(c) << " |";
    o << "\n";
  }
  return o.str();
}

std::string render_model_card(const ModelCard& c) {
  std::ostringstream o;
  o << "# Model card: " << (c.name.empty() ? "unnamed model" : c.name) << "\n\n"
    << "Sections follow Mitchell et al., *Model Cards for Model Reporting* (FAT* 2019).\n\n";
  o << "## Model details\n\n";
  item(o, "Developed by", c.developers);
  item(o, "Model date", c.date);
  item(o, "Model version", c.version);
  item(o, "Model type", c.model_type);
  item(o, "Training algorithm and parameters", c.training_algorithm);
  item(o, "Size", c.parameters);
  item(o, "Features (inputs)", c.features);
  item(o, "Paper or other resource", c.paper);
  item(o, "Citation", c.citation);
  item(o, "License", c.license);
  item(o, "Questions and comments", c.contact);
  o << "\n## Intended use\n\n";
  item(o, "Primary intended uses", c.primary_uses);
  item(o, "Primary intended users", c.primary_users);
  item(o, "Out-of-scope uses", c.out_of_scope);
  o << "\n## Factors\n\n";
  item(o, "Relevant factors", c.relevant_factors);
  item(o, "Evaluation factors", c.evaluation_factors);
  o << "\n## Metrics\n\n";
  item(o, "Model performance measures", c.performance_measures);
  item(o, "Decision thresholds", c.decision_thresholds);
  item(o, "Variation approaches", c.variation_approaches);
  o << "\n## Evaluation data\n\n";
  item(o, "Datasets", c.evaluation_datasets);
  item(o, "Motivation", c.evaluation_motivation);
  item(o, "Preprocessing", c.evaluation_preprocessing);
  o << "\n## Training data\n\n" << or_missing(c.training_data) << "\n";
  o << "\n## Quantitative analyses\n\n### Unitary results\n\n";
  if (c.unitary_results.empty()) o << "Not provided.\n\n";
  for (const auto& t : c.unitary_results) o << markdown_table(t) << "\n";
  o << "### Intersectional results\n\n";
  if (c.intersectional_results.empty()) o << "Not provided.\n\n";
  for (const auto& t : c.intersectional_results) o << markdown_table(t) << "\n";
  o << "## Uncertainty\n\n" << or_missing(c.uncertainty) << "\n\n";
  o << "## Interpretability\n\n" << or_missing(c.interpretability) << "\n\n";
  o << "## Ethical considerations\n\n" << or_missing(c.ethical_considerations) << "\n\n";
  o << "## Caveats and recommendations\n\n" << or_missing(c.caveats_and_recommendations) << "\n";
  return o.str();
}

void write_model_card(const ModelCard& card, const std::filesystem::path& path) {
  wl::core::write_text_atomically(path, render_model_card(card), true);
}

}  // namespace wl::report
