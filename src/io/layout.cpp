#include "wavelearn/io/layout.hpp"

#include "h5.hpp"
#include "wavelearn/core/file_list.hpp"

namespace wl::io {
namespace {

void walk(hid_t file, const std::string& group_path, FileLayout& out, int depth) {
  if (depth > 32) return;  // guards against link cycles
  h5::Handle group(H5Gopen2(file, group_path.c_str(), H5P_DEFAULT));
  if (!group) return;
  for (const auto& name : h5::children(group.get())) {
    const std::string path = (group_path == "/" ? "/" : group_path + "/") + name;
    if (h5::is_group(file, path)) {
      walk(file, path, out, depth + 1);
      continue;
    }
    if (!h5::is_dataset(file, path)) continue;
    h5::Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
    if (!d) continue;
    DatasetInfo info;
    info.path = path;
    for (auto x : h5::shape(d.get())) info.shape.push_back(x);
    h5::Handle type(H5Dget_type(d.get()));
    info.dtype = h5::dtype_name(type.get());
    h5::Handle dcpl(H5Dget_create_plist(d.get()));
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
      std::vector<hsize_t> chunk(info.shape.size() ? info.shape.size() : 1);
      const int rank = H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
      for (int i = 0; i < rank; ++i) info.chunk.push_back(chunk[static_cast<std::size_t>(i)]);
    }
    for (const auto& attr : h5::attribute_names(d.get())) {
      info.attributes.emplace_back(attr, h5::attribute_text(d.get(), attr));
    }
    out.datasets.push_back(std::move(info));
  }
}

}  // namespace

FileLayout describe_layout(const std::string& path) {
  // Several files of one dataset share their layout (open_readers checks it): the first's.
  if (core::is_file_list(path)) return describe_layout(core::expand_file_list(path, "").front());
  auto lock = h5::lock();
  h5::Handle file = h5::open_file(path);
  FileLayout out;
  walk(file.get(), "/", out, 0);
  for (const auto& attr : h5::attribute_names(file.get())) {
    out.attributes.emplace_back(attr, h5::attribute_text(file.get(), attr));
  }
  return out;
}

}  // namespace wl::io
