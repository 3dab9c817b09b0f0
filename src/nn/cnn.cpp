// 1D CNN: conv -> [batch norm] -> activation (relu, gelu, silu) -> max or avg pool blocks,
// flatten, one hidden layer, task layer. Output lengths are computed here so the flatten size
// is known when building.
#include <sstream>

#include "script_builder.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

namespace {

struct ConvOut {
  int64_t channels = 1, length = 0;
};

// The conv blocks both builders share, with the same names (conv{i}_*, bn{i}_*), so pretrained
// weights load into the classifier by name: registers them and writes the lines of a method
// body turning `x` (batch, C, L), C = model.input_channels, into the feature map.
ConvOut add_conv_blocks(detail::ScriptBuilder& b, std::ostringstream& src, const ModelSpec& spec,
                        int64_t input_samples) {
  const std::string act = "torch." + spec.activation;
  ConvOut o{b.input_channels(), input_samples};
  for (std::size_t i = 0; i < spec.channels.size(); ++i) {
    const std::string conv = "conv" + std::to_string(i), bn = "bn" + std::to_string(i);
    const int64_t k = spec.kernels[i], s = spec.strides[i];
    const int64_t p = spec.paddings[i] < 0 ? k / 2 : spec.paddings[i];
    b.conv1d(conv, o.channels, spec.channels[i], k);
    src << "    x = torch.conv1d(x, self." << conv << "_weight, self." << conv << "_bias, [" << s
        << "], [" << p << "])\n";
    if (spec.batch_norm) {
      b.batch_norm(bn, spec.channels[i]);
      src << "    x = torch.batch_norm(x, self." << bn << "_weight, self." << bn << "_bias, self."
          << bn << "_running_mean, self." << bn << "_running_var, self.training, 0.1, 1e-5, False)\n";
    }
    src << "    x = " << act << "(x)\n";
    o.channels = spec.channels[i];
    o.length = (o.length + 2 * p - k) / s + 1;
    if (spec.pool > 1) {
      src << "    x = torch." << spec.pool_type << "_pool1d(x, [" << spec.pool << "], [" << spec.pool << "])\n";
      o.length /= spec.pool;
    }
    if (o.length < 1)
      throw core::InputError("model.channels/kernels/strides: the CNN reduces " +
                             std::to_string(input_samples) + " samples to nothing at block " +
                             std::to_string(i));
  }
  return o;
}

}  // namespace

torch::jit::Module build_cnn(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  validate(spec, input_samples);
  detail::ScriptBuilder b("WaveCNN", spec);
  std::ostringstream src;
  const std::string act = "torch." + spec.activation;
  src << b.stack_channels_method() << "def features(self, x):\n    x = self.stack_channels(x)\n";
  const auto conv = add_conv_blocks(b, src, spec, input_samples);
  const bool global = spec.global_pool == "max_mean";
  const int64_t flat = global ? 2 * conv.channels : conv.channels * conv.length;
  b.linear("fc", flat, spec.fc_hidden);
  src << (global ? "    x = torch.cat([x.amax(2), x.mean(2)], 1)\n" : "    x = x.flatten(1)\n")
      << "    x = " << b.dropout(act + "(" + detail::ScriptBuilder::apply_linear("fc", "x") + ")")
      << "\n    return x\n\n";
  b.linear("task", spec.fc_hidden, n_outputs);
  src << "def forward(self, x):\n"
      << "    return " << detail::ScriptBuilder::apply_linear("task", "self.features(x)") << "\n";
  return b.finish(src.str());
}

// Masked-span pretraining of the conv blocks: spans of mask_span_samples samples are set to 0
// (the baseline after normalisation), the conv blocks run on the masked window, and a small
// decoder (one conv1d, kernel 3, to R = ceil(L / L') channels, read out as R consecutive
// samples per position of the feature map: a 1-D pixel shuffle) rebuilds the window. The
// loss is on the masked spans only. fc_* and task_* are not pretrained.
torch::jit::Module build_masked_cnn(const ModelSpec& spec, int64_t input_samples, double mask_ratio,
                                    int64_t mask_span_samples) {
  validate(spec, input_samples);
  const int64_t span = mask_span_samples, S = input_samples / span;
  if (S < 2)
    throw core::InputError("task.mask_span_samples: " + std::to_string(span) + " leaves fewer than 2 spans in the " +
                           std::to_string(input_samples) + "-sample window");
  detail::ScriptBuilder b("WaveMaskedCNN", spec);
  std::ostringstream src;
  src << b.stack_channels_method() << "def conv_features(self, x):\n    x = self.stack_channels(x)\n";
  const auto conv = add_conv_blocks(b, src, spec, input_samples);
  src << "    return x\n\n";
  const int64_t R = (input_samples + conv.length - 1) / conv.length;
  b.conv1d("decoder", conv.channels, R, 3);
  src << detail::ScriptBuilder::random_mask_method(S, detail::masked_count(S, mask_ratio));
  src << "def forward(self, x):\n    B = x.size(0)\n"
      << "    p = x[:, :" << S * span << "].reshape([B, " << S << ", " << span << "])\n"
      << "    m = self.random_mask(B).to(x.device).unsqueeze(2)\n"
      << "    xm = torch.cat([(p * (1.0 - m)).reshape([B, " << S * span << "]), x[:, " << S * span << ":]], 1)\n"
      << "    h = torch.conv1d(self.conv_features(xm), self.decoder_weight, self.decoder_bias, [1], [1])\n"
      << "    y = h.transpose(1, 2).reshape([B, " << conv.length * R << "])[:, :" << S * span << "]\n"
      << "    return torch.cat([y.reshape([B, " << S << ", " << span << "]), p, m], 2)\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
