#include "wavelearn/report/tables.hpp"

#include <cmath>

namespace wl::report {

Table multiclass_table(const eval::MulticlassConfusion& m, const std::vector<std::string>& names) {
  Table t;
  t.caption = "Per-class metrics (accuracy " + format_number(m.accuracy()) + ", macro F1 " +
              format_number(m.macro_f1()) + ")";
  t.header = {"class", "events", "precision", "recall", "F1"};
  for (int k = 0; k < m.n_classes; ++k) {
    std::size_t n = 0;
    for (auto c : m.counts[k]) n += c;
    t.rows.push_back({k < static_cast<int>(names.size()) ? names[k] : std::to_string(k),
                      std::to_string(n), format_number(m.precision(k)), format_number(m.recall(k)),
                      format_number(m.f1(k))});
  }
  return t;
}

Table regression_table(const eval::RegressionMetrics& m, const std::string& unit) {
  Table t;
  t.caption = "Regression metrics (residual = predicted - true)";
  t.header = {"metric", "value"};
  t.rows = {{"events", std::to_string(m.n)},
            {"MSE [" + unit + "^2]", format_number(m.mse)},
            {"RMSE [" + unit + "]", format_number(m.rmse)},
            {"MAE [" + unit + "]", format_number(m.mae)},
            {"mean residual [" + unit + "]", format_number(m.mean_residual)},
            {"median residual [" + unit + "]", format_number(m.median_residual)},
            {"FWHM, interpolated half maximum [" + unit + "]",
             format_number(m.resolution.fwhm_interpolated)},
            {"FWHM, Gaussian fit [" + unit + "]", format_number(m.resolution.fwhm_gaussian)}};
  return t;
}

Table resolution_table(const std::vector<eval::ResolutionBin>& bins, const std::string& caption) {
  Table t;
  t.caption = caption;
  t.header = {"region",
              "true energy [keV]",
              "events",
              "median residual [keV]",
              "FWHM interp. [keV]",
              "FWHM Gauss [keV]"};
  for (const auto& b : bins) {
    t.rows.push_back({b.name.empty() ? "bin" : b.name,
                      format_number(b.lo_kev, 6) + " - " + format_number(b.hi_kev, 6),
                      std::to_string(b.n), format_number(b.median_residual_kev),
                      format_number(b.resolution.fwhm_interpolated),
                      format_number(b.resolution.fwhm_gaussian)});
  }
  return t;
}

}  // namespace wl::report
