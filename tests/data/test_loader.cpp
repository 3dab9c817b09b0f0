#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "synthetic_file.hpp"
#include "test_paths.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"

using namespace wl::data;
using wl::core::InputError;

namespace {

class LoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new wl::test::TempDir("wl_test_loader");
    path_ = (*dir_ / "mjd.h5").string();
    wl::test::SyntheticSpec spec;
    spec.n_events = 437;
    spec.n_samples = 300;
    raw_ = new std::vector<float>(wl::test::write_synthetic(path_, spec));
  }
  static void TearDownTestSuite() {
    delete raw_;
    delete dir_;
  }

  static std::shared_ptr<Dataset> dataset() {
    DatasetConfig c;
    c.path = path_;
    c.has_threshold = false;
    c.targets = {"psd_label_low_avse", "energy"};
    c.open.chunk_events = 50;  // several chunks
    return std::make_shared<Dataset>(c);
  }
  // tp0 window with a pre-trigger baseline and a fitted standard scaler: every code path.
  static std::shared_ptr<Preprocessor> preprocessor(Dataset& ds, const std::vector<std::size_t>& train) {
    PreprocessConfig c;
    c.window = WindowMode::Tp0;
    c.window_length_ns = 1000;
    c.tp0_offset_ns = 200;
    c.baseline = BaselineMode::Pretrigger;
    c.pretrigger_start_ns = 0;
    c.pretrigger_length_ns = 500;
    c.normalization = Normalization::Amplitude;
    c.standard_scaler = true;
    auto pre = std::make_shared<Preprocessor>(c, ds.sample_period_ns(), ds.record_length_samples());
    fit_preprocessor(ds, ds.reader(), *pre, train);
    return pre;
  }
  static LoaderOptions options(std::size_t batch, StorageMode mode) {
    LoaderOptions o;
    o.batch_size = batch;
    o.seed = 11;
    o.storage = mode;
    return o;
  }

  static wl::test::TempDir* dir_;
  static std::string path_;
  static std::vector<float>* raw_;
};
wl::test::TempDir* LoaderTest::dir_ = nullptr;
std::string LoaderTest::path_;
std::vector<float>* LoaderTest::raw_ = nullptr;

std::vector<std::size_t> indices(const Batch& b) {
  const auto* p = b.index.data_ptr<int64_t>();
  return std::vector<std::size_t>(p, p + b.size);
}

}  // namespace

TEST_F(LoaderTest, BatchCountWithAndWithoutDropLast) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 1);
  auto pre = preprocessor(*ds, split.train);
  const std::size_t n = split.train.size();  // 305
  BatchLoader drop(ds, split.train, pre, options(64, StorageMode::Memory));
  EXPECT_EQ(drop.n_batches(), n / 64);
  auto o = options(64, StorageMode::Memory);
  o.drop_last = false;
  BatchLoader keep(ds, split.train, pre, o);
  EXPECT_EQ(keep.n_batches(), (n + 63) / 64);
  Batch b;
  std::size_t count = 0, last = 0;
  while (keep.next(b)) {
    ++count;
    last = b.size;
    EXPECT_EQ(b.x.size(0), static_cast<long>(b.size));
    EXPECT_EQ(b.x.size(1), static_cast<long>(pre->window_length_samples()));
    EXPECT_EQ(b.y.size(1), 2);
    EXPECT_EQ(b.x.dtype(), torch::kFloat32);
  }
  EXPECT_EQ(count, keep.n_batches());
  EXPECT_EQ(last, n % 64);
  count = 0;
  while (drop.next(b)) {
    ++count;
    EXPECT_EQ(b.size, 64u);
  }
  EXPECT_EQ(count, n / 64);
  EXPECT_FALSE(drop.next(b));  // stays at the end until the next epoch
}

TEST_F(LoaderTest, EveryTrainingEventOncePerEpoch) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 2);
  auto pre = preprocessor(*ds, split.train);
  auto o = options(32, StorageMode::Stream);
  o.drop_last = false;
  BatchLoader loader(ds, split.train, pre, o);
  for (std::size_t epoch : {0u, 1u}) {
    loader.start_epoch(epoch);
    std::vector<std::size_t> seen;
    Batch b;
    while (loader.next(b)) {
      const auto idx = indices(b);
      seen.insert(seen.end(), idx.begin(), idx.end());
    }
    std::vector<std::size_t> expected = split.train;
    std::sort(expected.begin(), expected.end());
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, expected) << "epoch " << epoch;
  }
  // With drop_last each event is seen at most once.
  BatchLoader drop(ds, split.train, pre, options(32, StorageMode::Stream));
  std::set<std::size_t> seen;
  std::size_t total = 0;
  Batch b;
  while (drop.next(b)) {
    for (auto i : indices(b)) seen.insert(i);
    total += b.size;
  }
  EXPECT_EQ(seen.size(), total);
  EXPECT_EQ(total, drop.n_batches() * 32);
}

TEST_F(LoaderTest, EpochOrderIsReproducibleAndChanges) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 3);
  auto pre = preprocessor(*ds, split.train);
  BatchLoader a(ds, split.train, pre, options(16, StorageMode::Memory));
  BatchLoader b(ds, split.train, pre, options(16, StorageMode::Memory));
  EXPECT_EQ(a.epoch_order(4), b.epoch_order(4));
  EXPECT_NE(a.epoch_order(4), a.epoch_order(5));
  // A resumed run (a new loader starting at epoch 5) sees the same batches.
  a.start_epoch(5);
  b.start_epoch(5);
  Batch x, y;
  while (a.next(x)) {
    ASSERT_TRUE(b.next(y));
    EXPECT_TRUE(torch::equal(x.index, y.index));
    EXPECT_TRUE(torch::equal(x.x, y.x));
  }
  // Another loader stream (validation) shuffles differently.
  auto o = options(16, StorageMode::Memory);
  o.stream = 9;
  BatchLoader c(ds, split.train, pre, o);
  EXPECT_NE(c.epoch_order(4), a.epoch_order(4));
  // No shuffle: rows in the given order.
  o.shuffle = false;
  BatchLoader d(ds, split.train, pre, o);
  EXPECT_EQ(d.epoch_order(3), split.train);
}

TEST_F(LoaderTest, MemoryAndStreamingGiveIdenticalBatches) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 4);
  auto pre = preprocessor(*ds, split.train);
  auto o = options(50, StorageMode::Memory);
  o.drop_last = false;
  BatchLoader mem(ds, split.validation, pre, o);
  o.storage = StorageMode::Stream;
  BatchLoader stream(ds, split.validation, pre, o);
  EXPECT_EQ(mem.storage(), StorageMode::Memory);
  EXPECT_EQ(stream.storage(), StorageMode::Stream);
  for (std::size_t epoch : {0u, 1u}) {
    mem.start_epoch(epoch);
    stream.start_epoch(epoch);
    Batch a, b;
    std::size_t n = 0;
    while (mem.next(a)) {
      ASSERT_TRUE(stream.next(b));
      EXPECT_TRUE(torch::equal(a.x, b.x));
      EXPECT_TRUE(torch::equal(a.y, b.y));
      EXPECT_TRUE(torch::equal(a.index, b.index));
      ++n;
    }
    EXPECT_FALSE(stream.next(b));
    EXPECT_EQ(n, mem.n_batches());
  }
}

TEST_F(LoaderTest, BatchContentsMatchTheRecords) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 5);
  auto pre = preprocessor(*ds, split.train);
  BatchLoader loader(ds, split.train, pre, options(20, StorageMode::Stream));
  Batch b;
  ASSERT_TRUE(loader.next(b));
  const std::size_t l = pre->window_length_samples();
  const std::size_t record = ds->record_length_samples();
  std::vector<float> expected(l);
  const auto idx = indices(b);
  for (std::size_t i = 0; i < b.size; ++i) {
    const std::size_t row = idx[i];
    const float* rec = raw_->data() + ds->file_event(row) * record;
    pre->transform(rec, 0, pre->window_start_for(ds->tp0(row)), expected.data());
    const float* got = b.x.data_ptr<float>() + i * l;
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), got)) << "row " << row;
    EXPECT_EQ(b.y[i][0].item<float>(), ds->targets(row)[0]);
    EXPECT_EQ(b.y[i][1].item<float>(), ds->targets(row)[1]);
  }
}

TEST_F(LoaderTest, HeldBatchesAreNeverOverwritten) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 6);
  auto pre = preprocessor(*ds, split.train);
  auto o = options(8, StorageMode::Memory);
  o.prefetch_batches = 1;
  BatchLoader loader(ds, split.train, pre, o);
  Batch first;
  ASSERT_TRUE(loader.next(first));
  const auto copy_x = first.x.clone();
  const auto copy_i = first.index.clone();
  auto view = first.x.narrow(1, 0, 3);  // a view keeps the storage alive too
  Batch b;
  for (int i = 0; i < 10 && loader.next(b); ++i) {
  }
  EXPECT_TRUE(torch::equal(first.x, copy_x));
  EXPECT_TRUE(torch::equal(first.index, copy_i));
  EXPECT_TRUE(torch::equal(view, copy_x.narrow(1, 0, 3)));
}

TEST_F(LoaderTest, StorageChosenByMemoryBudget) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 7);
  auto pre = preprocessor(*ds, split.train);
  EXPECT_EQ(resolve_storage(StorageMode::Auto, *pre, split.train.size(), 0), StorageMode::Stream);
  EXPECT_EQ(resolve_storage(StorageMode::Auto, *pre, split.train.size(), 1), StorageMode::Memory);
  EXPECT_EQ(resolve_storage(StorageMode::Stream, *pre, 1, 1000), StorageMode::Stream);
  auto o = options(8, StorageMode::Auto);
  o.max_memory_mb = 0;
  EXPECT_EQ(BatchLoader(ds, split.train, pre, o).storage(), StorageMode::Stream);
  o.max_memory_mb = 64;
  EXPECT_EQ(BatchLoader(ds, split.train, pre, o).storage(), StorageMode::Memory);
}

TEST_F(LoaderTest, RestartingAnEpochMidway) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 8);
  auto pre = preprocessor(*ds, split.train);
  BatchLoader loader(ds, split.train, pre, options(16, StorageMode::Stream));
  Batch a, b;
  ASSERT_TRUE(loader.next(a));
  const auto first_index = a.index.clone();
  ASSERT_TRUE(loader.next(b));
  loader.start_epoch(0);  // abandon the rest of the epoch
  ASSERT_TRUE(loader.next(a));
  EXPECT_TRUE(torch::equal(a.index, first_index));
  EXPECT_EQ(a.number, 0u);
  std::size_t n = 1;
  while (loader.next(b)) ++n;
  EXPECT_EQ(n, loader.n_batches());
}

TEST_F(LoaderTest, TrainingPipelineFromConfig) {
  auto config = wl::core::Config::parse("seed = 3\n[data]\nfile = \"" + path_ +
                                        "\"\nenergy_threshold_kev = 200.0\nbatch_size = 16\n"
                                        "targets = [\"psd_label_low_avse\"]\n"
                                        "[preprocess]\nwindow_start_ns = 1000\n"
                                        "window_length_ns = 1500\nstandard_scaler = true\n");
  auto data = prepare_training_data(config);
  EXPECT_NO_THROW(config.check_all_used());
  ASSERT_TRUE(data.train && data.validation);
  // A config without fractions holds out test events (60/20/20 by event id).
  ASSERT_NE(data.test, nullptr);
  EXPECT_FALSE(data.split.test.empty());
  EXPECT_EQ(data.train->n_rows(), data.split.train.size());
  EXPECT_EQ(data.train->window_length_samples(), 150u);
  EXPECT_EQ(data.train->n_batches(), data.split.train.size() / 16);
  EXPECT_TRUE(data.preprocessor->state().fitted);
  EXPECT_EQ(data.preprocessor->state().fit_events, data.split.train.size());
  // Fitted on the training rows only: refitting on validation rows gives other statistics.
  Preprocessor other(data.preprocessor->state().config, 10.0, 300);
  fit_preprocessor(*data.dataset, data.dataset->reader(), other, data.split.validation);
  EXPECT_NE(other.state().scaler_mean, data.preprocessor->state().scaler_mean);
  Preprocessor same(data.preprocessor->state().config, 10.0, 300);
  fit_preprocessor(*data.dataset, data.dataset->reader(), same, data.split.train);
  EXPECT_EQ(same.state().scaler_mean, data.preprocessor->state().scaler_mean);
  EXPECT_EQ(same.state().scaler_std, data.preprocessor->state().scaler_std);
  // The resolved config records the defaults that were used.
  EXPECT_NE(config.to_toml().find("train_fraction"), std::string::npos);

  // Prediction through preprocess.json gives the same windows for the same events.
  const auto json = *dir_ / "preprocess.json";
  data.preprocessor->save(json, true);
  auto pred = prepare_prediction_data(path_, json, 32);
  EXPECT_EQ(pred.dataset->size(), data.dataset->size());
  EXPECT_EQ(pred.dataset->target_names(), data.dataset->target_names());
  Batch b;
  data.validation->start_epoch(0);
  ASSERT_TRUE(data.validation->next(b));
  std::map<std::size_t, torch::Tensor> by_row;
  Batch p;
  while (pred.loader->next(p)) {
    for (std::size_t i = 0; i < p.size; ++i) by_row[indices(p)[i]] = p.x[i].clone();
  }
  EXPECT_EQ(by_row.size(), pred.dataset->size());
  for (std::size_t i = 0; i < b.size; ++i) {
    EXPECT_TRUE(torch::equal(by_row.at(indices(b)[i]), b.x[i]));
  }
}

TEST_F(LoaderTest, EnergyRegressionWithMinMaxIsRefused) {
  auto config = wl::core::Config::parse("[data]\nfile = \"" + path_ +
                                        "\"\ntargets = [\"energy\"]\nenergy_threshold_kev = 500.0\n");
  try {
    prepare_training_data(config);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("minmax"), std::string::npos) << msg;
    EXPECT_NE(msg.find("amplitude"), std::string::npos) << msg;
  }
  // A fresh config: defaults read by the failed attempt are recorded in the old one.
  auto fixed = wl::core::Config::parse("[data]\nfile = \"" + path_ +
                                       "\"\ntargets = [\"energy\"]\nenergy_threshold_kev = 500.0\n");
  fixed.set("preprocess.normalization=\"amplitude\"");
  fixed.set("preprocess.window_start_ns=0");
  fixed.set("preprocess.window_length_ns=3000");
  auto data = prepare_training_data(fixed);
  EXPECT_EQ(data.preprocessor->state().config.baseline, BaselineMode::Window);
  EXPECT_GT(data.preprocessor->state().amplitude_scale, 1.0);
  // Amplitude preserved: the window's late plateau scales with the energy.
  Batch b;
  ASSERT_TRUE(data.train->next(b));
  const auto plateau = b.x.select(1, 299);
  const auto energy = b.y.select(1, 0);
  const auto ratio = plateau / energy;
  EXPECT_LT((ratio.max() - ratio.min()).item<float>() / ratio.mean().item<float>(), 0.05);
}

TEST_F(LoaderTest, StressEpochRestartsAndHeldBatches) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 9);
  auto pre = preprocessor(*ds, split.train);
  for (std::size_t prefetch : {1u, 3u}) {
    for (auto mode : {StorageMode::Memory, StorageMode::Stream}) {
      auto o = options(7, mode);
      o.prefetch_batches = prefetch;
      o.drop_last = false;
      BatchLoader loader(ds, split.train, pre, o);
      std::vector<Batch> held;
      for (std::size_t epoch = 0; epoch < 12; ++epoch) {
        loader.start_epoch(epoch);
        const auto order = loader.epoch_order(epoch);
        const std::size_t stop_after = epoch % 3 == 0 ? 3 : loader.n_batches();
        Batch b;
        std::size_t k = 0;
        while (k < stop_after && loader.next(b)) {
          ASSERT_EQ(b.number, k);
          const auto idx = indices(b);
          ASSERT_TRUE(std::equal(idx.begin(), idx.end(), order.begin() + k * 7)) << epoch << " " << k;
          if (k % 5 == 0) held.push_back(b);
          ++k;
        }
      }
      // Batches kept by the caller still hold their own rows' windows.
      const std::size_t l = pre->window_length_samples();
      std::vector<float> expected(l);
      for (const auto& b : held) {
        const auto idx = indices(b);
        const std::size_t row = idx[0];
        const float* rec = raw_->data() + ds->file_event(row) * ds->record_length_samples();
        pre->transform(rec, 0, pre->window_start_for(ds->tp0(row)), expected.data());
        ASSERT_TRUE(std::equal(expected.begin(), expected.end(), b.x.data_ptr<float>()));
      }
    }
  }
}

TEST(LoaderPeriod, SixteenNanosecondFile) {
  wl::test::TempDir dir("wl_test_loader16");
  wl::test::SyntheticSpec spec;
  spec.n_events = 120;
  spec.n_samples = 1000;
  spec.sample_period_ns = 16.0;
  spec.tp0_min = 400;
  spec.tp0_max = 450;
  wl::test::write_synthetic(dir / "lh16.h5", spec);
  auto config = wl::core::Config::parse("[data]\nfile = \"" + (dir / "lh16.h5").string() +
                                        "\"\nbatch_size = 8\n");
  auto data = prepare_training_data(config);
  EXPECT_DOUBLE_EQ(data.dataset->sample_period_ns(), 16.0);
  EXPECT_EQ(data.preprocessor->state().window_start_samples, 313u);  // 5000 ns / 16 ns
  EXPECT_EQ(data.train->window_length_samples(), 625u);              // 10000 ns / 16 ns
  Batch b;
  ASSERT_TRUE(data.train->next(b));
  EXPECT_EQ(b.x.size(1), 625);
}

TEST(TrainingPlan, ReadsEveryKeyWithoutTouchingTheFile) {
  auto config = wl::core::Config::parse(
      "seed = 9\n[data]\nfile = \"/nonexistent/never_opened.h5\"\nbatch_size = 32\n"
      "stratify = \"psd_label_low_avse\"\ntest_fraction = 0.0\nepocs = 3\n"
      "[preprocess]\nwindow = \"tp0\"\n", "plan.toml");
  const auto plan = plan_training_data(config);
  EXPECT_EQ(plan.seed, 9u);
  EXPECT_EQ(plan.loader.batch_size, 32u);
  EXPECT_EQ(plan.stratify_by, "psd_label_low_avse");
  EXPECT_EQ(plan.preprocess.window, WindowMode::Tp0);
  EXPECT_EQ(config.unused_keys(), (std::vector<std::string>{"data.epocs"}));
  EXPECT_THROW(config.check_all_used(), InputError);
  // The file is only opened when preparing.
  EXPECT_THROW(prepare_training_data(plan), InputError);
  auto bad = wl::core::Config::parse("[data]\nfile = \"x.h5\"\ntrain_fraction = 0.8\n"
                                     "validation_fraction = 0.3\n");
  EXPECT_THROW(plan_training_data(bad), InputError);
  auto trap = wl::core::Config::parse("[data]\nfile = \"x.h5\"\ntargets = [\"energy\"]\n");
  EXPECT_THROW(plan_training_data(trap), InputError);
}

TEST_F(LoaderTest, EmptyValidationAndTestSplit) {
  auto config = wl::core::Config::parse("[data]\nfile = \"" + path_ +
                                        "\"\ntrain_fraction = 1.0\nvalidation_fraction = 0.0\n"
                                        "batch_size = 100\n[preprocess]\n"
                                        "window_start_ns = 0\nwindow_length_ns = 2000\n");
  auto data = prepare_training_data(config);
  EXPECT_EQ(data.split.train.size(), 437u);
  EXPECT_TRUE(data.split.validation.empty());
  ASSERT_TRUE(data.validation);
  EXPECT_EQ(data.validation->n_batches(), 0u);
  Batch b;
  EXPECT_FALSE(data.validation->next(b));
  EXPECT_EQ(data.train->n_batches(), 4u);
}

// Every preset in configs/ that has a [data] section is a valid data plan.
TEST(TrainingPlan, PresetsInConfigsArePlannable) {
  const std::filesystem::path dir = std::filesystem::path(WL_SOURCE_DIR) / "configs";
  ASSERT_TRUE(std::filesystem::exists(dir)) << dir;
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    auto config = wl::core::Config::load(entry.path());
    if (!config.has_section("data") || !config.has_section("preprocess")) continue;
    config.set_string("data.file", "never_opened.h5", "test");
    EXPECT_NO_THROW(plan_training_data(config)) << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

// Data-parallel shares (LoaderOptions::shard_rank): rank r's batch k is part r of the
// unsharded batch k, rows and windows alike, so the ranks together train on one process's
// batches; a global batch that does not split evenly is refused.
TEST_F(LoaderTest, ShardsArePartsOfTheGlobalBatches) {
  auto ds = dataset();
  const auto split = make_split(*ds, SplitConfig{}, 7);
  auto pre = preprocessor(*ds, split.train);
  BatchLoader whole(ds, split.train, pre, options(12, StorageMode::Memory));
  std::vector<std::unique_ptr<BatchLoader>> shards;
  for (std::size_t r = 0; r < 3; ++r) {
    auto o = options(12, r == 1 ? StorageMode::Stream : StorageMode::Memory);
    o.shard_rank = r;
    o.shard_count = 3;
    shards.push_back(std::make_unique<BatchLoader>(ds, split.train, pre, o));
    EXPECT_EQ(shards.back()->n_batches(), whole.n_batches());
  }
  ASSERT_GT(whole.n_batches(), 1u);
  whole.start_epoch(1);
  for (auto& s : shards) s->start_epoch(1);
  Batch w, part;
  while (whole.next(w)) {
    for (std::size_t r = 0; r < 3; ++r) {
      ASSERT_TRUE(shards[r]->next(part));
      ASSERT_EQ(part.size, 4u);
      const auto all = indices(w);
      EXPECT_EQ(indices(part), std::vector<std::size_t>(all.begin() + 4 * r, all.begin() + 4 * (r + 1)));
      EXPECT_TRUE(torch::equal(part.x, w.x.narrow(0, static_cast<int64_t>(4 * r), 4)));
    }
  }
  for (auto& s : shards) EXPECT_FALSE(s->next(part));
  auto o = options(10, StorageMode::Memory);
  o.shard_count = 3;
  EXPECT_THROW({ BatchLoader refused(ds, split.train, pre, o); }, InputError);
}
