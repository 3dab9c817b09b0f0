#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

namespace {

torch::jit::Module build_by_type(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  if (spec.type == "fcnet") return build_fcnet(spec, input_samples, n_outputs);
  if (spec.type == "cnn") return build_cnn(spec, input_samples, n_outputs);
  if (spec.type == "lstm" || spec.type == "gru") return build_rnn(spec, input_samples, n_outputs);
  if (spec.type == "transformer") return build_transformer(spec, input_samples, n_outputs);
  throw core::InputError("model.type: unknown model '" + spec.type +
                         "' (fcnet, cnn, lstm, gru, transformer)");
}

}  // namespace

torch::jit::Module build_model(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  validate(spec, input_samples);
  if (n_outputs < 1) throw core::InputError("model: the task needs at least one output");
  try {
    return build_by_type(spec, input_samples, n_outputs);
  } catch (const c10::Error& e) {
    // Layer sizes no machine can hold (model.hidden = [100000000]) fail in the allocator.
    std::string what = e.what_without_backtrace();
    if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    throw core::InputError("model: the " + spec.type + " cannot be built (" + what +
                           "); are the model.* sizes too large?");
  }
}

torch::jit::Module build_pretrain_model(const ModelSpec& spec, int64_t input_samples, const HeadSpec& head) {
  if (spec.type == "transformer") return build_masked_transformer(spec, input_samples, head.mask_ratio);
  if (spec.type == "cnn") return build_masked_cnn(spec, input_samples, head.mask_ratio, head.mask_span_samples);
  throw core::InputError("task.kind = \"" + head.kind + "\" pretrains model.type transformer or cnn, not '" +
                         spec.type + "'");
}

bool is_pretraining_parameter(const std::string& name) {
  return name == "mask_token" || name.rfind("decoder_", 0) == 0;
}

int64_t count_parameters(const torch::jit::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

std::vector<torch::Tensor> parameter_list(const torch::jit::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& p : module.parameters()) out.push_back(p);
  return out;
}

}  // namespace wl::nn
