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

namespace {

// The encoder both builders share, with the same parameter names (embed_*, pos_embedding,
// l{i}_*, final_ln_*), so pretrained weights load into the classifier by name: registers the
// parameters and writes `embed` and `block{i}`.
void add_encoder(detail::ScriptBuilder& b, std::ostringstream& src, const ModelSpec& spec, int64_t input_samples) {
  const int64_t P = spec.patch_samples, T = input_samples / P, D = spec.d_model, H = spec.heads;
  const int64_t dh = D / H;
  b.linear("embed", b.input_channels() * P, D);
  {
    auto pos = torch::empty({1, T, D});
    torch::NoGradGuard no_grad;
    pos.normal_(0.0, 0.02);
    b.parameter("pos_embedding", pos);
  }
  src << b.pieces_method("patches", T, P)
      << "def embed(self, x):\n"
      << "    return torch.matmul(self.patches(x), self.embed_weight.t()) + self.embed_bias + self.pos_embedding\n\n";
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
}

}  // namespace

torch::jit::Module build_transformer(const ModelSpec& spec, int64_t input_samples,
                                     int64_t n_outputs) {
  validate(spec, input_samples);
  const int64_t D = spec.d_model;
  detail::ScriptBuilder b("WaveTransformer", spec);
  std::ostringstream src;
  src.precision(17);
  add_encoder(b, src, spec, input_samples);
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

// Masked-patch pretraining (SimMIM-style, the simplest faithful masked autoencoder): the
// embeddings of the masked patches are replaced by a learned mask token before the position
// embedding is added, the whole sequence runs through the encoder, and a linear decoder
// predicts each patch's samples from its output token. Unlike the original MAE the encoder
// also sees the mask tokens, so the encoder is exactly the classifier's.
torch::jit::Module build_masked_transformer(const ModelSpec& spec, int64_t input_samples, double mask_ratio) {
  validate(spec, input_samples);
  const int64_t P = spec.patch_samples, T = input_samples / P, D = spec.d_model;
  if (T < 2) throw core::InputError("task.kind = \"masked_patches\": the window holds fewer than 2 patches of model.patch_samples");
  detail::ScriptBuilder b("WaveMaskedTransformer", spec);
  std::ostringstream src;
  src.precision(17);
  add_encoder(b, src, spec, input_samples);
  {
    auto token = torch::empty({1, 1, D});
    torch::NoGradGuard no_grad;
    token.normal_(0.0, 0.02);
    b.parameter("mask_token", token);
  }
  b.linear("decoder", D, P);
  src << detail::ScriptBuilder::random_mask_method(T, detail::masked_count(T, mask_ratio));
  src << "def encode(self, h):\n";
  for (int64_t i = 0; i < spec.layers; ++i) src << "    h, a" << i << " = self.block" << i << "(h)\n";
  src << "    return torch.layer_norm(h, [" << D << "], self.final_ln_weight, self.final_ln_bias, 1e-5, False)\n\n";
  src << "def features(self, x):\n    return self.encode(self.embed(x)).mean(1)\n\n";
  // With the current channel a masked patch's embedding is replaced whole; the next patch's
  // first current sample still differences against the masked patch's last sample.
  src << "def forward(self, x):\n    B = x.size(0)\n"
      << "    p = x[:, :" << T * P << "].reshape([B, " << T << ", " << P << "])\n"
      << "    m = self.random_mask(B).to(x.device).unsqueeze(2)\n"
      << "    e = torch.matmul(self.patches(x), self.embed_weight.t()) + self.embed_bias\n"
      << "    h = self.encode(e * (1.0 - m) + self.mask_token * m + self.pos_embedding)\n"
      << "    pred = torch.matmul(h, self.decoder_weight.t()) + self.decoder_bias\n"
      << "    return torch.cat([pred, p, m], 2)\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
