#include "wavelearn/run/warnings.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/report/html.hpp"

namespace wl::run {

namespace {

// A Gaussian-core FWHM and the direct half-maximum reading disagree beyond this fraction:
// the peak is not Gaussian (tails, a second peak) or the fit went wrong.
constexpr double kFwhmDisagreement = 0.25;

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

void width_warnings(const std::string& where, const PeakWidth& p, std::vector<std::string>& w) {
  if (p.n < eval::kMinEventsForFwhm) return;
  const double a = p.fwhm_fit_kev, b = p.fwhm_direct_kev;
  if (!p.fit_error.empty()) {
    w.push_back(where + ": the peak fit failed (" + p.fit_error + "); only the direct half-maximum reading (" +
                report::format_number(b) + " keV) is shown");
  } else if (std::isfinite(a) && std::isfinite(b) && std::fabs(a - b) > kFwhmDisagreement * std::max(a, b)) {
    w.push_back(where + ": the Gaussian + step fit (" + report::format_number(a) +
                " keV FWHM) disagrees with the direct half-maximum reading (" + report::format_number(b) +
                " keV); quote neither without looking at the spectrum");
  }
}

void regression_warnings(const RegressionResult& g, std::vector<std::string>& w) {
  for (const auto& p : g.peaks) {
    width_warnings("model energy at " + p.name, p.model, w);
    width_warnings("trapezoid-filter energy at " + p.name, p.reference, w);
  }
}

// A/E labels: the current amplitude A and an energy E among the inputs make A/E.
bool ae_from_parts(const std::string& label, const std::vector<std::string>& features) {
  if (!starts_with(label, "psd_label_low_avse") && !starts_with(label, "psd_label_high_avse") && label != "psd_pass")
    return false;
  bool a = false, e = false;
  for (const auto& f : features) {
    a |= starts_with(f, "current_amp");
    e |= starts_with(f, "energy");
  }
  return a && e;
}

}  // namespace

std::vector<std::string> derived_from_label(const std::string& label, const std::vector<std::string>& features) {
  std::vector<const char*> prefixes;
  if (starts_with(label, "psd_label_low_avse") || starts_with(label, "psd_label_high_avse")) prefixes = {"avse"};
  if (starts_with(label, "psd_label_dcr")) prefixes = {"dcr"};
  if (starts_with(label, "psd_label_lq")) prefixes = {"lq"};
  if (label == "psd_pass") prefixes = {"avse", "dcr", "lq"};  // every cut defines it
  std::vector<std::string> out;
  for (const auto& f : features)
    for (const auto& p : prefixes)
      if (starts_with(f, p)) {
        out.push_back(f);
        break;
      }
  return out;
}

std::vector<std::string> collect_warnings(const RunRecord& r, const nlohmann::json& training,
                                          const std::vector<std::string>& features, const EvaluationResults& res) {
  std::vector<std::string> w;
  if (training.is_object() && training.contains("converged") && !training["converged"].get<bool>())
    w.push_back("not converged: " + training.value("convergence", std::string("see the training curves")));
  if (training.is_object() && training.contains("ensemble") && training["ensemble"].contains("warning"))
    w.push_back(training["ensemble"]["warning"].get<std::string>());
  if (!r.targets.empty()) {
    const auto circular = derived_from_label(r.targets.front(), features);
    for (const auto& f : circular)
      w.push_back("input '" + f + "' is derived from the label's own cut (" + r.targets.front() +
                  "): agreement with the label can come from reproducing the cut, not from the pulse shape");
    if (ae_from_parts(r.targets.front(), features))
      w.push_back("inputs 'current_amp_adc_per_ns' and an energy together form A/E, the label's own cut (" +
                  r.targets.front() + "): the model can rebuild the cut from them");
  }
  if (!res.binary.empty() && res.binary.front().score.size() > 1) {
    const auto& s = res.binary.front().score;
    if (std::all_of(s.begin(), s.end(), [&](double v) { return v == s.front(); }))
      w.push_back("the model gives every evaluated event the same score: a collapsed network (every hidden unit "
                  "dead for every input); retrain with train.warmup_steps (e.g. 100), a lower train.lr or another "
                  "train.init_seed");
  }
  if (!res.binary.empty() && res.reference) {
    for (const auto& s : eval::worse_than_reference(res.binary.front().psd, res.reference->psd, res.reference->name))
      w.push_back((s.find("not matched") == std::string::npos ? kWorseThanAePrefix : "") + s);
  }
  if (res.regression) regression_warnings(*res.regression, w);
  return w;
}

}  // namespace wl::run
