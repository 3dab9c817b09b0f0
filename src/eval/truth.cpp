#include "wavelearn/eval/truth.hpp"

#include <limits>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"

namespace wl::eval {

std::vector<EnergyRegion> default_truth_regions(double half_window_kev) {
  using namespace wl::core;
  return {{"DEP", kDepKev - half_window_kev, kDepKev + half_window_kev},
          {"SEP", kSepKev - half_window_kev, kSepKev + half_window_kev},
          {"FEP", kTl208PeakKev - half_window_kev, kTl208PeakKev + half_window_kev},
          {"Compton", kGe76QbbKev - 50.0, kGe76QbbKev + 50.0}};
}

namespace {

RegionCutResult region_result(const EnergyRegion& reg, const std::vector<uint8_t>& pass,
                              const std::vector<uint8_t>& truth_single_site,
                              const std::vector<double>& energy_kev, double confidence) {
  RegionCutResult r;
  r.region = reg;
  for (std::size_t i = 0; i < pass.size(); ++i) {
    if (!(energy_kev[i] >= reg.lo_kev && energy_kev[i] < reg.hi_kev)) continue;
    if (truth_single_site[i]) {
      ++r.n_single_site;
      r.single_site_pass += pass[i] != 0;
    } else {
      ++r.n_multi_site;
      r.multi_site_pass += pass[i] != 0;
    }
  }
  r.sse_efficiency = clopper_pearson(r.single_site_pass, r.n_single_site, confidence);
  r.mse_rejection = clopper_pearson(r.n_multi_site - r.multi_site_pass, r.n_multi_site, confidence);
  r.survival = clopper_pearson(r.single_site_pass + r.multi_site_pass,
                               r.n_single_site + r.n_multi_site, confidence);
  // Same arithmetic as before the intervals existed, so existing outputs do not change
  // in the last digit (1 - pass/n, not fail/n).
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double nss = r.n_single_site, nms = r.n_multi_site;
  r.single_site_efficiency = nss > 0 ? r.single_site_pass / nss : kNaN;
  r.multi_site_rejection = nms > 0 ? 1.0 - r.multi_site_pass / nms : kNaN;
  r.survival_fraction =
      nss + nms > 0 ? (r.single_site_pass + r.multi_site_pass) / (nss + nms) : kNaN;
  return r;
}

}  // namespace

CutTruthEvaluation truth_evaluation(const std::string& cut_name, const std::vector<uint8_t>& pass,
                                    const std::vector<uint8_t>& truth_single_site,
                                    const std::vector<double>& energy_kev,
                                    const std::vector<EnergyRegion>& regions, double confidence) {
  detail::check_same_size(pass.size(), truth_single_site.size(),
                          "truth_evaluation (cut vs truth flag)");
  detail::check_same_size(pass.size(), energy_kev.size(), "truth_evaluation (cut vs energy)");
  CutTruthEvaluation out;
  out.cut_name = cut_name;
  for (const auto& reg : regions) {
    if (!(reg.hi_kev > reg.lo_kev)) {
      throw wl::core::InputError("truth_evaluation: region " + reg.name + " has hi <= lo");
    }
    out.regions.push_back(region_result(reg, pass, truth_single_site, energy_kev, confidence));
  }
  return out;
}

std::vector<uint8_t> pass_from_score(const std::vector<double>& score, double threshold) {
  std::vector<uint8_t> pass(score.size());
  for (std::size_t i = 0; i < score.size(); ++i) pass[i] = score[i] > threshold;
  return pass;
}

}  // namespace wl::eval
