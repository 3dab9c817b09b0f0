#include "wavelearn/run/predict.hpp"

#include <chrono>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/predictions.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

PredictSummary run_prediction(const PredictOptions& o) {
  const auto model_file = std::filesystem::is_directory(o.model) ? o.model / "model.pt" : o.model;
  core::check_output_file(o.out, o.force, {o.data, model_file, o.preprocess});
  const auto scorer = load_scorer(o.model, {o.batch_size, o.threads, o.preprocess, o.mc_samples, o.mc_seed, o.device});
  OpenOptions oo;
  oo.all_events = o.all_events;
  auto src = scorer->open(o.data, oo);
  ScoredRows s;
  s.rows.resize(src->events().size());
  for (std::size_t i = 0; i < s.rows.size(); ++i) s.rows[i] = i;
  s.n_columns = scorer->columns().size();
  const auto t0 = std::chrono::steady_clock::now();
  s.scores = scorer->score(*src, s.rows);
  PredictSummary sum;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto table = predictions_table(src->events(), scorer->columns(), s, "all");
  table.attributes["model"] = o.model.string();
  if (o.mc_samples > 0) {
    table.attributes["mc_dropout_samples"] = std::to_string(o.mc_samples);
    table.attributes["mc_dropout_seed"] = std::to_string(o.mc_seed);
  }
  write_predictions_file(o.out.string(), table, o.force);
  sum.n_events = s.rows.size();
  for (const auto& c : scorer->columns()) sum.columns.push_back(c.name);
  return sum;
}

}  // namespace wl::run
