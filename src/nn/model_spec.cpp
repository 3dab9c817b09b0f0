#include "wavelearn/nn/model_spec.hpp"

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::nn {

namespace {

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw core::InputError("model." + key + ": " + what);
}

void check_input_channels(const std::vector<std::string>& channels) {
  require(!channels.empty(), "input_channels", "at least one channel is needed (\"waveform\", \"current\")");
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const auto& c = channels[i];
    require(c == "waveform" || c == "current", "input_channels",
            "unknown channel '" + c + "' (\"waveform\", \"current\")");
    for (std::size_t j = 0; j < i; ++j) require(channels[j] != c, "input_channels", "'" + c + "' is listed twice");
  }
}

}  // namespace

ModelSpec model_spec_from(const core::Config& c) {
  ModelSpec s;
  s.type = c.get<std::string>("model.type", s.type);
  s.init = c.get<std::string>("model.init", s.init);
  s.dropout = c.get<double>("model.dropout", s.dropout);
  // Read only when given: a default written into the resolved config.toml would stop a run
  // from before the key existed from resuming (its saved config lacks it).
  if (c.has("model.input_channels")) s.input_channels = c.get<std::vector<std::string>>("model.input_channels");
  check_input_channels(s.input_channels);
  if (s.type == "fcnet") {
    s.hidden = c.get<std::vector<int64_t>>("model.hidden", s.hidden);
  } else if (s.type == "cnn") {
    s.channels = c.get<std::vector<int64_t>>("model.channels", s.channels);
    s.kernels = c.get<std::vector<int64_t>>("model.kernels", s.kernels);
    s.strides = c.get<std::vector<int64_t>>("model.strides",
                                            std::vector<int64_t>(s.channels.size(), 1));
    s.paddings = c.get<std::vector<int64_t>>("model.paddings",
                                             std::vector<int64_t>(s.channels.size(), -1));
    s.pool = c.get<int64_t>("model.pool", s.pool);
    s.batch_norm = c.get<bool>("model.batch_norm", s.batch_norm);
    s.fc_hidden = c.get<int64_t>("model.fc_hidden", s.fc_hidden);
    s.activation = c.get<std::string>("model.activation", s.activation);
    s.pool_type = c.get<std::string>("model.pool_type", s.pool_type);
    s.global_pool = c.get<std::string>("model.global_pool", s.global_pool);
  } else if (s.type == "lstm" || s.type == "gru") {
    s.rnn_step_samples = c.get<int64_t>("model.rnn_step_samples", s.rnn_step_samples);
    s.rnn_hidden = c.get<int64_t>("model.rnn_hidden", s.rnn_hidden);
    s.rnn_layers = c.get<int64_t>("model.rnn_layers", s.rnn_layers);
    s.bidirectional = c.get<bool>("model.bidirectional", s.bidirectional);
  } else if (s.type == "transformer") {
    s.patch_samples = c.get<int64_t>("model.patch_samples", s.patch_samples);
    s.d_model = c.get<int64_t>("model.d_model", s.d_model);
    s.heads = c.get<int64_t>("model.heads", s.heads);
    s.layers = c.get<int64_t>("model.layers", s.layers);
    s.mlp_hidden = c.get<int64_t>("model.mlp_hidden", s.mlp_hidden);
  } else {
    require(false, "type", "unknown model '" + s.type + "' (fcnet, cnn, lstm, gru, transformer)");
  }
  require(s.init == "default" || s.init == "he" || s.init == "xavier", "init",
          "unknown initialisation '" + s.init + "' (default, he, xavier)");
  return s;
}

void validate(const ModelSpec& s, int64_t input_samples) {
  require(input_samples > 0, "type", "the input window is empty");
  require(s.dropout >= 0.0 && s.dropout < 1.0, "dropout", "must be in [0, 1)");
  check_input_channels(s.input_channels);
  if (s.type == "fcnet") {
    for (auto h : s.hidden) require(h > 0, "hidden", "layer widths must be positive");
  } else if (s.type == "cnn") {
    const auto n = s.channels.size();
    require(n > 0, "channels", "at least one block is needed");
    require(s.kernels.size() == n && s.strides.size() == n && s.paddings.size() == n, "kernels",
            "channels, kernels, strides and paddings need one entry per block");
    for (std::size_t i = 0; i < n; ++i)
      require(s.channels[i] > 0 && s.kernels[i] > 0 && s.strides[i] > 0, "channels",
              "channels, kernels and strides must be positive");
    require(s.pool >= 1, "pool", "must be >= 1");
    require(s.fc_hidden > 0, "fc_hidden", "must be positive");
    require(s.activation == "relu" || s.activation == "gelu" || s.activation == "silu", "activation",
            "unknown activation '" + s.activation + "' (relu, gelu, silu)");
    require(s.pool_type == "max" || s.pool_type == "avg", "pool_type", "unknown pooling '" + s.pool_type + "' (max, avg)");
    require(s.global_pool == "none" || s.global_pool == "max_mean", "global_pool",
            "unknown global pooling '" + s.global_pool + "' (none, max_mean)");
  } else if (s.type == "lstm" || s.type == "gru") {
    require(s.rnn_step_samples > 0 && s.rnn_step_samples <= input_samples, "rnn_step_samples",
            "must be in [1, window length " + std::to_string(input_samples) + "]");
    require(s.rnn_hidden > 0, "rnn_hidden", "must be positive");
    require(s.rnn_layers > 0, "rnn_layers", "must be positive");
  } else if (s.type == "transformer") {
    require(s.patch_samples > 0 && s.patch_samples <= input_samples, "patch_samples",
            "must be in [1, window length " + std::to_string(input_samples) + "]");
    require(s.heads > 0 && s.d_model > 0 && s.d_model % s.heads == 0, "d_model",
            "must be a positive multiple of model.heads");
    require(s.layers > 0 && s.mlp_hidden > 0, "layers", "sizes must be positive");
  }
}

}  // namespace wl::nn
