// 1D CNN: conv -> [batch norm] -> activation (relu, gelu, silu) -> max or avg pool blocks,
// flatten, one hidden layer, task layer. Output lengths are computed here so the flatten size
// is known when building.
#include <sstream>

#include "script_builder.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

torch::jit::Module build_cnn(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  validate(spec, input_samples);
  detail::ScriptBuilder b("WaveCNN", spec);
  std::ostringstream src;
  const std::string act = "torch." + spec.activation;
  src << "def features(self, x):\n    x = x.unsqueeze(1)\n";
  int64_t channels = 1, length = input_samples;
  for (std::size_t i = 0; i < spec.channels.size(); ++i) {
    const std::string conv = "conv" + std::to_string(i), bn = "bn" + std::to_string(i);
    const int64_t k = spec.kernels[i], s = spec.strides[i];
    const int64_t p = spec.paddings[i] < 0 ? k / 2 : spec.paddings[i];
    b.conv1d(conv, channels, spec.channels[i], k);
    src << "    x = torch.conv1d(x, self." << conv << "_weight, self." << conv << "_bias, [" << s
        << "], [" << p << "])\n";
    if (spec.batch_norm) {
      b.batch_norm(bn, spec.channels[i]);
      src << "    x = torch.batch_norm(x, self." << bn << "_weight, self." << bn << "_bias, self."
          << bn << "_running_mean, self." << bn << "_running_var, self.training, 0.1, 1e-5, False)\n";
    }
    src << "    x = " << act << "(x)\n";
    channels = spec.channels[i];
    length = (length + 2 * p - k) / s + 1;
    if (spec.pool > 1) {
      src << "    x = torch." << spec.pool_type << "_pool1d(x, [" << spec.pool << "], [" << spec.pool << "])\n";
      length /= spec.pool;
    }
    if (length < 1)
      throw core::InputError("model.channels/kernels/strides: the CNN reduces " +
                             std::to_string(input_samples) + " samples to nothing at block " +
                             std::to_string(i));
  }
  const int64_t flat = channels * length;
  b.linear("fc", flat, spec.fc_hidden);
  src << "    x = x.flatten(1)\n"
      << "    x = " << b.dropout(act + "(" + detail::ScriptBuilder::apply_linear("fc", "x") + ")")
      << "\n    return x\n\n";
  b.linear("task", spec.fc_hidden, n_outputs);
  src << "def forward(self, x):\n"
      << "    return " << detail::ScriptBuilder::apply_linear("task", "self.features(x)") << "\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
