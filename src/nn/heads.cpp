#include "wavelearn/nn/heads.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "heads_interval.hpp"
#include "heads_pretrain.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/roc.hpp"

namespace wl::nn {

namespace {

bool binary_kind(const std::string& k) {
  return k == "binary_sigmoid" || k == "binary_logits" || k == "binary_ce";
}

std::string num(double v) { return detail::float_literal(v); }

// One regression target, column 0, whatever else the head estimates.
bool single_regression(const std::string& k) { return k == "regression" || detail::interval_kind(k); }

double auc_or_nan(const torch::Tensor& score, const torch::Tensor& label) {
  auto s = score.to(torch::kDouble).contiguous();
  auto l = label.to(torch::kDouble).contiguous();
  std::vector<double> sv(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
  std::vector<uint8_t> lv(static_cast<std::size_t>(l.numel()));
  std::size_t n_signal = 0;
  for (std::size_t i = 0; i < lv.size(); ++i) n_signal += (lv[i] = l.data_ptr<double>()[i] > 0.5);
  if (n_signal == 0 || n_signal == lv.size()) return std::nan("");
  for (double v : sv)
    if (!std::isfinite(v)) return std::nan("");
  return eval::roc_auc(sv, lv);
}

}  // namespace

HeadSpec head_spec_from(const core::Config& c, const std::vector<std::string>& target_names,
                        int64_t n_classes, const std::string& energy_field) {
  HeadSpec s;
  s.target_names = target_names;
  s.n_classes = n_classes;
  s.kind = c.get<std::string>("task.kind", s.kind);
  if (is_pretraining_kind(s.kind)) detail::read_pretrain_keys(c, s);
  if (s.kind == "quantile") s.quantiles = c.get<std::vector<double>>("task.quantiles", kDefaultQuantiles);
  if (single_regression(s.kind) || s.kind == "multitask") {
    if (!detail::interval_kind(s.kind)) {
      s.activation = c.get<std::string>("task.activation", s.activation);
      s.loss = c.get<std::string>("task.loss", s.loss);
    }
    s.scale_auto = c.get<bool>("task.scale_auto", s.scale_auto);
    if (!s.scale_auto) {
      s.target_offset = c.get<std::vector<double>>("task.target_offset");
      s.target_scale = c.get<std::vector<double>>("task.target_scale");
    }
  }
  if (s.kind == "multitask") {
    s.task_weights = c.get<std::vector<double>>(
        "task.task_weights", std::vector<double>(target_names.size(), 1.0));
  }
  for (const auto& name : target_names)
    s.is_regression.push_back(single_regression(s.kind) ||
                              (name == "energy" || name == energy_field ||
                               name.find("energy") != std::string::npos));
  return s;
}

Head::Head(HeadSpec spec) : spec_(std::move(spec)) {
  const auto& k = spec_.kind;
  const auto n_t = spec_.target_names.size();
  auto bad = [](const std::string& key, const std::string& what) {
    throw core::InputError("task." + key + ": " + what);
  };
  if (is_pretraining_kind(k)) {
    detail::check_pretrain_spec(spec_);
    return;
  }
  if (!binary_kind(k) && k != "multiclass" && !single_regression(k) && k != "multitask")
    bad("kind", "unknown task '" + k +
                    "' (binary_sigmoid, binary_logits, binary_ce, multiclass, regression, multitask, quantile, "
                    "gaussian, masked_patches)");
  if (n_t == 0) bad("kind", "the data has no target (data.targets)");
  if (k == "multiclass" && spec_.n_classes < 2)
    bad("kind", "multiclass needs a class target (data.multiclass = \"first_fail\" or \"bits\")");
  if (single_regression(k) || k == "multitask") {
    if (spec_.activation != "none" && spec_.activation != "sigmoid")
      bad("activation", "unknown activation '" + spec_.activation + "' (none, sigmoid)");
    if (spec_.loss != "mse" && spec_.loss != "l1" && spec_.loss != "smooth_l1")
      bad("loss", "unknown loss '" + spec_.loss + "' (mse, l1, smooth_l1)");
    if (spec_.target_offset.empty()) spec_.target_offset.assign(n_t, 0.0);
    if (spec_.target_scale.empty()) spec_.target_scale.assign(n_t, 1.0);
    if (spec_.target_offset.size() != n_t || spec_.target_scale.size() != n_t)
      bad("target_scale", "needs one value per target (" + std::to_string(n_t) + ")");
  }
  if (k == "multitask") {
    if (spec_.task_weights.empty()) spec_.task_weights.assign(n_t, 1.0);
    if (spec_.task_weights.size() != n_t)
      bad("task_weights", "needs one weight per target (" + std::to_string(n_t) + ")");
    double sum = 0.0;
    for (const double w : spec_.task_weights) {
      if (!(w >= 0.0)) bad("task_weights", "must be >= 0");
      sum += w;
    }
    if (!(sum > 0.0)) bad("task_weights", "must not all be 0 (nothing would be learned)");
  }
  if (detail::interval_kind(k)) detail::check_interval_spec(spec_);
  if (spec_.is_regression.size() != n_t) spec_.is_regression.assign(n_t, single_regression(k));
}

int64_t Head::n_outputs() const {
  const auto& k = spec_.kind;
  if (k == "binary_sigmoid" || k == "binary_logits" || k == "regression") return 1;
  if (k == "binary_ce" || k == "gaussian") return 2;
  if (k == "quantile") return static_cast<int64_t>(spec_.quantiles.size());
  if (k == "multiclass") return spec_.n_classes;
  if (is_pretraining_kind(k)) return 0;
  return static_cast<int64_t>(spec_.target_names.size());
}

int Head::label_column() const { return binary_kind(spec_.kind) ? 0 : -1; }

torch::Tensor Head::regression_loss(const torch::Tensor& out, const torch::Tensor& target) const {
  const auto pred = spec_.activation == "sigmoid" ? torch::sigmoid(out) : out;
  if (spec_.loss == "l1") return torch::l1_loss(pred, target);
  if (spec_.loss == "smooth_l1") return torch::smooth_l1_loss(pred, target);
  return torch::mse_loss(pred, target);
}

torch::Tensor Head::loss(const torch::Tensor& out, const torch::Tensor& targets) const {
  const auto& k = spec_.kind;
  if (k == "binary_sigmoid")
    return torch::binary_cross_entropy(torch::sigmoid(out), targets.narrow(1, 0, 1));
  if (k == "binary_logits")
    return torch::binary_cross_entropy_with_logits(out, targets.narrow(1, 0, 1));
  if (k == "binary_ce") return torch::cross_entropy_loss(out, targets.select(1, 0).to(torch::kLong));
  if (k == "multiclass")
    return torch::cross_entropy_loss(out, targets.select(1, targets.size(1) - 1).to(torch::kLong));
  if (detail::interval_kind(k)) return detail::interval_loss(spec_, out, targets);
  if (is_pretraining_kind(k)) return detail::masked_error(out).mean();
  if (k == "regression") {
    const auto t = (targets.narrow(1, 0, 1) - spec_.target_offset[0]) / spec_.target_scale[0];
    return regression_loss(out, t);
  }
  torch::Tensor total;
  for (std::size_t i = 0; i < spec_.target_names.size(); ++i) {
    const auto o = out.narrow(1, static_cast<int64_t>(i), 1);
    auto t = targets.narrow(1, static_cast<int64_t>(i), 1);
    torch::Tensor l;
    if (spec_.is_regression[i]) {
      l = regression_loss(o, (t - spec_.target_offset[i]) / spec_.target_scale[i]);
    } else {
      l = torch::binary_cross_entropy_with_logits(o, t);
    }
    l = l * spec_.task_weights[i];
    total = total.defined() ? total + l : l;
  }
  return total;
}

torch::Tensor Head::score(const torch::Tensor& out) const {
  const auto& k = spec_.kind;
  if (k == "binary_sigmoid" || k == "binary_logits") return torch::sigmoid(out);
  if (k == "binary_ce") return torch::softmax(out, 1).narrow(1, 1, 1);
  if (k == "multiclass") return torch::softmax(out, 1);
  if (detail::interval_kind(k)) return detail::interval_score(spec_, out);
  if (is_pretraining_kind(k)) return detail::masked_error(out).unsqueeze(1);
  std::vector<torch::Tensor> cols;
  for (std::size_t i = 0; i < spec_.target_names.size() && (k == "multitask" || i == 0); ++i) {
    auto o = out.narrow(1, static_cast<int64_t>(i), 1);
    if (spec_.is_regression[i]) {
      if (spec_.activation == "sigmoid") o = torch::sigmoid(o);
      cols.push_back(o * spec_.target_scale[i] + spec_.target_offset[i]);
    } else {
      cols.push_back(torch::sigmoid(o));
    }
  }
  return torch::cat(cols, 1);
}

std::string Head::score_source() const {
  const auto& k = spec_.kind;
  std::ostringstream s;
  s << "def score(self, x):\n    out = self.forward(x)\n";
  if (k == "binary_sigmoid" || k == "binary_logits") {
    s << "    return torch.sigmoid(out)\n";
  } else if (k == "binary_ce") {
    s << "    return torch.softmax(out, 1)[:, 1:2]\n";
  } else if (k == "multiclass") {
    s << "    return torch.softmax(out, 1)\n";
  } else if (detail::interval_kind(k)) {
    s << detail::interval_score_source(spec_);
  } else if (is_pretraining_kind(k)) {
    s << detail::masked_error_source();
  } else {
    s << "    cols: List[Tensor] = []\n";
    for (std::size_t i = 0; i < spec_.target_names.size() && (k == "multitask" || i == 0); ++i) {
      const std::string o = "out[:, " + std::to_string(i) + ":" + std::to_string(i + 1) + "]";
      if (spec_.is_regression[i]) {
        const std::string a = spec_.activation == "sigmoid" ? "torch.sigmoid(" + o + ")" : o;
        s << "    cols.append(" << a << " * " << num(spec_.target_scale[i]) << " + "
          << num(spec_.target_offset[i]) << ")\n";
      } else {
        s << "    cols.append(torch.sigmoid(" << o << "))\n";
      }
    }
    s << "    return torch.cat(cols, 1)\n";
  }
  return s.str();
}

std::vector<std::string> Head::score_names() const {
  const auto& k = spec_.kind;
  if (binary_kind(k)) return {"score"};
  if (k == "multiclass") {
    std::vector<std::string> names;
    for (int64_t c = 0; c < spec_.n_classes; ++c) names.push_back("score_class" + std::to_string(c));
    return names;
  }
  if (k == "regression") return {"pred_" + spec_.target_names[0]};
  if (detail::interval_kind(k)) return detail::interval_score_names(spec_);
  if (is_pretraining_kind(k)) return {"masked_mse"};
  std::vector<std::string> names;
  for (std::size_t i = 0; i < spec_.target_names.size(); ++i)
    names.push_back((spec_.is_regression[i] ? "pred_" : "score_") + spec_.target_names[i]);
  return names;
}

std::string Head::metric_name() const {
  const auto& k = spec_.kind;
  if (binary_kind(k)) return "auc";
  if (k == "multiclass") return "accuracy";
  if (single_regression(k)) return "rmse";
  if (is_pretraining_kind(k)) return "masked_mse";
  return "mean_auc";
}

bool Head::metric_higher_is_better() const {
  return !single_regression(spec_.kind) && !is_pretraining_kind(spec_.kind);
}

double Head::metric(const torch::Tensor& scores, const torch::Tensor& targets) const {
  const auto& k = spec_.kind;
  if (scores.size(0) == 0) return std::nan("");
  if (binary_kind(k)) return auc_or_nan(scores.select(1, 0), targets.select(1, 0));
  if (is_pretraining_kind(k)) return scores.select(1, 0).to(torch::kDouble).mean().item<double>();
  if (k == "multiclass") {
    const auto truth = targets.select(1, targets.size(1) - 1).to(torch::kLong);
    return scores.argmax(1).eq(truth).to(torch::kDouble).mean().item<double>();
  }
  if (single_regression(k)) {
    const auto estimate = scores.select(1, detail::estimate_column(spec_)).to(torch::kDouble);
    return (estimate - targets.select(1, 0).to(torch::kDouble)).pow(2).mean().sqrt().item<double>();
  }
  double sum = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < spec_.target_names.size(); ++i) {
    if (spec_.is_regression[i]) continue;
    const double a = auc_or_nan(scores.select(1, static_cast<int64_t>(i)),
                                targets.select(1, static_cast<int64_t>(i)));
    if (std::isfinite(a)) {
      sum += a;
      ++n;
    }
  }
  return n ? sum / n : std::nan("");
}

void Head::fit_target_scaling(const torch::Tensor& train_targets) {
  if (!spec_.scale_auto || (!single_regression(spec_.kind) && spec_.kind != "multitask")) return;
  auto t = train_targets.to(torch::kDouble);
  for (std::size_t i = 0; i < spec_.target_names.size(); ++i) {
    if (!spec_.is_regression[i]) continue;
    const auto col = t.select(1, static_cast<int64_t>(i));
    spec_.target_offset[i] = col.mean().item<double>();
    const double sd = col.numel() > 1 ? col.std().item<double>() : 0.0;
    spec_.target_scale[i] = sd > 0 && std::isfinite(sd) ? sd : 1.0;
  }
}

std::string Head::to_json() const {
  nlohmann::json j;
  j["kind"] = spec_.kind;
  j["target_names"] = spec_.target_names;
  j["n_classes"] = spec_.n_classes;
  j["activation"] = spec_.activation;
  j["loss"] = spec_.loss;
  j["scale_auto"] = spec_.scale_auto;
  j["target_offset"] = spec_.target_offset;
  j["target_scale"] = spec_.target_scale;
  j["task_weights"] = spec_.task_weights;
  j["is_regression"] = spec_.is_regression;
  j["quantiles"] = spec_.quantiles;
  if (is_pretraining_kind(spec_.kind)) {
    j["mask_ratio"] = spec_.mask_ratio;
    j["mask_span_samples"] = spec_.mask_span_samples;
  }
  j["score_names"] = score_names();
  j["metric"] = metric_name();
  return j.dump();
}

Head Head::from_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw core::InputError(std::string("model metadata: not valid JSON: ") + e.what());
  }
  HeadSpec s;
  try {
    s.kind = j.at("kind").get<std::string>();
    s.target_names = j.at("target_names").get<std::vector<std::string>>();
    s.n_classes = j.at("n_classes").get<int64_t>();
    s.activation = j.at("activation").get<std::string>();
    s.loss = j.at("loss").get<std::string>();
    s.scale_auto = j.at("scale_auto").get<bool>();
    s.target_offset = j.at("target_offset").get<std::vector<double>>();
    s.target_scale = j.at("target_scale").get<std::vector<double>>();
    s.task_weights = j.at("task_weights").get<std::vector<double>>();
    s.is_regression = j.at("is_regression").get<std::vector<bool>>();
    s.quantiles = j.value("quantiles", std::vector<double>());  // absent in models of older versions
    s.mask_ratio = j.value("mask_ratio", s.mask_ratio);
    s.mask_span_samples = j.value("mask_span_samples", s.mask_span_samples);
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(std::string("model metadata: head: ") + e.what());
  }
  return Head(std::move(s));
}

}  // namespace wl::nn
