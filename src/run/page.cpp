// report.html of a run: warnings first, then what was evaluated, the figures of merit with
// their intervals, the physics plots, training and explanation. Sections appear for what the
// run has; the words are the family's and the task's own.
#include "wavelearn/run/page.hpp"

#include "page_sections.hpp"
#include "wavelearn/run/warnings.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::run {

namespace {

// One line for all the figures where the model is worse than the A/E cut (they are listed
// one by one in the classification section), the other warnings as they are.
report::Section warnings_section(const PageInputs& in) {
  report::Section s;
  s.title = "Warnings";
  std::size_t worse = 0;
  for (const auto& w : in.warnings) {
    if (w.rfind(kWorseThanAePrefix, 0) == 0) ++worse;
    else s.warnings.push_back(w);
  }
  if (worse > 0)
    s.warnings.push_back("worse than the A/E cut at the working point in " + std::to_string(worse) +
                         " figure(s) of merit (95 % intervals disjoint): listed under Pulse-shape discrimination");
  return s;
}

std::string events_sentence(const PageInputs& in) {
  const auto& r = *in.results;
  const std::string chosen = chosen_on_validation(*in.record);
  if (r.events == "test")
    return std::to_string(r.n_events) + " held-out test events of " + in.data_file + ": never used to fit the model" +
           (chosen.empty() ? "." : " nor to choose " + chosen + ".");
  if (r.events == "validation")
    return std::to_string(r.n_events) + " validation events of " + in.data_file +
           (chosen.empty() ? "." : " (they chose " + chosen + ": optimistic).");
  if (r.events == "all_with_training")
    return std::to_string(r.n_events) + " events of " + in.data_file +
           ", training events included: these figures are not a test of the model.";
  return std::to_string(r.n_events) + " events of " + in.data_file + " (every selected event).";
}

report::Section summary_section(const PageInputs& in) {
  const auto& rec = *in.record;
  report::Section s;
  s.title = "Summary";
  s.paragraphs.push_back("Model: " + in.description + ".");
  s.paragraphs.push_back("Evaluated on " + events_sentence(in) + " " + std::to_string(in.results->n_train) +
                         " training events scored for the train-versus-test check.");
  const auto& f = rec.split.fractions;
  s.paragraphs.push_back("Training data: " + rec.training_file + "; split " + report::format_number(100 * f.train, 3) +
                         "/" + report::format_number(100 * f.validation, 3) + "/" +
                         report::format_number(100 * f.test, 3) + " % train/validation/test by " +
                         core::to_string(rec.split.group_by) + " (seed " + std::to_string(rec.split.seed) + ").");
  for (const auto& n : in.notes) s.paragraphs.push_back(n);
  for (const auto& k : in.results->skipped) s.paragraphs.push_back("Not evaluated: " + k + ".");
  return s;
}

std::string page_title(const PageInputs& in) {
  const auto& rec = *in.record;
  std::string what = rec.is_regression() ? "regression of " : "";
  return (rec.name.empty() ? rec.model_type : rec.name) + ": " + rec.model_type + " (" + rec.family + "), " + what +
         (rec.targets.empty() ? rec.task : rec.targets.front());
}

}  // namespace

std::vector<std::string> write_page(const RunDir& out, const PageInputs& in) {
  report::HtmlReport html;
  html.title = page_title(in);
  html.subtitle = in.run_dir;
  if (!in.warnings.empty()) html.sections.push_back(warnings_section(in));
  html.sections.push_back(summary_section(in));
  for (auto& s : binary_sections(in, out)) html.sections.push_back(std::move(s));
  for (auto& s : regression_sections(in, out)) html.sections.push_back(std::move(s));
  for (auto& s : multiclass_sections(in, out)) html.sections.push_back(std::move(s));
  for (auto& s : uncertainty_sections(in, out)) html.sections.push_back(std::move(s));
  for (auto& s : training_sections(in, out)) html.sections.push_back(std::move(s));
  for (auto& s : explanation_sections(in, out)) html.sections.push_back(std::move(s));
  report::write_html(html, out.file("report.html"));
  return {out.file("report.html").string()};
}

}  // namespace wl::run
