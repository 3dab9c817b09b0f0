#include "wavelearn/train/predict.hpp"

#include <ATen/Parallel.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/progress.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/nn/model_io.hpp"

namespace fs = std::filesystem;

namespace wl::train {

namespace {

// Score column names from the model's metadata, or generic ones.
std::vector<std::string> column_names(const std::string& metadata_json, int64_t n) {
  if (!metadata_json.empty()) {
    try {
      const auto j = nlohmann::json::parse(metadata_json);
      auto names = j.at("head").at("score_names").get<std::vector<std::string>>();
      if (static_cast<int64_t>(names.size()) == n) return names;
    } catch (const std::exception&) {
    }
  }
  if (n == 1) return {"score"};
  std::vector<std::string> names;
  for (int64_t i = 0; i < n; ++i) names.push_back("score_" + std::to_string(i));
  return names;
}

}  // namespace

PredictSummary run_prediction(const PredictOptions& o) {
  core::refuse_overwrite(o.out, o.force);
  at::set_num_threads(core::resolve_threads(o.threads));
  const fs::path model_path = fs::is_directory(o.model) ? o.model / "model.pt" : o.model;
  auto mf = nn::load_model(model_path);

  // Preprocessing: explicit, else embedded in model.pt, else beside it in the run directory.
  fs::path pre_path = o.preprocess;
  fs::path temp_pre;
  if (pre_path.empty()) {
    if (!mf.preprocess_json.empty()) {
      temp_pre = core::temp_path_for(o.out.parent_path().empty() ? fs::path("preprocess.json")
                                                                  : o.out.parent_path() / "preprocess.json");
      core::write_text_atomically(temp_pre, mf.preprocess_json);
      pre_path = temp_pre;
    } else if (fs::exists(model_path.parent_path() / "preprocess.json")) {
      pre_path = model_path.parent_path() / "preprocess.json";
    } else {
      throw core::InputError(model_path.string() +
                             ": the model carries no preprocessing; pass --preprocess preprocess.json");
    }
  }
  data::PredictionData pd;
  try {
    pd = data::prepare_prediction_data(o.data, pre_path, o.batch_size, !o.all_events, true);
  } catch (...) {
    if (!temp_pre.empty()) fs::remove(temp_pre);
    throw;
  }
  if (!temp_pre.empty()) fs::remove(temp_pre);

  auto& module = mf.module;
  const bool use_score = nn::has_method(module, "score");
  const auto& ds = *pd.dataset;
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  pd.loader->start_epoch(0);
  core::Progress progress("predict", pd.loader->n_batches(), o.quiet);
  std::vector<std::vector<double>> cols;
  std::vector<double> ids;
  data::Batch b;
  std::size_t done = 0;
  while (pd.loader->next(b)) {
    torch::Tensor out;
    try {
      out = use_score ? module.get_method("score")({b.x}).toTensor() : module.forward({b.x}).toTensor();
    } catch (const c10::Error& e) {
      std::string what = e.what_without_backtrace();
      if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
      throw core::InputError(model_path.string() + ": the model rejects input of " +
                             std::to_string(b.x.size(1)) + " samples (" + what + ")");
    }
    if (out.dim() == 1) out = out.unsqueeze(1);
    out = out.to(torch::kDouble).contiguous();
    if (cols.empty()) cols.resize(static_cast<std::size_t>(out.size(1)));
    const auto* p = out.data_ptr<double>();
    const auto* rows = b.index.data_ptr<int64_t>();
    for (int64_t i = 0; i < out.size(0); ++i) {
      ids.push_back(static_cast<double>(ds.event_id(static_cast<std::size_t>(rows[i]))));
      for (int64_t c = 0; c < out.size(1); ++c) cols[static_cast<std::size_t>(c)].push_back(p[i * out.size(1) + c]);
    }
    progress.update(++done);
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  io::Table table;
  table.add("id", std::move(ids));
  const auto names = column_names(mf.metadata_json, static_cast<int64_t>(cols.size()));
  for (std::size_t c = 0; c < cols.size(); ++c) table.add(names[c], std::move(cols[c]));
  table.attributes["model"] = model_path.string();
  table.attributes["data"] = o.data;
  io::write_table_h5(o.out.string(), table, o.force);

  PredictSummary s;
  s.n_events = table.n_rows();
  s.columns = table.names;
  s.used_score_method = use_score;
  s.seconds = seconds;
  return s;
}

}  // namespace wl::train
