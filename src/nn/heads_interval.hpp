#pragma once
// The two regression heads that also estimate each event's uncertainty (heads.hpp: quantile,
// gaussian), kept apart from the point-estimate heads. Private to wl_nn.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "wavelearn/nn/heads.hpp"

namespace wl::nn::detail {

// The shortest decimal that reads back as v, always a float literal ("2.0", not "2").
std::string float_literal(double v);

bool interval_kind(const std::string& kind);  // "quantile" or "gaussian"

// "q16" for 0.16, "q2p5" for 0.025: a score-name suffix without '.' (an HDF5 dataset name).
std::string level_suffix(double level);

// Throws InputError naming task.quantiles / task.target_scale for bad settings.
void check_interval_spec(const HeadSpec& spec);

torch::Tensor interval_loss(const HeadSpec& spec, const torch::Tensor& out, const torch::Tensor& targets);
torch::Tensor interval_score(const HeadSpec& spec, const torch::Tensor& out);
// The lines of the TorchScript score method after `out = self.forward(x)`.
std::string interval_score_source(const HeadSpec& spec);
std::vector<std::string> interval_score_names(const HeadSpec& spec);
// The column of the point estimate: the median (quantile) or the mean (gaussian).
int64_t estimate_column(const HeadSpec& spec);

}  // namespace wl::nn::detail
