// PSD evaluation: truth intervals, the JSON contract, and the reference comparison, on
// hand-made samples whose answers are known exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/pr.hpp"
#include "wavelearn/eval/psd.hpp"

using namespace wl::eval;
using nlohmann::json;

namespace {

std::set<std::string> keys(const json& j) {
  std::set<std::string> k;
  for (auto it = j.begin(); it != j.end(); ++it) k.insert(it.key());
  return k;
}

void push(PsdInputs& in, double energy_kev, double score, uint8_t label, uint8_t ae,
          uint8_t single_site) {
  in.energy_kev.push_back(energy_kev);
  in.score.push_back(score);
  in.is_signal.push_back(label);
  in.ae_pass.push_back(ae);
  in.truth_single_site.push_back(single_site);
}

// DEP: scores 0.05 .. 0.95, A/E keeps the 7 highest, the 3 lowest are truly multi-site.
// SEP: 0.1 0.2 0.3 (multi-site) 0.9 (single-site). FEP: 0.1 0.2 0.05, all multi-site.
// Compton: 0.5 0.6 multi-site. One event at 1000 keV outside every region.
PsdInputs sample() {
  using namespace wl::core;
  PsdInputs in;
  for (int i = 0; i < 10; ++i) push(in, kDepKev, 0.05 + 0.1 * i, 1, i >= 3, i >= 3);
  for (double s : {0.1, 0.2, 0.3}) push(in, kSepKev, s, 0, 0, 0);
  push(in, kSepKev, 0.9, 0, 1, 1);
  for (double s : {0.1, 0.2, 0.05}) push(in, kTl208PeakKev, s, 0, 0, 0);
  for (double s : {0.5, 0.6}) push(in, kGe76QbbKev, s, 0, 1, 0);
  push(in, 1000.0, 0.99, 1, 1, 1);
  in.bootstrap_replicas = 50;
  return in;
}

}  // namespace

TEST(Truth, ThreeRejectedOfThreeCarriesItsInterval) {
  const double dep = wl::core::kDepKev;
  const auto ev = truth_evaluation("cut", {0, 0, 0, 1}, {0, 0, 0, 1}, {dep, dep, dep, dep},
                                   default_truth_regions());
  const auto& d = ev.regions[0];
  EXPECT_DOUBLE_EQ(d.multi_site_rejection, 1.0);
  EXPECT_DOUBLE_EQ(d.mse_rejection.value, 1.0);
  EXPECT_EQ(d.mse_rejection.k, 3u);
  EXPECT_NEAR(d.mse_rejection.lo, 0.2924, 1e-4);
  EXPECT_DOUBLE_EQ(d.mse_rejection.hi, 1.0);
  EXPECT_DOUBLE_EQ(d.sse_efficiency.value, d.single_site_efficiency);
  EXPECT_DOUBLE_EQ(d.survival.value, d.survival_fraction);
  EXPECT_EQ(d.survival.n, 4u);
  // "100 % rejection" never appears without its interval.
  const json j = d;
  EXPECT_DOUBLE_EQ(j["mse_rejection"].get<double>(), 1.0);
  EXPECT_NEAR(j["mse_rejection_ci95"][0].get<double>(), 0.2924, 1e-4);
  EXPECT_DOUBLE_EQ(j["mse_rejection_ci95"][1].get<double>(), 1.0);
  EXPECT_EQ(j["n_mse"].get<std::size_t>(), 3u);
  EXPECT_EQ(j["n_sse"].get<std::size_t>(), 1u);
  EXPECT_DOUBLE_EQ(j["multi_site_rejection"].get<double>(), 1.0);  // old keys kept
  EXPECT_TRUE(j.contains("single_site_efficiency"));
  EXPECT_TRUE(j.contains("survival_fraction"));
  EXPECT_TRUE(j.contains("survival_ci95"));
  // An empty region: values and intervals null, counts 0.
  const json sep = ev.regions[1];
  EXPECT_TRUE(sep["sse_efficiency"].is_null());
  EXPECT_TRUE(sep["sse_efficiency_ci95"][0].is_null());
  EXPECT_EQ(sep["n_sse"].get<std::size_t>(), 0u);
}

TEST(Psd, EvaluationOnAKnownSample) {
  const auto in = sample();
  const auto e = evaluate_psd(in);
  EXPECT_EQ(e.n_events, 20u);
  EXPECT_DOUBLE_EQ(e.auc.auc, roc_auc(in.score, in.is_signal));
  EXPECT_LE(e.auc.lower, e.auc.upper);
  EXPECT_DOUBLE_EQ(e.pr_auc, pr_auc(in.score, in.is_signal));
  EXPECT_TRUE(e.wp.matched);
  EXPECT_EQ(e.wp.n_dep, 10u);
  EXPECT_NEAR(e.wp.threshold, 0.25, 1e-12);
  EXPECT_DOUBLE_EQ(e.wp.dep_acceptance, 0.7);
  EXPECT_DOUBLE_EQ(e.wp.model_dep_acceptance, 0.7);
  ASSERT_EQ(e.survival.size(), 4u);
  EXPECT_EQ(e.survival[1].survival.k, 2u);  // SEP: 0.3 and 0.9 pass
  EXPECT_EQ(e.survival[2].survival.k, 0u);  // FEP: none
  EXPECT_EQ(e.survival[3].survival.k, 2u);  // Compton: both
  ASSERT_EQ(e.truth.size(), 4u);
  EXPECT_EQ(e.truth[0].mse_rejection.k, 3u);  // the 3 multi-site DEP events fail
  EXPECT_DOUBLE_EQ(e.truth[0].sse_efficiency.value, 1.0);
  EXPECT_NEAR(e.truth[0].sse_efficiency.lo, std::pow(0.025, 1.0 / 7.0), 1e-12);
}

TEST(Psd, JsonContract) {
  const json j = evaluate_psd(sample());
  EXPECT_EQ(keys(j), (std::set<std::string>{"n_events", "auc", "auc_ci95", "pr_auc",
                                            "working_point", "truth"}));
  EXPECT_EQ(j["n_events"].get<std::size_t>(), 20u);
  ASSERT_EQ(j["auc_ci95"].size(), 2u);
  EXPECT_TRUE(j["auc_ci95"][0].is_number());
  const auto& wp = j["working_point"];
  EXPECT_EQ(keys(wp),
            (std::set<std::string>{"definition", "threshold", "dep_acceptance",
                                   "model_dep_acceptance", "matched", "n_dep", "survival"}));
  EXPECT_EQ(wp["definition"].get<std::string>(), "A/E DEP acceptance");
  EXPECT_TRUE(wp["matched"].get<bool>());
  EXPECT_EQ(wp["n_dep"].get<std::size_t>(), 10u);
  const std::set<std::string> regions{"DEP", "SEP", "FEP", "Compton"};
  EXPECT_EQ(keys(wp["survival"]), regions);
  for (const auto& r : regions) {
    EXPECT_EQ(keys(wp["survival"][r]), (std::set<std::string>{"value", "ci95", "n", "k"})) << r;
  }
  const auto& fep = wp["survival"]["FEP"];
  EXPECT_DOUBLE_EQ(fep["value"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(fep["ci95"][0].get<double>(), 0.0);
  EXPECT_NEAR(fep["ci95"][1].get<double>(), 0.7076, 1e-4);
  EXPECT_EQ(fep["n"].get<std::size_t>(), 3u);
  EXPECT_EQ(keys(j["truth"]), regions);
  for (const auto& r : regions) {
    EXPECT_EQ(keys(j["truth"][r]),
              (std::set<std::string>{"sse_efficiency", "sse_efficiency_ci95", "mse_rejection",
                                     "mse_rejection_ci95", "n_sse", "n_mse"}))
        << r;
  }
  EXPECT_DOUBLE_EQ(j["truth"]["DEP"]["mse_rejection"].get<double>(), 1.0);
  EXPECT_NEAR(j["truth"]["DEP"]["mse_rejection_ci95"][0].get<double>(), 0.2924, 1e-4);
  EXPECT_TRUE(j["truth"]["FEP"]["sse_efficiency"].is_null());   // no single-site event there
  EXPECT_EQ(to_json(evaluate_psd(sample())).dump(), j.dump());  // the one-argument form
}

TEST(Psd, OptionalInputs) {
  auto in = sample();
  in.truth_single_site.clear();
  EXPECT_FALSE(json(evaluate_psd(in)).contains("truth"));  // real data: no truth key
  // No A/E decisions: survival at the fallback threshold, flagged as unmatched.
  in.ae_pass.clear();
  auto e = evaluate_psd(in);
  EXPECT_FALSE(e.wp.matched);
  EXPECT_DOUBLE_EQ(e.wp.threshold, 0.5);
  EXPECT_EQ(e.survival.size(), 4u);
  json j = e;
  EXPECT_FALSE(j["working_point"]["matched"].get<bool>());
  EXPECT_TRUE(j["working_point"]["dep_acceptance"].is_null());
  // No energies: no working point, no survival.
  in.energy_kev.clear();
  in.bootstrap_replicas = 0;
  e = evaluate_psd(in);
  EXPECT_TRUE(e.survival.empty());
  j = e;
  EXPECT_TRUE(j["working_point"]["threshold"].is_null());
  EXPECT_TRUE(j["working_point"]["survival"].empty());
  EXPECT_TRUE(j["auc_ci95"][0].is_null());  // no bootstrap, no interval
  EXPECT_TRUE(j["auc"].is_number());
  // One class only: the AUC is undefined, not an exception.
  in.is_signal.assign(in.score.size(), 0);
  e = evaluate_psd(in);
  EXPECT_TRUE(std::isnan(e.auc.auc));
  EXPECT_TRUE(std::isnan(e.pr_auc));
}

TEST(Psd, BadInputThrows) {
  auto in = sample();
  in.score[3] = std::nan("");
  EXPECT_THROW(evaluate_psd(in), wl::core::InputError);
  in = sample();
  in.ae_pass.pop_back();
  EXPECT_THROW(evaluate_psd(in), wl::core::InputError);
  in = sample();
  in.energy_kev.clear();  // truth flags without energies cannot be placed in a region
  EXPECT_THROW(evaluate_psd(in), wl::core::InputError);
  in = sample();
  in.confidence = 1.0;
  EXPECT_THROW(evaluate_psd(in), wl::core::InputError);
}

TEST(Psd, EvaluateCutIsTheCutItself) {
  const auto in = sample();
  const auto c = evaluate_cut(in.ae_pass, in.energy_kev, in.truth_single_site);
  EXPECT_EQ(c.wp.definition, "fixed cut");
  EXPECT_TRUE(c.wp.matched);
  EXPECT_DOUBLE_EQ(c.wp.dep_acceptance, 0.7);
  EXPECT_TRUE(std::isnan(c.wp.threshold));
  EXPECT_TRUE(std::isnan(c.auc.auc));
  EXPECT_EQ(c.survival[1].survival.k, 1u);  // A/E keeps the SEP event at 0.9 only
  EXPECT_EQ(c.truth[1].mse_rejection.k, 3u);
  const json j = c;
  EXPECT_TRUE(j["auc"].is_null());
  EXPECT_EQ(keys(j["truth"]["SEP"]).size(), 6u);
}

namespace {
PsdEvaluation with_survival(std::size_t sep_k, std::size_t fep_k, std::size_t n) {
  PsdEvaluation e;
  e.wp.matched = true;
  for (const auto& [name, k] : {std::pair<std::string, std::size_t>{"DEP", n / 2},
                                {"SEP", sep_k},
                                {"FEP", fep_k},
                                {"Compton", 0}}) {
    e.survival.push_back({{name, 0.0, 1.0}, clopper_pearson(k, name == "Compton" ? 0 : n)});
  }
  return e;
}
}  // namespace

TEST(Psd, WorseThanReferenceNeedsDisjointIntervals) {
  // SEP 100/200 vs 20/200: intervals far apart -> warning. FEP 14/200 vs 10/200: overlapping
  // -> none, although the model's point estimate is higher. Compton: empty -> skipped.
  const auto model = with_survival(100, 14, 200);
  const auto ref = with_survival(20, 10, 200);
  auto w = worse_than_reference(model, ref, "the A/E cut");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("SEP: 50.0 % [", 0), 0u) << w[0];
  EXPECT_NE(w[0].find("the A/E cut"), std::string::npos);
  EXPECT_NE(w[0].find("(100/200)"), std::string::npos);
  EXPECT_TRUE(worse_than_reference(ref, model, "model").empty());  // better is not worse
  // Truth: rejection 100/200 vs 190/200 -> warning; efficiency 95/100 vs 96/100 -> none.
  PsdEvaluation m = model, r = ref;
  RegionCutResult mt, rt;
  mt.region = rt.region = {"FEP", 0.0, 1.0};
  mt.mse_rejection = clopper_pearson(100, 200);
  rt.mse_rejection = clopper_pearson(190, 200);
  mt.sse_efficiency = clopper_pearson(95, 100);
  rt.sse_efficiency = clopper_pearson(96, 100);
  m.truth = {mt};
  r.truth = {rt};
  w = worse_than_reference(m, r, "the A/E cut");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[1].find("FEP: the model rejects 50.0 %"), std::string::npos) << w[1];
  EXPECT_NE(w[1].find("multi-site"), std::string::npos);
  // An unmatched working point is said first.
  m.wp.matched = false;
  w = worse_than_reference(m, r, "the A/E cut");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NE(w[0].find("not matched"), std::string::npos) << w[0];
}
