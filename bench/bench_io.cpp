// LEGEND-200 encoded waveforms: decode speed of the two codecs on the real raw file's
// waveforms (tests/io/data, in memory), and the reader's pass over a 2048-event encoded
// file (radware, 1400 samples, lgdo layout) against the same pass over plain float32 rows
// of the same size. items_per_second = waveforms/s; bytes_per_second = decoded samples
// as int16 (2 bytes each), i.e. the raw array a plain file would have stored.
// (Benchmark names avoid "window"/"whole": scripts/bench picks those for its read rows.)
#include <benchmark/benchmark.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "../tests/io/l200_fixtures.hpp"
#include "wavelearn/io/codecs.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

namespace {

constexpr std::size_t kEvents = 2048, kSamples = 1400;

struct Encoded {
  std::vector<std::vector<std::uint8_t>> bytes;  // one waveform per channel
  std::size_t n_samples = 0;
  std::int32_t shift = 0;
};

// Every waveform of the real file's stream, split by cumulative_length (zstd-compressed:
// read once wl_io has registered its filter).
Encoded real_waveforms(const char* stream) {
  Encoded e;
  auto probe = wl::io::open_reader(wl::test::l200_file());  // registers the zstd filter
  const hid_t f = H5Fopen(wl::test::l200_file().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  auto read_1d = [&](const std::string& path, hid_t type, std::size_t item, std::size_t* n) {
    const hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    *n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<std::uint8_t> buf(*n * item);
    H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    H5Sclose(space);
    H5Dclose(d);
    return buf;
  };
  for (const char* ch : {"ch1105600", "ch1105604", "ch1107202", "ch1113600", "ch1115200", "ch1115205"}) {
    const std::string values = std::string("/") + ch + "/raw/" + stream + "/values";
    std::size_t n_bytes = 0, n_events = 0, one = 0;
    const auto bytes = read_1d(values + "/encoded_data/flattened_data", H5T_NATIVE_UINT8, 1, &n_bytes);
    const auto ends_raw = read_1d(values + "/encoded_data/cumulative_length", H5T_NATIVE_UINT64, 8, &n_events);
    const auto* ends = reinterpret_cast<const std::uint64_t*>(ends_raw.data());
    for (std::size_t i = 0; i < n_events; ++i) {
      const std::uint64_t lo = i ? ends[i - 1] : 0;
      e.bytes.emplace_back(bytes.begin() + std::ptrdiff_t(lo), bytes.begin() + std::ptrdiff_t(ends[i]));
    }
    const auto size = read_1d(values + "/decoded_size", H5T_NATIVE_INT64, 8, &one);
    e.n_samples = static_cast<std::size_t>(*reinterpret_cast<const std::int64_t*>(size.data()));
  }
  H5Fclose(f);
  e.shift = std::string(stream) == "waveform_windowed" ? -32768 : 0;
  return e;
}

void decode_loop(benchmark::State& state, const char* stream, wl::io::codec::Codec codec) {
  const Encoded e = real_waveforms(stream);
  std::vector<std::int32_t> out(e.n_samples);
  std::size_t encoded_bytes = 0;
  for (const auto& b : e.bytes) encoded_bytes += b.size();
  for (auto _ : state) {
    for (const auto& b : e.bytes) {
      wl::io::codec::decode(codec, b.data(), b.size(), e.shift, out.data(), out.size());
      benchmark::DoNotOptimize(out.data());
    }
  }
  const auto n = static_cast<std::int64_t>(e.bytes.size()) * state.iterations();
  state.SetItemsProcessed(n);
  state.SetBytesProcessed(n * static_cast<std::int64_t>(e.n_samples * 2));
  state.counters["samples"] = double(e.n_samples);
  state.counters["compression"] = double(e.bytes.size() * e.n_samples * 2) / double(encoded_bytes);
}

void BM_L200DecodeRadwareSigcompress(benchmark::State& state) {
  decode_loop(state, "waveform_windowed", wl::io::codec::Codec::RadwareSigcompress);
}
void BM_L200DecodeUleb128ZigzagDiff(benchmark::State& state) {
  decode_loop(state, "waveform_presummed", wl::io::codec::Codec::Uleb128ZigzagDiff);
}
BENCHMARK(BM_L200DecodeRadwareSigcompress);
BENCHMARK(BM_L200DecodeUleb128ZigzagDiff);

struct Files {
  std::filesystem::path dir;
  std::string encoded, plain;
  Files() {
    dir = std::filesystem::temp_directory_path() / ("wl_bench_io_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    encoded = (dir / "encoded.lh5").string();
    plain = (dir / "plain.h5").string();
    wl::test::write_lh5_encoded(encoded, "ch0", kEvents, kSamples);
    wl::io::MjdWriterOptions options;
    options.force = true;
    wl::io::MjdWriter writer(plain, kEvents, kSamples, options);
    std::vector<float> row(kSamples);
    for (std::size_t e = 0; e < kEvents; ++e) {
      for (std::size_t j = 0; j < kSamples; ++j) row[j] = float(wl::test::encoded_sample(e, j));
      writer.write_waveforms(e, 1, row.data());
    }
    writer.commit();
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Files& files() {
  static const Files f;
  return f;
}

void reader_pass(benchmark::State& state, const std::string& path) {
  auto reader = wl::io::open_reader(path);
  constexpr std::size_t kChunk = 256;
  std::vector<float> buf(kChunk * kSamples);
  for (auto _ : state) {
    for (std::size_t first = 0; first < kEvents; first += kChunk) {
      reader->read_window(first, std::min(kChunk, kEvents - first), 0, kSamples, buf.data());
      benchmark::DoNotOptimize(buf.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(kEvents) * state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(kEvents * kSamples * 2) * state.iterations());
}

void BM_ReaderEncodedRadware2048x1400(benchmark::State& state) { reader_pass(state, files().encoded); }
void BM_ReaderPlainFloat32_2048x1400(benchmark::State& state) { reader_pass(state, files().plain); }
BENCHMARK(BM_ReaderEncodedRadware2048x1400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReaderPlainFloat32_2048x1400)->Unit(benchmark::kMillisecond);

}  // namespace
