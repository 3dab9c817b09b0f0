// LSTM / GRU over the waveform cut into steps of rnn_step_samples samples, using the
// functional torch.lstm / torch.gru (the ops nn.LSTM / nn.GRU run), with PyTorch's parameter
// layout (w_ih, w_hh, b_ih, b_hh per layer and direction) and init U(-1/sqrt(H), 1/sqrt(H)).
#include <cmath>
#include <sstream>

#include "script_builder.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

torch::jit::Module build_rnn(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  validate(spec, input_samples);
  const bool lstm = spec.type == "lstm";
  const int64_t gates = lstm ? 4 : 3, H = spec.rnn_hidden, dirs = spec.bidirectional ? 2 : 1;
  const int64_t step = spec.rnn_step_samples, n_steps = input_samples / step;
  detail::ScriptBuilder b(lstm ? "WaveLSTM" : "WaveGRU", spec);
  std::ostringstream params;
  const double a = 1.0 / std::sqrt(static_cast<double>(H));
  for (int64_t layer = 0; layer < spec.rnn_layers; ++layer) {
    const int64_t in = layer == 0 ? b.input_channels() * step : H * dirs;
    for (int64_t d = 0; d < dirs; ++d) {
      const std::string sfx = "_l" + std::to_string(layer) + (d ? "_reverse" : "");
      const std::pair<std::string, std::vector<int64_t>> shapes[] = {
          {"weight_ih" + sfx, {gates * H, in}},
          {"weight_hh" + sfx, {gates * H, H}},
          {"bias_ih" + sfx, {gates * H}},
          {"bias_hh" + sfx, {gates * H}}};
      for (const auto& [name, shape] : shapes) {
        auto t = torch::empty(shape);
        {
          torch::NoGradGuard no_grad;
          if (spec.init == "default" || shape.size() == 1) {
            t.uniform_(-a, a);
          } else if (spec.init == "he") {
            t.normal_(0.0, std::sqrt(2.0 / static_cast<double>(shape[1])));
          } else {
            const double x = std::sqrt(6.0 / static_cast<double>(shape[0] + shape[1]));
            t.uniform_(-x, x);
          }
        }
        b.parameter(name, t);
        params << (params.tellp() > 0 ? ", " : "") << "self." << name;
      }
    }
  }
  std::ostringstream src;
  src << b.pieces_method("steps", n_steps, step) << "def features(self, x):\n"
      << "    x = self.steps(x)\n"
      << "    h0 = torch.zeros([" << spec.rnn_layers * dirs << ", x.size(0), " << H
      << "], dtype=x.dtype, device=x.device)\n";
  const std::string dropout = std::to_string(spec.rnn_layers > 1 ? spec.dropout : 0.0);
  // Dropout between recurrent layers follows MC dropout too (the attribute exists with dropout).
  const std::string train_flag =
      spec.dropout > 0.0 ? std::string("self.training or self.") + kMcDropoutAttribute : "self.training";
  const std::string tail = std::string(", True, ") + std::to_string(spec.rnn_layers) + ", " + dropout + ", " +
                           train_flag + ", " + (spec.bidirectional ? "True" : "False") + ", True)";
  if (lstm) {
    src << "    out, hn, cn = torch.lstm(x, [h0, h0], [" << params.str() << "]" << tail << "\n";
  } else {
    src << "    out, hn = torch.gru(x, h0, [" << params.str() << "]" << tail << "\n";
  }
  src << "    return " << b.dropout("out.mean(1)") << "\n\n";
  b.linear("task", H * dirs, n_outputs);
  src << "def forward(self, x):\n"
      << "    return " << detail::ScriptBuilder::apply_linear("task", "self.features(x)") << "\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
