// The classifier two-sample test: a small CNN (nn::build_cnn) learns to tell reference from
// candidate windows on half of each sample and is scored on the other half. If the two
// samples come from one distribution no classifier does better than chance on held-out
// events, so the test AUC is 0.5 within its interval; any difference the network can learn
// lifts it. The only libtorch unit of src/fidelity.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "samples.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/progress.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/nn/models.hpp"

namespace wl::fidelity::detail {

namespace {

constexpr std::uint64_t kSplitStream = 0x63327374;  // "c2st": one stream per class
constexpr std::uint64_t kShuffleStream = kSplitStream + 16;  // one stream per epoch

// Three conv blocks of 8, 16, 16 channels (kernels 9, 7, 5, batch norm, max pool 2), a
// 16-unit hidden layer: ~12k parameters on a 300-sample window, a second per epoch of 2000
// events on one core. GELU, not ReLU: on indistinguishable samples the best output is a
// constant, and ReLU units reach it exactly by dying (after ~6 epochs of 1000 events every
// score tied and the AUC interval shrank to [0.5, 0.5], a test that passes by collapsing).
nn::ModelSpec classifier_spec() {
  nn::ModelSpec s;
  s.type = "cnn";
  s.channels = {8, 16, 16};
  s.kernels = {9, 7, 5};
  s.strides = {1, 1, 1};
  s.paddings = {-1, -1, -1};
  s.pool = 2;
  s.batch_norm = true;
  s.fc_hidden = 16;
  s.activation = "gelu";
  return s;
}

template <class T>
void shuffle(std::vector<T>& v, core::Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

struct Split {
  torch::Tensor x_train, y_train, x_test, y_test;
};

// Each class shuffled with its own stream, the first part trains and the rest tests: both
// parts are balanced, and the split is a function of the seed alone.
Split split_classes(const Windows& ref, const Windows& cand, std::size_t n_train, std::uint64_t seed) {
  const auto n = static_cast<int64_t>(ref.n), len = static_cast<int64_t>(ref.length);
  auto x = torch::cat({torch::from_blob(const_cast<float*>(ref.values.data()), {n, len}),
                       torch::from_blob(const_cast<float*>(cand.values.data()), {n, len})});
  std::vector<int64_t> train, test;
  for (int64_t cls = 0; cls < 2; ++cls) {
    std::vector<int64_t> perm(ref.n);
    for (int64_t i = 0; i < n; ++i) perm[i] = i + cls * n;
    core::Rng rng(seed, kSplitStream + std::uint64_t(cls));
    shuffle(perm, rng);
    train.insert(train.end(), perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_train));
    test.insert(test.end(), perm.begin() + static_cast<std::ptrdiff_t>(n_train), perm.end());
  }
  auto take = [&](const std::vector<int64_t>& idx) { return x.index_select(0, torch::tensor(idx)); };
  auto labels = [&](const std::vector<int64_t>& idx) { return (torch::tensor(idx) >= n).to(torch::kFloat); };
  return {take(train), labels(train), take(test), labels(test)};
}

std::size_t batches_per_epoch(std::size_t n, std::size_t batch) {
  return n / batch + (n % batch > 1);  // a last batch of one event is dropped: batch norm needs 2
}

// The requested epochs, or (0) enough for min_steps optimiser steps, from 3 to 30: small
// samples need more passes to learn anything, large ones fewer.
int epochs_to_run(const C2stSettings& s, std::size_t n_train) {
  if (s.epochs > 0) return s.epochs;
  const auto per_epoch = std::max<std::size_t>(1, batches_per_epoch(n_train, s.batch_size));
  return int(std::clamp<std::size_t>((std::size_t(s.min_steps) + per_epoch - 1) / per_epoch, 3, 30));
}

double train_epoch(torch::jit::Module& model, torch::optim::Optimizer& opt, const Split& d, const C2stSettings& s,
                   std::uint64_t seed, int epoch, int epochs, bool quiet) {
  model.train();
  const auto n = static_cast<std::size_t>(d.x_train.size(0));
  std::vector<int64_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<int64_t>(i);
  core::Rng rng(seed, kShuffleStream + std::uint64_t(epoch));
  shuffle(order, rng);
  const auto idx = torch::tensor(order);
  const std::size_t batches = batches_per_epoch(n, s.batch_size);
  core::Progress progress("c2st epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs), batches, quiet);
  double sum = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const auto rows = idx.slice(0, int64_t(b * s.batch_size), int64_t(std::min(n, (b + 1) * s.batch_size)));
    const auto out = model.forward({d.x_train.index_select(0, rows)}).toTensor().squeeze(1);
    auto loss = torch::binary_cross_entropy_with_logits(out, d.y_train.index_select(0, rows));
    opt.zero_grad();
    loss.backward();
    opt.step();
    sum += loss.item<double>();
    progress.update(b + 1);
  }
  const double mean = batches ? sum / double(batches) : std::nan("");
  if (!std::isfinite(mean)) throw core::InputError("fidelity: the C2ST classifier diverged (training loss not finite)");
  char text[48];
  std::snprintf(text, sizeof text, "mean loss %.4f", mean);
  progress.finish(text);
  return mean;
}

// The logit of "candidate" per event, in batches, in eval mode (batch norm's running stats).
// Logits, not probabilities: on indistinguishable samples the network's outputs all sit
// within 1e-7 of 0.5, where float32 sigmoids tie and the AUC would collapse to exactly 0.5.
std::vector<double> scores(torch::jit::Module& model, const torch::Tensor& x, std::size_t batch) {
  model.eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t b = 0; b < x.size(0); b += int64_t(batch))
    parts.push_back(model.forward({x.slice(0, b, b + int64_t(batch))}).toTensor().squeeze(1));
  const auto p = torch::cat(parts).to(torch::kDouble).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

std::vector<std::uint8_t> classes(const torch::Tensor& y) {
  const auto c = y.to(torch::kUInt8).contiguous();
  return std::vector<std::uint8_t>(c.data_ptr<std::uint8_t>(), c.data_ptr<std::uint8_t>() + c.numel());
}

}  // namespace

C2stResult run_c2st(const Windows& ref, const Windows& cand, const C2stSettings& s, std::uint64_t seed, int threads,
                    bool quiet) {
  const auto t0 = std::chrono::steady_clock::now();
  at::set_num_threads(core::resolve_threads(threads));
  // As in train::Trainer: the plain interpreter runs the script's ops with less overhead.
  torch::jit::setGraphExecutorOptimize(false);
  C2stResult r;
  r.settings = s;
  r.window_samples = ref.length;
  r.n_per_class = ref.n;
  r.n_test_per_class = std::clamp<std::size_t>(std::size_t(std::lround(double(ref.n) * s.test_fraction)), 1, ref.n - 1);
  r.n_train_per_class = ref.n - r.n_test_per_class;
  const Split d = split_classes(ref, cand, r.n_train_per_class, seed);
  torch::manual_seed(seed);
  auto model = nn::build_cnn(classifier_spec(), int64_t(ref.length), 1);
  r.n_parameters = nn::count_parameters(model);
  r.model = "cnn: conv1d 8-16-16 channels, kernels 9-7-5, batch norm, GELU, max pool 2; dense 16; 1 logit";
  torch::optim::Adam opt(nn::parameter_list(model), torch::optim::AdamOptions(s.learning_rate));
  r.epochs = epochs_to_run(s, std::size_t(d.x_train.size(0)));
  for (int e = 0; e < r.epochs; ++e) r.epoch_loss.push_back(train_epoch(model, opt, d, s, seed, e, r.epochs, quiet));
  r.test_score = scores(model, d.x_test, s.batch_size);
  r.test_is_candidate = classes(d.y_test);
  const auto ci = eval::roc_auc_bootstrap(r.test_score, r.test_is_candidate, s.bootstrap_replicas, seed, 0.95, threads);
  r.auc = ci.auc;
  r.ci_lo = ci.lower;
  r.ci_hi = ci.upper;
  r.train_auc = eval::roc_auc(scores(model, d.x_train, s.batch_size), classes(d.y_train));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace wl::fidelity::detail
