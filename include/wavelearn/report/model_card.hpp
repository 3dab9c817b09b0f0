#pragma once
// MODEL_CARD.md with the sections of "Model Cards for Model Reporting" (Mitchell et al.,
// 2019). The trainer fills the struct; empty fields print "Not provided." so a missing
// entry is visible rather than silently absent. Quantitative analyses are tables that
// the run report fills from the evaluation.
#include <filesystem>
#include <string>
#include <vector>

#include "wavelearn/report/html.hpp"

namespace wl::report {

struct ModelCard {
  // Model details
  std::string name, version, date, model_type, developers;
  std::string training_algorithm;  // algorithm, loss, optimiser, parameters, features
  std::string parameters;          // e.g. "1,230,881 trainable parameters"
  std::string features;            // inputs: window, preprocessing
  std::string paper, citation, license, contact;
  // Intended use
  std::string primary_uses, primary_users, out_of_scope;
  // Factors
  std::string relevant_factors, evaluation_factors;
  // Metrics
  std::string performance_measures, decision_thresholds, variation_approaches;
  // Evaluation data / training data
  std::string evaluation_datasets, evaluation_motivation, evaluation_preprocessing;
  std::string training_data;
  // Quantitative analyses
  std::vector<Table> unitary_results;
  std::vector<Table> intersectional_results;  // e.g. per energy region x cut
  // Uncertainty (calibration, conformal coverage, spread) and interpretability (attributions)
  std::string uncertainty, interpretability;
  // Ethical considerations; caveats and recommendations
  std::string ethical_considerations, caveats_and_recommendations;
};

std::string markdown_table(const Table& t);
std::string render_model_card(const ModelCard& card);
// Atomic; replaces an existing file (the run directory decided once whether it may).
void write_model_card(const ModelCard& card, const std::filesystem::path& path);

}  // namespace wl::report
