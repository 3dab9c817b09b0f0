// Gradient-based and perturbation attributions of a TorchScript network, batch by batch.
#include "neural.hpp"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/explain/attribution.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/run/neural_access.hpp"

namespace wl::explain::detail {

namespace {

// The preprocessed windows of the rows, in the order given (N x L).
torch::Tensor load_windows(const data::PredictionData& pd, const std::vector<std::size_t>& rows, std::size_t batch) {
  data::LoaderOptions lo;
  lo.batch_size = batch;
  lo.shuffle = false;
  lo.drop_last = false;
  lo.storage = data::StorageMode::Stream;
  data::BatchLoader loader(pd.dataset, rows, pd.preprocessor, lo);
  loader.start_epoch(0);
  std::vector<torch::Tensor> parts;
  data::Batch b;
  while (loader.next(b)) parts.push_back(b.x.clone());
  return torch::cat(parts);
}

// Where the scorer put the network (--device): its first parameter's device.
c10::Device module_device(const torch::jit::Module& module) {
  for (const auto& p : module.parameters()) return p.device();
  return c10::Device(c10::DeviceType::CPU);
}

// The raw output a score column comes from: a logit (or logit difference) for classifiers,
// so that integrated gradients add up to a quantity that is not squashed by a sigmoid. The
// windows stay on the CPU; the copies to and from the network's device are differentiable,
// so every gradient method works unchanged on a GPU.
OutputFn output_fn(torch::jit::Module module, const std::string& task, std::size_t column) {
  const auto k = static_cast<int64_t>(column);
  const auto device = module_device(module);
  return [module, task, k, device](const torch::Tensor& x) mutable {
    auto out = module.forward({x.to(device)}).toTensor().to(x.device());
    if (out.dim() == 1) return out;
    if (task == "binary_ce") return out.select(1, 1) - out.select(1, 0);
    return out.select(1, std::min<int64_t>(k, out.size(1) - 1));
  };
}

// An ensemble's output: the mean of its members' raw outputs (their logits for a classifier).
// Every attribution method is linear in the function it explains, so this is also the mean
// of the members' attributions, and the completeness check holds for it as for one network.
OutputFn mean_output_fn(const std::vector<run::NeuralAccess>& members, const std::string& task, std::size_t column) {
  std::vector<OutputFn> fs;
  for (const auto& m : members) fs.push_back(output_fn(m.module, task, column));
  if (fs.size() == 1) return fs.front();
  return [fs](const torch::Tensor& x) {
    auto sum = fs.front()(x);
    for (std::size_t k = 1; k < fs.size(); ++k) sum = sum + fs[k](x);
    return sum / static_cast<double>(fs.size());
  };
}

// The network, or each member of an ensemble, over the same source (members share their
// preprocessing, checked when the ensemble is loaded).
std::vector<run::NeuralAccess> networks_of(const run::Scorer& scorer, run::EventSource& source) {
  std::vector<run::NeuralAccess> out;
  const auto members = run::ensemble_members(scorer);
  if (members.empty()) out.push_back(run::neural_access(scorer, source));
  for (const auto* m : members) out.push_back(run::neural_access(*m, source));
  // Gradients with respect to the input only: the weights' would double the backward pass.
  for (auto& n : out)
    for (auto p : n.module.parameters()) p.requires_grad_(false);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// One method over every event, batch by batch; the IG completeness goes to a.ig_rel_error.
torch::Tensor run_method(const std::string& method, const OutputFn& f, torch::jit::Module& module,
                         const torch::Tensor& windows, const torch::Tensor& baseline, const ExplainOptions& o,
                         double dt_ns, Attributions& a) {
  const int64_t n = windows.size(0), batch = static_cast<int64_t>(o.batch_size);
  const int64_t window = std::max<int64_t>(1, std::llround(o.occlusion_window_ns / dt_ns));
  const double stride_ns = o.occlusion_stride_ns > 0 ? o.occlusion_stride_ns : 0.5 * o.occlusion_window_ns;
  const int64_t stride = std::max<int64_t>(1, std::llround(stride_ns / dt_ns));
  std::vector<torch::Tensor> parts;
  for (int64_t first = 0; first < n; first += batch) {
    const auto x = windows.narrow(0, first, std::min(batch, n - first));
    const auto b = baseline.dim() == 1 ? baseline : baseline.narrow(0, first, x.size(0));
    if (method == "saliency") parts.push_back(saliency(f, x));
    else if (method == "gradient_x_input") parts.push_back(gradient_times_input(f, x));
    else if (method == "occlusion") parts.push_back(occlusion(f, x, b, window, stride));
    else if (method == "attention_rollout") {
      torch::NoGradGuard no_grad;
      std::vector<torch::Tensor> maps;
      for (const auto& m : module.get_method("attention")({x.to(module_device(module))}).toTensorVector())
        maps.push_back(m.cpu());
      parts.push_back(attention_rollout(maps, x.size(1)));
    } else {
      auto ig = integrated_gradients(f, x, b, o.ig_steps, 1024);
      parts.push_back(ig.attributions);
      for (const double e : to_vector(ig.rel_error)) a.ig_rel_error.push_back(e);
    }
  }
  return torch::cat(parts);
}

}  // namespace

Attributions explain_network(const run::Scorer& scorer, run::EventSource& source, const std::vector<std::size_t>& rows,
                             std::size_t column, const std::vector<std::string>& methods, const ExplainOptions& o) {
  auto networks = networks_of(scorer, source);
  auto& access = networks.front();
  at::set_num_threads(core::resolve_threads(o.threads));
  const auto& ds = *access.data.dataset;
  const auto& pre = *access.data.preprocessor;
  for (const auto& m : methods)
    if (m == "attention_rollout" && networks.size() > 1)
      throw core::InputError(scorer.description() + ": attention_rollout follows one network's attention; explain "
                             "a member (--model RUN/member_0)");
    else if (m == "attention_rollout" && !nn::has_method(access.module, "attention"))
      throw core::InputError(access.model_path + ": attention_rollout needs a transformer (the model has no "
                             "attention maps)");
  Attributions a;
  a.methods = methods;
  a.n_events = rows.size();
  a.length = pre.window_length_samples();
  a.sample_period_ns = ds.sample_period_ns();
  for (const auto r : rows) {
    const double tp0 = ds.tp0(r);
    a.tp0_in_window_ns.push_back(std::isfinite(tp0) ? (tp0 - double(pre.window_start_for(tp0))) * a.sample_period_ns
                                                    : std::nan(""));
  }
  const auto windows = load_windows(access.data, rows, o.batch_size);
  a.window = to_vector(windows);
  const auto baseline = o.baseline == "mean" ? windows.mean(0) : torch::zeros({windows.size(1)});
  const auto f = mean_output_fn(networks, scorer.record().task, column);
  for (const auto& m : methods) {
    const auto t0 = std::chrono::steady_clock::now();
    a.values[m] = to_vector(run_method(m, f, access.module, windows, baseline, o, a.sample_period_ns, a));
    a.events_per_s[m] = double(rows.size()) / std::max(seconds_since(t0), 1e-9);
  }
  return a;
}

}  // namespace wl::explain::detail
