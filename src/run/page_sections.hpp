#pragma once
// Internal to src/run: the sections of report.html, one function per kind of result.
#include <vector>

#include "wavelearn/report/html.hpp"
#include "wavelearn/run/page.hpp"

namespace wl::run {

// Each writes its plots into out/plots and returns its sections (none when the run has no
// such result).
std::vector<report::Section> binary_sections(const PageInputs& in, const RunDir& out);
std::vector<report::Section> regression_sections(const PageInputs& in, const RunDir& out);
std::vector<report::Section> multiclass_sections(const PageInputs& in, const RunDir& out);
std::vector<report::Section> training_sections(const PageInputs& in, const RunDir& out);
std::vector<report::Section> explanation_sections(const PageInputs& in, const RunDir& out);
std::vector<report::Section> uncertainty_sections(const PageInputs& in, const RunDir& out);

// "12.3 %" of a fraction; "?" for a JSON value that is not a number (a null from a
// finite_or_null). And " [lo %, hi %]" of a two-number CI array, "" otherwise.
std::string percent_text(const nlohmann::json& fraction);
std::string ci_percent_text(const nlohmann::json& ci);

// The model card's uncertainty and interpretability sections (card_sections.cpp).
std::string card_uncertainty_text(const PageInputs& in);
std::string card_interpretability_text(const PageInputs& in);

// Survival of a cut in 100 keV bins from lo_kev to 2700 keV, with Clopper-Pearson bounds.
report::SurvivalCurve survival_curve(const std::string& name, const std::vector<uint8_t>& pass,
                                     const std::vector<double>& energy_kev, double lo_kev);

// The relative link of a written plot (its PNG) with a caption.
report::Image image_of(const report::Paths& p, const RunDir& out, const std::string& caption);

}  // namespace wl::run
