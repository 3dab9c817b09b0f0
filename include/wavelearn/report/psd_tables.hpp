#pragma once
// Tables of a PSD classifier judged as a germanium analysis judges it (eval/psd.hpp): every
// efficiency with its Clopper-Pearson interval and event count, the model beside the
// traditional cut at the same working point. `events` names the evaluated part ("test",
// "validation", "all") in every caption, so a page never calls validation events a test.
#include <string>
#include <vector>

#include "wavelearn/eval/psd.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::report {

// "93.1 % [92.0, 94.1] (n = 1520)"; "n/a (no events)" when n == 0.
std::string proportion_text(const eval::Proportion& p);

struct NamedPsd {
  std::string name;
  const eval::PsdEvaluation* psd;
};

// AUC with its interval, PR AUC, working point (threshold, DEP acceptance matched or not).
Table psd_summary_table(const std::vector<NamedPsd>& models, const std::string& events);
// Survival fraction per region at the working point, one column per model / cut.
Table survival_table(const std::vector<NamedPsd>& cuts, const std::string& events);
// True single-site efficiency and multi-site rejection per region, one column pair per cut.
Table truth_ci_table(const std::vector<NamedPsd>& cuts, const std::string& events);

}  // namespace wl::report
