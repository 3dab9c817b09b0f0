#pragma once
// Names of the files inside model.pt and beside it, for code that must not include libtorch.

namespace wl::nn {

inline constexpr const char* kModelMetadataFile = "wavelearn_model.json";
inline constexpr const char* kPreprocessFile = "preprocess.json";

}  // namespace wl::nn
