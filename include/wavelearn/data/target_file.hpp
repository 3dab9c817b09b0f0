#pragma once
// data.target_file: the unlabelled target-domain file of domain adaptation (domain-adversarial
// training, translation; docs/domain-adaptation.md). The key is read here and only here.
// No libtorch in this header (the loader is forward-declared).
#include <cstdint>
#include <memory>
#include <string>

namespace wl::core {
class Config;
}

namespace wl::data {

class BatchLoader;
struct TrainingPlan;
class Preprocessor;

// data.target_file, "" when absent. Marks the key used; the path is not opened here.
std::string target_file_from(const core::Config& config);

// The target file's events of the training part of the run's split (plan.split and
// plan.seed, by event id: the target's test events are never trained on), without labels,
// through the source's fitted preprocessing (the file must be sampled like the source);
// shuffled per epoch with (plan.shuffle_seed, stream), incomplete last batch dropped.
// InputError naming the file when it cannot be read, has no waveforms, or fills no batch.
std::shared_ptr<BatchLoader> target_training_loader(const TrainingPlan& plan, const std::string& path,
                                                    const Preprocessor& source_preprocessing,
                                                    std::uint64_t stream);

}  // namespace wl::data
