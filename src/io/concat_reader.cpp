// Several waveform files read as one: events file after file, every read split at the file
// boundaries and passed to that file's own reader. The files are checked to agree once, at
// open; afterwards at most kMaxOpen of them hold an open HDF5 file, reopened when needed, so
// neither handles nor caches nor mapped spans grow with the number of files.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::io {
namespace {
using core::InputError;

// Open files at once: enough for a mini-batch drawn from a few files without reopening,
// bounded so a dataset of hundreds of files keeps a few files' handles and caches.
constexpr std::size_t kMaxOpen = 8;

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

struct FilePart {
  std::string path;
  std::size_t first = 0, count = 0;
  std::unique_ptr<WaveformReader> reader;  // null while closed
  std::uint64_t last_used = 0;
};

// InputError naming both files unless `b` agrees with `a` on what one dataset needs.
void check_same_layout(const WaveformReader& a, const WaveformReader& b) {
  const std::string both = a.path() + " and " + b.path();
  const std::string tail = ": the files of one dataset must agree";
  if (a.format() != b.format())
    throw InputError(both + " differ in format (" + format_name(a.format()) + ", " + format_name(b.format()) + ")" +
                     tail);
  if (std::fabs(a.sample_period_ns() - b.sample_period_ns()) > 1e-9 * a.sample_period_ns())
    throw InputError(both + " differ in sampling period (" + number_text(a.sample_period_ns()) + " ns, " +
                     number_text(b.sample_period_ns()) + " ns)" + tail);
  if (a.n_samples() != b.n_samples())
    throw InputError(both + " differ in record length (" + std::to_string(a.n_samples()) + " samples, " +
                     std::to_string(b.n_samples()) + " samples)" + tail);
  auto fa = a.scalar_fields(), fb = b.scalar_fields();
  std::sort(fa.begin(), fa.end());
  std::sort(fb.begin(), fb.end());
  if (fa == fb) return;
  std::vector<std::string> only_a, only_b;
  std::set_difference(fa.begin(), fa.end(), fb.begin(), fb.end(), std::back_inserter(only_a));
  std::set_difference(fb.begin(), fb.end(), fa.begin(), fa.end(), std::back_inserter(only_b));
  const std::string what = !only_a.empty() ? "'" + only_a.front() + "' is in " + a.path() + " only"
                                           : "'" + only_b.front() + "' is in " + b.path() + " only";
  throw InputError(both + " differ in per-event fields (" + what + ")" + tail);
}

class ConcatReader final : public WaveformReader {
 public:
  ConcatReader(const std::vector<std::string>& paths, const OpenOptions& options, std::string shown)
      : options_(options), shown_(std::move(shown)) {
    parts_.resize(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
      FilePart& p = parts_[i];
      p.path = paths[i];
      p.reader = open_reader(paths[i], options_);
      if (i == 0) {
        format_ = p.reader->format();
        n_samples_ = p.reader->n_samples();
        sample_period_ns_ = p.reader->sample_period_ns();
        scalar_fields_ = p.reader->scalar_fields();
        fields_ = p.reader->fields();
        chunk_events_ = p.reader->chunk_events();
      } else {
        check_same_layout(*parts_[0].reader, *p.reader);
      }
      p.first = n_events_;
      p.count = p.reader->n_events();
      n_events_ += p.count;
      firsts_.push_back(p.first);
      // Keep the first files open (the first is needed for has_field), close the rest.
      if (i >= kMaxOpen) p.reader.reset();
      else ++n_open_;
    }
  }

  const std::string& path() const override { return shown_; }
  Format format() const override { return format_; }
  std::size_t n_events() const override { return n_events_; }
  std::size_t n_samples() const override { return n_samples_; }
  double sample_period_ns() const override { return sample_period_ns_; }
  std::vector<std::string> scalar_fields() const override { return scalar_fields_; }
  bool has_field(const std::string& name) const override { return reader(0).has_field(name); }
  const FieldMap& fields() const override { return fields_; }
  std::size_t chunk_events() const override { return chunk_events_; }
  std::size_t n_files() const override { return parts_.size(); }
  const std::string& file_path(std::size_t file) const override { return parts_.at(file).path; }
  std::size_t file_first_event(std::size_t file) const override { return parts_.at(file).first; }
  std::size_t file_of_event(std::size_t event) const override {
    return static_cast<std::size_t>(std::upper_bound(firsts_.begin(), firsts_.end(), event) - firsts_.begin()) - 1;
  }

  void read_window(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n,
                   float* out) override {
    check_range(first, count);
    while (count > 0) {
      const std::size_t f = file_of_event(first);
      const FilePart& p = parts_[f];
      const std::size_t take = std::min(count, p.first + p.count - first);
      reader(f).read_window(first - p.first, take, sample_begin, n, out);
      out += take * n;
      first += take;
      count -= take;
    }
  }

  void read_sorted_events(const std::size_t* events, std::size_t count, std::size_t sample_begin, std::size_t n,
                          float* out) override {
    std::size_t k = 0;
    while (k < count) {
      check_range(events[k], 1);
      const std::size_t f = file_of_event(events[k]);
      const FilePart& p = parts_[f];
      local_.clear();
      std::size_t r = k;
      for (; r < count && events[r] >= p.first && events[r] < p.first + p.count; ++r)
        local_.push_back(events[r] - p.first);
      reader(f).read_sorted_events(local_.data(), local_.size(), sample_begin, n, out + k * n);
      k = r;
    }
  }

  std::vector<double> read_scalar(const std::string& name, std::size_t first, std::size_t count) override {
    if (count == kAll) count = first <= n_events_ ? n_events_ - first : 0;
    check_range(first, count);
    std::vector<double> out;
    out.reserve(count);
    while (count > 0) {
      const std::size_t f = file_of_event(first);
      const FilePart& p = parts_[f];
      const std::size_t take = std::min(count, p.first + p.count - first);
      const auto part = reader(f).read_scalar(name, first - p.first, take);
      out.insert(out.end(), part.begin(), part.end());
      first += take;
      count -= take;
    }
    return out;
  }

  const float* view_rows(std::size_t first, std::size_t count, std::size_t* viewed) override {
    check_range(first, count);
    *viewed = 0;
    if (count == 0) return nullptr;
    const std::size_t f = file_of_event(first);
    // One mapped span at a time over all files, as for one file.
    if (viewing_ < parts_.size() && viewing_ != f && parts_[viewing_].reader) {
      std::size_t none = 0;
      parts_[viewing_].reader->view_rows(0, 0, &none);
    }
    viewing_ = f;
    const FilePart& p = parts_[f];
    return reader(f).view_rows(first - p.first, std::min(count, p.first + p.count - first), viewed);
  }

 private:
  void check_range(std::size_t first, std::size_t count) const {
    if (first > n_events_ || count > n_events_ - first)
      throw InputError(shown_ + ": events [" + std::to_string(first) + ", " + std::to_string(first + count) +
                       ") out of range (" + std::to_string(n_events_) + " events in " +
                       std::to_string(parts_.size()) + " files)");
  }

  // File f's reader, opened if closed; the least recently used other file is closed first
  // when kMaxOpen are open (never the one holding the current view).
  WaveformReader& reader(std::size_t f) const {
    FilePart& p = parts_[f];
    p.last_used = ++clock_;
    if (p.reader) return *p.reader;
    if (n_open_ >= kMaxOpen) {
      std::size_t victim = parts_.size();
      for (std::size_t i = 0; i < parts_.size(); ++i)
        if (parts_[i].reader && i != viewing_ && (victim == parts_.size() || parts_[i].last_used < parts_[victim].last_used))
          victim = i;
      if (victim < parts_.size()) {
        parts_[victim].reader.reset();
        --n_open_;
      }
    }
    p.reader = open_reader(p.path, options_);
    ++n_open_;
    return *p.reader;
  }

  OpenOptions options_;
  std::string shown_;
  mutable std::vector<FilePart> parts_;
  mutable std::size_t n_open_ = 0;
  mutable std::uint64_t clock_ = 0;
  std::size_t viewing_ = static_cast<std::size_t>(-1);
  std::vector<std::size_t> firsts_, local_;
  Format format_ = Format::Mjd;
  FieldMap fields_;
  std::size_t n_events_ = 0, n_samples_ = 0, chunk_events_ = 4096;
  double sample_period_ns_ = 0;
  std::vector<std::string> scalar_fields_;
};

}  // namespace

std::unique_ptr<WaveformReader> open_readers(const std::vector<std::string>& paths, const OpenOptions& options,
                                             const std::string& shown) {
  if (paths.empty()) throw InputError((shown.empty() ? std::string("data") : shown) + ": no file given");
  if (paths.size() == 1) return open_reader(paths.front(), options);
  return std::make_unique<ConcatReader>(paths, options, shown.empty() ? core::join_file_list(paths) : shown);
}

}  // namespace wl::io
