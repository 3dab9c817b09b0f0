#include "state_file.hpp"

#include <torch/serialize.h>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::gen::detail {

namespace {

// Archive keys may not hold dots (state names do): tensors are numbered, names kept as text.
std::string joined(const std::map<std::string, torch::Tensor>& m) {
  std::string s;
  for (const auto& kv : m) s += kv.first + "\n";
  return s;
}

}  // namespace

void save_state_file(const StateFile& s, const std::filesystem::path& path) {
  torch::serialize::OutputArchive ar, tensors, text;
  std::size_t i = 0;
  for (const auto& kv : s.tensors) tensors.write("t" + std::to_string(i++), kv.second);
  std::string text_names;
  i = 0;
  for (const auto& kv : s.text) {
    text.write("s" + std::to_string(i++), c10::IValue(kv.second));
    text_names += kv.first + "\n";
  }
  ar.write("tensor_names", c10::IValue(joined(s.tensors)));
  ar.write("text_names", c10::IValue(text_names));
  ar.write("tensors", tensors);
  ar.write("text", text);
  core::write_atomically(path, true, [&](const std::filesystem::path& tmp) { ar.save_to(tmp.string()); });
}

namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(s.substr(start, nl - start));
  return out;
}

}  // namespace

StateFile load_state_file(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw core::InputError(path.string() + ": missing");
  StateFile s;
  try {
    torch::serialize::InputArchive ar, tensors, text;
    ar.load_from(path.string());
    c10::IValue names, text_names;
    ar.read("tensor_names", names);
    ar.read("text_names", text_names);
    ar.read("tensors", tensors);
    ar.read("text", text);
    const auto tn = lines(names.toStringRef());
    for (std::size_t i = 0; i < tn.size(); ++i) {
      torch::Tensor t;
      tensors.read("t" + std::to_string(i), t);
      s.tensors[tn[i]] = t;
    }
    const auto sn = lines(text_names.toStringRef());
    for (std::size_t i = 0; i < sn.size(); ++i) {
      c10::IValue v;
      text.read("s" + std::to_string(i), v);
      s.text[sn[i]] = v.toStringRef();
    }
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    throw core::InputError(path.string() + ": unreadable generator state (" + what + ")");
  }
  return s;
}

}  // namespace wl::gen::detail
