#include "event_columns.hpp"

namespace wl::run::detail {

std::vector<double> gather(const std::vector<double>& v, const std::vector<std::size_t>& rows) {
  std::vector<double> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = v[rows[i]];
  return out;
}

std::vector<uint8_t> as_flags(const std::vector<double>& v) {
  std::vector<uint8_t> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i] > 0.5 ? 1 : 0;
  return out;
}

std::vector<uint8_t> single_site_flags(const std::vector<double>* is_single_site,
                                       const std::vector<double>* n_sites) {
  if (is_single_site) return as_flags(*is_single_site);
  if (!n_sites) return {};
  std::vector<uint8_t> out(n_sites->size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = (*n_sites)[i] == 1.0 ? 1 : 0;
  return out;
}

}  // namespace wl::run::detail
