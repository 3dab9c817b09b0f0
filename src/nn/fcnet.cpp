// FCNet exactly as the lectures: Linear(L,512)-ReLU-Linear(512,256)-ReLU-Linear(256,32)-ReLU
// feature extractor, then the task layer Linear(32, n_outputs).
#include <sstream>

#include "script_builder.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::nn {

torch::jit::Module build_fcnet(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs) {
  detail::ScriptBuilder b("FCNet", spec);
  std::ostringstream src;
  int64_t width = input_samples;
  if (!b.waveform_only()) {
    src << b.stack_channels_method() << "def features(self, x):\n    x = self.stack_channels(x).flatten(1)\n";
    width *= b.input_channels();
  } else {
    src << "def features(self, x):\n";
  }
  for (std::size_t i = 0; i < spec.hidden.size(); ++i) {
    const std::string name = "fe" + std::to_string(i);
    b.linear(name, width, spec.hidden[i]);
    src << "    x = " << b.dropout("torch.relu(" + detail::ScriptBuilder::apply_linear(name, "x") + ")")
        << "\n";
    width = spec.hidden[i];
  }
  src << "    return x\n\n";
  b.linear("task", width, n_outputs);
  src << "def forward(self, x):\n"
      << "    return " << detail::ScriptBuilder::apply_linear("task", "self.features(x)") << "\n";
  return b.finish(src.str());
}

}  // namespace wl::nn
