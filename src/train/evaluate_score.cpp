// Scoring chosen dataset rows with a saved model, batch by batch, in the order given.
#include <torch/script.h>
#include <torch/torch.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/train/evaluate.hpp"

namespace wl::train {

std::vector<double> score_rows(const std::filesystem::path& model_pt,
                               std::shared_ptr<data::Dataset> dataset,
                               const std::vector<std::size_t>& rows,
                               std::shared_ptr<const data::Preprocessor> preprocessor,
                               std::size_t batch_size, std::size_t& n_scores) {
  n_scores = 0;
  std::vector<double> out;
  if (rows.empty()) return out;
  auto mf = nn::load_model(model_pt);
  auto& module = mf.module;
  const bool use_score = nn::has_method(module, "score");

  data::LoaderOptions lo;
  lo.batch_size = batch_size;
  lo.shuffle = false;  // rows in the order given
  lo.drop_last = false;
  lo.storage = data::StorageMode::Stream;  // one pass: nothing to keep in memory
  data::BatchLoader loader(std::move(dataset), rows, std::move(preprocessor), lo);
  loader.start_epoch(0);
  torch::NoGradGuard no_grad;
  data::Batch b;
  while (loader.next(b)) {
    torch::Tensor s;
    try {
      s = use_score ? module.get_method("score")({b.x}).toTensor()
                    : module.forward({b.x}).toTensor();
    } catch (const c10::Error& e) {
      std::string what = e.what_without_backtrace();
      if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
      throw core::InputError(model_pt.string() + ": the model rejects input of " +
                             std::to_string(b.x.size(1)) + " samples (" + what + ")");
    }
    if (s.dim() == 1) s = s.unsqueeze(1);
    s = s.to(torch::kDouble).contiguous();
    if (n_scores == 0) {
      n_scores = static_cast<std::size_t>(s.size(1));
      out.reserve(rows.size() * n_scores);
    }
    out.insert(out.end(), s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
  }
  return out;
}

}  // namespace wl::train
