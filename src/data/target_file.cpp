// data.target_file: read in one place, for every user of the target domain.
#include "wavelearn/data/target_file.hpp"

#include <filesystem>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"

namespace wl::data {

std::string target_file_from(const core::Config& config) {
  return config.get<std::string>("data.target_file", "");
}

std::shared_ptr<BatchLoader> target_training_loader(const TrainingPlan& plan, const std::string& path,
                                                    const Preprocessor& source_preprocessing,
                                                    std::uint64_t stream) {
  if (!std::filesystem::is_regular_file(path))
    throw core::InputError("data.target_file: " + path + ": no such file");
  // The prediction path adapts the source's window to the target's records and refuses
  // another sampling period; labels are not read (the target is unlabelled).
  auto target = prepare_prediction_data(path, source_preprocessing, "the source's preprocessing",
                                        plan.loader.batch_size, true, false);
  SplitConfig split = plan.split;
  split.stratify_target = -1;
  auto rows = make_split(*target.dataset, split, plan.seed).train;
  if (rows.size() < plan.loader.batch_size)
    throw core::InputError("data.target_file: " + path + ": " + std::to_string(rows.size()) +
                           " events in the training part, fewer than one batch (data.batch_size = " +
                           std::to_string(plan.loader.batch_size) + ")");
  LoaderOptions o = plan.loader;
  o.shuffle = true;
  o.drop_last = true;
  o.seed = plan.shuffle_seed;
  o.stream = stream;
  o.shard_rank = 0;
  o.shard_count = 1;
  return std::make_shared<BatchLoader>(target.dataset, std::move(rows), target.preprocessor, o);
}

}  // namespace wl::data
