#include "wavelearn/run/record.hpp"

#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::run {

bool RunRecord::is_binary() const { return task.rfind("binary", 0) == 0; }
// The quantile and gaussian heads are regressions that also estimate their uncertainty.
bool RunRecord::is_regression() const { return task == "regression" || task == "quantile" || task == "gaussian"; }

std::string chosen_on_validation(const RunRecord& r) {
  if (r.family == "neural" || r.family == "pretrain") return "the best epoch";
  if (r.model_type == "bdt") return "the boosting round";
  return "";
}

std::string history_step(const RunRecord& r) {
  if (r.family == "neural" || r.family == "pretrain") return "epoch";
  return r.model_type == "bdt" ? "boosting round" : "iteration";
}

std::string ensemble_member_dir(int k) { return "member_" + std::to_string(k); }

nlohmann::json to_json(const RunRecord& r) {
  const auto& f = r.split.fractions;
  nlohmann::json j = {{"format", "wavelearn-run"},
          {"version", 1},
          {"family", r.family},
          {"model_type", r.model_type},
          {"task", r.task},
          {"targets", r.targets},
          {"training_file", r.training_file},
          {"energy_threshold_kev", r.energy_threshold_kev},
          {"name", r.name},
          {"split",
           {{"train_fraction", f.train},
            {"validation_fraction", f.validation},
            {"test_fraction", f.test},
            {"group_by", core::to_string(r.split.group_by)},
            {"seed", r.split.seed},
            {"keyed", r.split.keyed}}}};
  if (r.ensemble_members > 0) j["ensemble_members"] = r.ensemble_members;
  if (!r.init_from.is_null()) j["init_from"] = r.init_from;
  return j;
}

RunRecord record_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    if (j.value("format", "") != "wavelearn-run") throw core::InputError(source + ": not a wavelearn run record");
    RunRecord r;
    r.family = j.at("family").get<std::string>();
    r.model_type = j.at("model_type").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.targets = j.at("targets").get<std::vector<std::string>>();
    r.training_file = j.at("training_file").get<std::string>();
    r.energy_threshold_kev = j.value("energy_threshold_kev", -1.0);
    r.name = j.value("name", "");
    const auto& s = j.at("split");
    r.split.fractions = {s.at("train_fraction").get<double>(), s.at("validation_fraction").get<double>(),
                         s.at("test_fraction").get<double>()};
    r.split.group_by = core::group_by_from_string(s.at("group_by").get<std::string>(), source + " split.group_by");
    r.split.seed = s.at("seed").get<uint64_t>();
    r.split.keyed = s.value("keyed", true);
    r.ensemble_members = j.value("ensemble_members", 0);
    if (j.contains("init_from")) r.init_from = j.at("init_from");
    if (r.ensemble_members < 0 || r.ensemble_members > kMaxEnsembleMembers)
      throw core::InputError(source + ": ensemble_members must be from 0 to " + std::to_string(kMaxEnsembleMembers));
    if (r.family != "neural" && r.family != "tabular" && r.family != "generator" &&
        r.family != "pretrain")
      throw core::InputError(source + ": unknown model family '" + r.family + "'");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(source + ": " + e.what());
  }
}

RunRecord read_run_record(const RunDir& dir) {
  const auto source = dir.file("run.json").string();
  if (!dir.has("run.json"))
    throw core::InputError(source + ": no run record (not a finished run directory, or one written by an older "
                           "wavelearn: train it again)");
  return record_from_json(dir.read_json("run.json"), source);
}

void write_run_record(const RunDir& dir, const RunRecord& r) { dir.write_json("run.json", to_json(r)); }

}  // namespace wl::run
