// Loader throughput: shuffled batches of the lectures' window (1000 samples of 3800-sample
// records, min-max normalised) from an MJD-format file, in-memory and streaming, at batch
// 64 and 256. The memcpy of the same bytes is the physical limit the in-memory loader
// is compared with. Counters: batches/s and events/s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/io/mjd_writer.hpp"

namespace {

constexpr std::size_t kEvents = 8192;
constexpr std::size_t kSamples = 3800;

struct Fixture {
  std::filesystem::path dir;
  std::shared_ptr<wl::data::Dataset> dataset;
  std::shared_ptr<wl::data::Preprocessor> pre;
  std::vector<std::size_t> rows;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("wl_bench_data_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "bench.h5").string();
    wl::io::MjdWriterOptions options;
    options.force = true;
    wl::io::MjdWriter writer(path, kEvents, kSamples, options);
    wl::core::Rng rng(5);
    std::vector<float> block(256 * kSamples);
    std::vector<double> energy(kEvents);
    std::vector<int64_t> tp0(kEvents), id(kEvents);
    std::vector<uint8_t> label(kEvents);
    for (std::size_t first = 0; first < kEvents; first += 256) {
      for (std::size_t e = 0; e < 256; ++e) {
        const std::size_t ev = first + e;
        energy[ev] = rng.uniform(100.0, 2700.0);
        tp0[ev] = 950 + static_cast<int64_t>(rng.below(100));
        id[ev] = static_cast<int64_t>(ev);
        label[ev] = rng.uniform() < 0.9;
        for (std::size_t i = 0; i < kSamples; ++i) {
          const double step = i > static_cast<std::size_t>(tp0[ev]) ? 1.0 : 0.0;
          block[e * kSamples + i] = static_cast<float>(200.0 + 2.0 * energy[ev] * step + rng.normal(0, 2));
        }
      }
      writer.write_waveforms(first, 256, block.data());
    }
    writer.write_field("energy_label", energy);
    writer.write_field("tp0", tp0);
    writer.write_field("id", id);
    writer.write_field("psd_label_low_avse", label);
    writer.commit();

    wl::data::DatasetConfig c;
    c.path = path;
    c.has_threshold = false;
    dataset = std::make_shared<wl::data::Dataset>(c);
    pre = std::make_shared<wl::data::Preprocessor>(wl::data::PreprocessConfig{}, 10.0, kSamples);
    rows.resize(dataset->size());
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void run_loader(benchmark::State& state, wl::data::StorageMode mode) {
  auto& f = fixture();
  wl::data::LoaderOptions o;
  o.batch_size = static_cast<std::size_t>(state.range(0));
  o.storage = mode;
  o.seed = 1;
  wl::data::BatchLoader loader(f.dataset, f.rows, f.pre, o);
  std::size_t epoch = 0, batches = 0;
  loader.start_epoch(epoch);
  wl::data::Batch b;
  for (auto _ : state) {
    if (!loader.next(b)) {
      loader.start_epoch(++epoch);
      loader.next(b);
    }
    benchmark::DoNotOptimize(b.x.data_ptr<float>());
    ++batches;
  }
  state.counters["batches/s"] = benchmark::Counter(static_cast<double>(batches), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(batches * o.batch_size), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(batches * o.batch_size * f.pre->window_length_samples() *
                                               sizeof(float)));
}

void BM_LoaderMemory(benchmark::State& state) { run_loader(state, wl::data::StorageMode::Memory); }
void BM_LoaderStream(benchmark::State& state) { run_loader(state, wl::data::StorageMode::Stream); }

// The physical limit of the in-memory loader: copying the same bytes.
void BM_MemcpyBatch(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) * 1000 * sizeof(float);
  std::vector<char> src(bytes * 64, 1), dst(bytes);
  std::size_t k = 0;
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data() + (k++ % 64) * bytes, bytes);
    benchmark::DoNotOptimize(dst.data());
  }
  state.counters["batches/s"] = benchmark::Counter(static_cast<double>(k), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(k * bytes));
}

}  // namespace

BENCHMARK(BM_LoaderMemory)->Arg(64)->Arg(256)->UseRealTime();
BENCHMARK(BM_LoaderStream)->Arg(64)->Arg(256)->UseRealTime();
BENCHMARK(BM_MemcpyBatch)->Arg(64)->Arg(256)->UseRealTime();
