#pragma once
// What model to build, as plain numbers (no libtorch): read from the [model] section of a
// run configuration. Defaults are small enough to train in minutes on two CPU cores.
#include <cstdint>
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::nn {

// The current channel's fixed factor per sample: a rise from 0 to 1 within 10 samples (100 ns
// at the MJD 10 ns) has current ~1, the size of a min-max waveform; simulated single-site
// pulses at 10 ns peak at 0.5-2.2 with noise ~0.1.
inline constexpr double kCurrentScale = 10.0;

struct ModelSpec {
  std::string type = "fcnet";  // fcnet | cnn | lstm | gru | transformer
  // default: PyTorch's own layer initialisation (uniform +-1/sqrt(fan_in)), so a seed-fcnet
  // run starts like the lectures; he: Kaiming normal (ReLU gain); xavier: Glorot uniform.
  std::string init = "default";
  double dropout = 0.0;  // after every hidden activation (and in attention)
  // What the network sees of the (batch, L) window, computed inside its forward pass (so
  // predict, explain and Python feed the window as always): "waveform" (the window) and/or
  // "current" (kCurrentScale * (x[i] - x[i-1]), 0 at i = 0: the discrete derivative, not
  // renormalised per waveform, so on a min-max window its maximum follows A/E). The CNN gets
  // them as conv channels, the transformer and RNN as C * patch (step) values per patch (step),
  // the FCNet as C * L inputs.
  std::vector<std::string> input_channels = {"waveform"};

  // fcnet: the lectures' feature extractor Linear(L,512)-ReLU-Linear(512,256)-ReLU-
  // Linear(256,32)-ReLU, then the task layer Linear(32, n_outputs).
  std::vector<int64_t> hidden = {512, 256, 32};

  // cnn: blocks conv1d -> [batch norm] -> ReLU -> max pool; then flatten -> Linear(., fc_hidden)
  // -> ReLU -> task layer. padding < 0 means "same" padding (kernel / 2).
  std::vector<int64_t> channels = {8, 16, 32};
  std::vector<int64_t> kernels = {9, 7, 5};
  std::vector<int64_t> strides = {1, 1, 1};
  std::vector<int64_t> paddings = {-1, -1, -1};
  int64_t pool = 2;  // pool size (= stride) after each block; 1: no pooling
  bool batch_norm = true;
  int64_t fc_hidden = 32;
  // Smooth choices (gelu, silu; avg pooling) make the output smooth in the input, so
  // gradient attributions are less noisy and integrated gradients converge in fewer steps.
  std::string activation = "relu";  // relu | gelu | silu
  std::string pool_type = "max";    // max | avg
  // What the hidden layer sees of the last feature map (C channels x L' positions): "none"
  // flattens it (C * L' inputs, position by position); "max_mean" takes each channel's
  // maximum and mean over time (2C inputs), so a feature such as the peak current counts
  // wherever in the window it occurs.
  std::string global_pool = "none";  // none | max_mean

  // lstm / gru: the waveform is cut into steps of rnn_step_samples samples (a sequence of
  // L / step vectors), the recurrent outputs are averaged over time, then the task layer.
  int64_t rnn_step_samples = 10;
  int64_t rnn_hidden = 32;
  int64_t rnn_layers = 1;
  bool bidirectional = false;

  // transformer: patches of patch_samples samples -> Linear embedding + learned position
  // embedding -> `layers` pre-norm blocks of multi-head self-attention and a GELU MLP ->
  // layer norm -> mean over patches -> task layer.
  int64_t patch_samples = 25;
  int64_t d_model = 32;
  int64_t heads = 4;
  int64_t layers = 2;
  int64_t mlp_hidden = 64;
};

// Reads [model]: type, init, dropout, input_channels, hidden, channels, kernels, strides, paddings, pool,
// batch_norm, fc_hidden, rnn_step_samples, rnn_hidden, rnn_layers, bidirectional,
// patch_samples, d_model, heads, layers, mlp_hidden. Only the keys of the chosen type are
// read (others left in the file are reported as unknown by Config::check_all_used).
// Throws InputError naming the key for an unknown type/init/channel or inconsistent sizes.
ModelSpec model_spec_from(const core::Config& config);

// Throws InputError (naming the key) when the spec cannot work for input_samples samples.
void validate(const ModelSpec& spec, int64_t input_samples);

}  // namespace wl::nn
