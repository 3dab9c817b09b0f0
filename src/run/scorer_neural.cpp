// The neural family: a TorchScript model.pt (ours, with its task head and preprocessing
// inside, or any TorchScript file with a preprocess.json beside it) on a waveform file.
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "event_fields.hpp"
#include "spread.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/run/neural_access.hpp"
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/train/device.hpp"

namespace wl::run {

namespace fs = std::filesystem;

namespace {

class WaveformSource : public EventSource {
 public:
  explicit WaveformSource(data::PredictionData pd) : pd_(std::move(pd)) {
    const auto& ds = *pd_.dataset;
    for (std::size_t r = 0; r < ds.size(); ++r) events_.file_event.push_back(static_cast<int64_t>(ds.file_event(r)));
    for (std::size_t c = 0; c < ds.n_targets(); ++c) {
      std::vector<double> v(ds.size());
      for (std::size_t r = 0; r < ds.size(); ++r) v[r] = ds.targets(r)[c];
      events_.fields[ds.target_names()[c]] = std::move(v);
    }
    detail::read_event_fields(pd_.dataset->reader(), detail::optional_event_fields(), events_);
  }

  std::vector<float> waveform(std::size_t row, double& sample_period_ns) override {
    auto& ds = *pd_.dataset;
    const auto& pre = *pd_.preprocessor;
    const std::size_t len = pre.state().window_length_samples;
    std::vector<float> buf(len);
    ds.reader().read_window(ds.file_event(row), 1, pre.window_start_for(ds.tp0(row)), len, buf.data());
    sample_period_ns = ds.sample_period_ns();
    return buf;
  }

  data::PredictionData pd_;
};

class NeuralScorer : public Scorer {
 public:
  NeuralScorer(const fs::path& model_pt, RunRecord r, const ScorerOptions& o) : model_pt_(model_pt), opt_(o) {
    record_ = std::move(r);
    device_ = train::torch_device(o.device, "--device");
    mf_ = nn::load_model(model_pt);  // CPU tensors, whatever device trained it
    if (!device_.is_cpu()) mf_.module.to(device_);
    use_score_ = nn::has_method(mf_.module, "score");
    if (!mf_.metadata_json.empty()) meta_ = nlohmann::json::parse(mf_.metadata_json);
    preprocess_json_ = o.preprocess_json.empty() ? mf_.preprocess_json : read_file(o.preprocess_json);
    // Errors in the preprocessing name the file it came from.
    preprocess_source_ = o.preprocess_json.empty() ? model_pt.string() + " (preprocessing)" : o.preprocess_json.string();
    if (preprocess_json_.empty()) {
      preprocess_json_ = read_beside(model_pt);
      preprocess_source_ = (model_pt.parent_path() / nn::kPreprocessFile).string();
    }
    if (!meta_.contains("head")) raw_width_ = probe_width();
    if (o.mc_samples > 0) nn::set_mc_dropout(mf_.module, true, model_pt.string());
  }

  std::vector<ScoreColumn> columns() const override {
    return opt_.mc_samples > 0 ? detail::with_spread_columns(head_columns()) : head_columns();
  }

  std::string description() const override {
    return record_.model_type + " network (TorchScript " + model_pt_.filename().string() + ", task " + record_.task +
           (meta_.contains("n_outputs") ? ", " + meta_["n_outputs"].dump() + " outputs" : "") + ")";
  }

  std::unique_ptr<EventSource> open(const std::string& data_file, const OpenOptions& o) const override {
    // Several files (a pattern or a list) are checked file by file when opened.
    if (!core::is_file_list(data_file) && !fs::exists(data_file))
      throw core::InputError(data_file + ": no such data file");
    auto pre = data::Preprocessor::from_json(preprocess_json_, preprocess_source_);
    auto pd = data::prepare_prediction_data(data_file, std::move(pre), model_pt_.string(), opt_.batch_size,
                                            !o.all_events, true);
    return std::make_unique<WaveformSource>(std::move(pd));
  }

  std::vector<double> score(EventSource& source, const std::vector<std::size_t>& rows) const override;

  const torch::jit::Module& module() const { return mf_.module; }
  const fs::path& model_path() const { return model_pt_; }

 private:
  static std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    if (!in) throw core::InputError(p.string() + ": cannot open the preprocessing file");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static std::string read_beside(const fs::path& model_pt) {
    const auto p = model_pt.parent_path() / nn::kPreprocessFile;
    if (!fs::exists(p))
      throw core::InputError(model_pt.string() + ": the model carries no preprocessing; pass --preprocess "
                             "preprocess.json");
    return read_file(p);
  }

  std::vector<ScoreColumn> head_columns() const;
  torch::Tensor forward(const torch::Tensor& x) const;
  torch::Tensor mc_forward(const torch::Tensor& x) const;

  // Outputs per event of a model without a task head: one forward pass of a blank window.
  int64_t probe_width() const {
    const auto pre = data::Preprocessor::from_json(preprocess_json_, preprocess_source_);
    torch::NoGradGuard no_grad;
    const auto len = static_cast<int64_t>(pre.window_length_samples());
    return forward(torch::zeros({1, len})).size(1);
  }

  int64_t raw_width_ = 1;
  c10::Device device_{c10::DeviceType::CPU};

  fs::path model_pt_;
  ScorerOptions opt_;
  mutable nn::ModelFile mf_;
  bool use_score_ = false;
  nlohmann::json meta_ = nlohmann::json::object();
  std::string preprocess_json_;
  std::string preprocess_source_;
};

// Columns from the task head recorded in model.pt (nn/heads.hpp lists the kinds).
std::vector<ScoreColumn> NeuralScorer::head_columns() const {
  if (!meta_.contains("head")) {
    if (raw_width_ == 1) return {{"score", "", "raw"}};
    std::vector<ScoreColumn> cols;
    for (int64_t c = 0; c < raw_width_; ++c) cols.push_back({"score_" + std::to_string(c), "", "raw"});
    return cols;
  }
  const auto& h = meta_["head"];
  const auto names = h.at("score_names").get<std::vector<std::string>>();
  const auto targets = h.value("target_names", std::vector<std::string>());
  const auto kind = h.value("kind", std::string());
  const auto is_regression = h.value("is_regression", std::vector<bool>());
  const auto levels = h.value("quantiles", std::vector<double>());  // quantile heads
  std::vector<ScoreColumn> cols;
  for (std::size_t c = 0; c < names.size(); ++c) {
    ScoreColumn col{names[c], "", "raw"};
    if (kind.rfind("binary", 0) == 0 && !targets.empty()) col = {names[c], targets[0], "binary"};
    if (kind == "multiclass") col = {names[c], "psd_class", "class"};
    if (kind == "regression" && !targets.empty()) col = {names[c], targets[0], "regression"};
    if (kind == "multitask" && c < targets.size())
      col = {names[c], targets[c], c < is_regression.size() && is_regression[c] ? "regression" : "binary"};
    // A quantile head's median and a gaussian head's mean are its estimate of the target, so
    // every regression metric applies to them; the other columns say how uncertain it is.
    if (kind == "quantile" && c < levels.size() && !targets.empty())
      col = {names[c], targets[0], levels[c] == 0.5 ? "regression" : "quantile", levels[c]};
    if (kind == "gaussian" && !targets.empty()) col = {names[c], targets[0], c == 0 ? "regression" : "sigma"};
    cols.push_back(col);
  }
  return cols;
}

torch::Tensor NeuralScorer::forward(const torch::Tensor& x) const {
  try {
    const auto xd = x.to(device_);
    auto s = use_score_ ? mf_.module.get_method("score")({xd}).toTensor() : mf_.module.forward({xd}).toTensor();
    s = s.cpu();  // the scores' consumers read host memory
    return s.dim() == 1 ? s.unsqueeze(1) : s;
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    throw core::InputError(model_pt_.string() + ": the model rejects input of " + std::to_string(x.size(1)) +
                           " samples (" + what + ")");
  } catch (const std::runtime_error& e) {
    // The TorchScript interpreter reports a shape mismatch as a multi-line traceback; its
    // last line says what failed.
    std::string what = e.what();
    while (!what.empty() && what.back() == '\n') what.pop_back();
    if (const auto nl = what.rfind('\n'); nl != std::string::npos) what = what.substr(nl + 1);
    throw core::InputError(model_pt_.string() + ": the model rejects input of " + std::to_string(x.size(1)) +
                           " samples (" + what + "; is the preprocessing the model's own?)");
  }
}

// Monte Carlo dropout: mc_samples passes with dropout on, aggregated like an ensemble's
// members (spread.hpp: mean, spread columns, mixture sigma), as columns() lists them.
torch::Tensor NeuralScorer::mc_forward(const torch::Tensor& x) const {
  const auto base = head_columns();
  detail::SpreadAccumulator acc(static_cast<std::size_t>(x.size(0)), base);
  for (int i = 0; i < opt_.mc_samples; ++i) {
    const auto s = forward(x).to(torch::kDouble).contiguous();
    acc.add(std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel()));
  }
  auto out = acc.finish();
  const auto width = static_cast<int64_t>(out.size()) / x.size(0);
  return torch::from_blob(out.data(), {x.size(0), width}, torch::kDouble).clone();
}

std::vector<double> NeuralScorer::score(EventSource& source, const std::vector<std::size_t>& rows) const {
  auto& src = dynamic_cast<WaveformSource&>(source);
  at::set_num_threads(core::resolve_threads(opt_.threads));
  std::vector<double> out;
  if (rows.empty()) return out;
  data::LoaderOptions lo;
  lo.batch_size = opt_.batch_size;
  lo.shuffle = false;  // rows in the order given
  lo.drop_last = false;
  lo.storage = data::StorageMode::Stream;  // one pass: nothing to keep in memory
  data::BatchLoader loader(src.pd_.dataset, rows, src.pd_.preprocessor, lo);
  loader.start_epoch(0);
  torch::NoGradGuard no_grad;
  // The same dropout masks for the same call: MC-dropout scores are reproducible.
  if (opt_.mc_samples > 0) torch::manual_seed(opt_.mc_seed);
  data::Batch b;
  while (loader.next(b)) {
    const auto s = (opt_.mc_samples > 0 ? mc_forward(b.x) : forward(b.x)).to(torch::kDouble).contiguous();
    // Inputs are finite (the reader refuses NaN waveforms), so a NaN score means broken
    // weights; a file of NaN scores must never be written as a success.
    if (!torch::isfinite(s).all().item<bool>())
      throw core::InputError(model_pt_.string() + ": the model gives non-finite scores (NaN or Inf) on finite "
                             "waveforms; its weights are broken (retrain it)");
    out.insert(out.end(), s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
  }
  return out;
}

// A TorchScript file outside a run directory (e.g. trained in Python): its record comes
// from its own metadata.
RunRecord record_of_bare_model(const fs::path& model_pt) {
  RunRecord r;
  r.family = "neural";
  r.model_type = "torchscript";
  r.task = "raw";
  r.training_file = "";
  const auto mf = nn::load_model(model_pt);
  if (!mf.metadata_json.empty()) {
    const auto j = nlohmann::json::parse(mf.metadata_json);
    r.model_type = j.value("model_type", r.model_type);
    if (j.contains("head")) r.task = j["head"].value("kind", r.task);
  }
  return r;
}

}  // namespace

std::unique_ptr<Scorer> make_neural_scorer(const fs::path& run_dir, const RunRecord& r, const ScorerOptions& o) {
  return std::make_unique<NeuralScorer>(run_dir / "model.pt", r, o);
}

std::unique_ptr<Scorer> make_bare_model_scorer(const fs::path& model_pt, const ScorerOptions& o) {
  return std::make_unique<NeuralScorer>(model_pt, record_of_bare_model(model_pt), o);
}

NeuralAccess neural_access(const Scorer& scorer, EventSource& source) {
  const auto* s = dynamic_cast<const NeuralScorer*>(&scorer);
  auto* src = dynamic_cast<WaveformSource*>(&source);
  if (!s || !src)
    throw core::InputError(scorer.description() + ": not a neural network (gradient methods need one)");
  return {s->module(), src->pd_, s->model_path().string()};
}

}  // namespace wl::run
