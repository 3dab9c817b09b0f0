// Transformer encoder on patches of the waveform: patch embedding + learned position
// embedding, `layers` pre-norm blocks (multi-head self-attention written out, GELU MLP),
// final layer norm, mean over patches, task layer. Besides forward, the module has
// `attention(x) -> List[Tensor]`: each layer's attention weights (batch, heads, T, T), an
// interpretability map.
#include <cmath>
#include <sstream>

#include "script_builder.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

torch::jit::Module build_transformer(const ModelSpec& spec, int64_t input_samples,
                                     int64_t n_outputs) {
  validate(spec, input_samples);
  const int64_t P = spec.patch_samples, T = input_samples / P, D = spec.d_model, H = spec.heads;
  const int64_t dh = D / H;
  detail::ScriptBuilder b("WaveTransformer", spec);
  std::ostringstream src;
  src.precision(17);
  b.linear("embed", P, D);
  {
    auto pos = torch::empty({1, T, D});
    torch::NoGradGuard no_grad;
    pos.normal_(0.0, 0.02);
    b.parameter("pos_embedding", pos);
  }
  src << "def embed(self, x):\n"
      << "    x = x[:, :" << T * P << "].reshape([x.size(0), " << T << ", " << P << "])\n"
      << "    return torch.matmul(x, self.embed_weight.t()) + self.embed_bias + self.pos_embedding\n\n";
  auto lin = [](const std::string& name, const std::string& x) {
    return "(torch.matmul(" + x + ", self." + name + "_weight.t()) + self." + name + "_bias)";
  };
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  for (int64_t i = 0; i < spec.layers; ++i) {
    const std::string l = "l" + std::to_string(i) + "_";
    b.layer_norm(l + "ln1", D);
    b.linear(l + "qkv", D, 3 * D);
    b.linear(l + "proj", D, D);
    b.layer_norm(l + "ln2", D);
    b.linear(l + "fc1", D, spec.mlp_hidden);
    b.linear(l + "fc2", spec.mlp_hidden, D);
    src << "def block" << i << "(self, x: Tensor) -> Tuple[Tensor, Tensor]:\n"
        << "    B = x.size(0)\n"
        << "    h = torch.layer_norm(x, [" << D << "], self." << l << "ln1_weight, self." << l
        << "ln1_bias, 1e-5, False)\n"
        << "    qkv = " << lin(l + "qkv", "h") << ".reshape([B, " << T << ", 3, " << H << ", " << dh
        << "]).permute([2, 0, 3, 1, 4])\n"
        << "    att = torch.softmax(torch.matmul(qkv[0], qkv[1].transpose(-2, -1)) * " << scale
        << ", -1)\n"
        << "    o = torch.matmul(" << b.dropout("att") << ", qkv[2]).transpose(1, 2).reshape([B, "
        << T << ", " << D << "])\n"
        << "    x = x + " << b.dropout(lin(l + "proj", "o")) << "\n"
        << "    h = torch.layer_norm(x, [" << D << "], self." << l << "ln2_weight, self." << l
        << "ln2_bias, 1e-5, False)\n"
        << "    h = torch.gelu(" << lin(l + "fc1", "h") << ")\n"
        << "    x = x + " << b.dropout(lin(l + "fc2", "h")) << "\n"
        << "    return x, att\n\n";
  }
  b.layer_norm("final_ln", D);
  src << "def features(self, x):\n    x = self.embed(x)\n";
  for (int64_t i = 0; i < spec.layers; ++i) src << "    x, a" << i << " = self.block" << i << "(x)\n";
  src << "    x = torch.layer_norm(x, [" << D
      << "], self.final_ln_weight, self.final_ln_bias, 1e-5, False)\n"
      << "    return x.mean(1)\n\n";
  src << "def attention(self, x) -> List[Tensor]:\n    x = self.embed(x)\n"
      << "    maps: List[Tensor] = []\n";
  for (int64_t i = 0; i < spec.layers; ++i)
    src << "    x, a = self.block" << i << "(x)\n    maps.append(a)\n";
  src << "    return maps\n\n";
  b.linear("task", D, n_outputs);
  src << "def forward(self, x):\n"
      << "    return " << detail::ScriptBuilder::apply_linear("task", "self.features(x)") << "\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
