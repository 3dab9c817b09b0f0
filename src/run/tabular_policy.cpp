#include "wavelearn/run/tabular_policy.hpp"

#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::run {

namespace {
constexpr const char* kPolicyFile = "preprocess.json";
}

std::string tabular_energy_column(const io::Table& t) {
  for (const char* name : {"energy_label", "energy_kev"})
    if (t.has(name)) return name;
  return "";
}

TabularPolicy read_tabular_policy(const RunDir& dir) {
  const auto j = dir.read_json(kPolicyFile);
  TabularPolicy p;
  try {
    p.model_type = j.at("model_type").get<std::string>();
    auto& m = p.matrix;
    m.features = j.at("features").get<std::vector<std::string>>();
    m.label = j.value("label", std::string());
    m.regression = j.value("task", std::string("classification")) == "regression";
    m.residual_of = j.value("residual_of", std::string());
    m.missing = j.at("missing").get<std::string>() == "keep" ? tabular::MissingPolicy::kKeep
                                                             : tabular::MissingPolicy::kDrop;
    m.drop_bad_quality = j.at("drop_bad_quality").get<bool>();
    m.energy_column = j.value("energy_column", std::string());
    m.energy_threshold = j.value("energy_threshold_kev", -1.0);
    p.class_weight = j.value("class_weight", std::string("none"));
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(dir.file(kPolicyFile).string() + ": " + e.what());
  }
  return p;
}

void write_tabular_policy(const RunDir& dir, const TabularPolicy& p) {
  const auto& m = p.matrix;
  dir.write_json(kPolicyFile, {{"model_type", p.model_type},
                               {"features", m.features},
                               {"label", m.label},
                               {"task", m.regression ? "regression" : "classification"},
                               {"residual_of", m.residual_of},
                               {"missing", m.missing == tabular::MissingPolicy::kKeep ? "keep" : "drop"},
                               {"drop_bad_quality", m.drop_bad_quality},
                               {"energy_column", m.energy_column},
                               {"energy_threshold_kev", m.energy_threshold},
                               {"class_weight", p.class_weight}});
}

}  // namespace wl::run
