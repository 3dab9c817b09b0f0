#include "wavelearn/core/device.hpp"

#include <cctype>

#include "wavelearn/core/error.hpp"

namespace wl::core {

namespace {
constexpr int kMaxCudaIndex = 63;  // above any machine's GPU count: a typo, not a device
}

std::string DeviceSpec::text() const {
  if (!cuda) return "cpu";
  return index < 0 ? "cuda" : "cuda:" + std::to_string(index);
}

DeviceSpec parse_device(const std::string& text, const std::string& what) {
  DeviceSpec d;
  if (text == "cpu") return d;
  const std::string prefix = "cuda";
  const auto bad = [&] {
    return InputError(what + ": unknown device '" + text + "' (cpu, cuda or cuda:N)");
  };
  if (text.compare(0, prefix.size(), prefix) != 0) throw bad();
  d.cuda = true;
  if (text.size() == prefix.size()) return d;
  if (text[prefix.size()] != ':' || text.size() == prefix.size() + 1 || text.size() > prefix.size() + 3)
    throw bad();
  int n = 0;
  for (std::size_t i = prefix.size() + 1; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) throw bad();
    n = n * 10 + (text[i] - '0');
  }
  if (n > kMaxCudaIndex) throw bad();
  d.index = n;
  return d;
}

DeviceSpec device_for_local_rank(DeviceSpec d, int local_rank) {
  if (d.cuda && d.index < 0) d.index = local_rank;
  return d;
}

}  // namespace wl::core
