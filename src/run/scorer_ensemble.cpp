// A deep ensemble: K members trained alike from different seeds, each a complete run in
// member_k/. Its score is the members' mean; the spread of the members is written beside
// it (score_std), the ensemble's measure of how far an event is from what it learned.
#include <fstream>
#include <iterator>

#include "spread.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/file_names.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw core::InputError(p.string() + ": missing (an ensemble member is incomplete; retrain with --resume)");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EnsembleScorer : public Scorer {
 public:
  EnsembleScorer(const fs::path& run_dir, RunRecord r, const ScorerOptions& o) {
    record_ = std::move(r);
    if (o.mc_samples > 0)
      throw core::InputError(run_dir.string() + ": an ensemble; its spread is already the members' (--mc-samples "
                             "applies to a single network with dropout)");
    for (int k = 0; k < record_.ensemble_members; ++k) {
      const auto dir = run_dir / ensemble_member_dir(k);
      if (!fs::is_directory(dir))
        throw core::InputError(dir.string() + ": ensemble member missing (" + std::to_string(k) + " of " +
                               std::to_string(record_.ensemble_members) + " found)");
      members_.push_back(load_scorer(dir, o));
      check_same_preprocessing(run_dir, k);
      check_same_columns(dir, k);
    }
  }

  std::vector<ScoreColumn> columns() const override { return detail::with_spread_columns(members_[0]->columns()); }

  std::string description() const override {
    return "ensemble of " + std::to_string(members_.size()) + " x " + members_[0]->description();
  }

  // Members share the training split, so their fitted preprocessing is the same (checked
  // at load): the first member's reader serves them all.
  std::unique_ptr<EventSource> open(const std::string& data_file, const OpenOptions& o) const override {
    return members_[0]->open(data_file, o);
  }

  std::vector<double> score(EventSource& source, const std::vector<std::size_t>& rows) const override {
    detail::SpreadAccumulator acc(rows.size(), members_[0]->columns());
    for (const auto& m : members_) acc.add(m->score(source, rows));
    return acc.finish();
  }

  const Scorer& member(std::size_t k) const { return *members_.at(k); }

 private:
  void check_same_preprocessing(const fs::path& run_dir, int k) const {
    if (k == 0) return;
    const auto first = run_dir / ensemble_member_dir(0) / nn::kPreprocessFile;
    const auto mine = run_dir / ensemble_member_dir(k) / nn::kPreprocessFile;
    if (read_text(first) != read_text(mine))
      throw core::InputError(mine.string() + ": differs from " + first.string() +
                             "; the members of an ensemble must share their preprocessing");
  }

  // Averaging is only meaningful between members that score the same things alike.
  void check_same_columns(const fs::path& member_dir, int k) const {
    const auto a = members_.front()->columns(), b = members_[static_cast<std::size_t>(k)]->columns();
    bool same = a.size() == b.size();
    for (std::size_t c = 0; same && c < a.size(); ++c)
      same = a[c].name == b[c].name && a[c].kind == b[c].kind && a[c].target == b[c].target && a[c].level == b[c].level;
    if (!same || members_[static_cast<std::size_t>(k)]->record().task != members_.front()->record().task)
      throw core::InputError(member_dir.string() + ": scores other columns than " + ensemble_member_dir(0) +
                             " (another task or head); the members of an ensemble must be trained alike");
  }

  std::vector<std::unique_ptr<Scorer>> members_;
};

}  // namespace

std::vector<const Scorer*> ensemble_members(const Scorer& scorer) {
  std::vector<const Scorer*> out;
  if (const auto* e = dynamic_cast<const EnsembleScorer*>(&scorer))
    for (int k = 0; k < scorer.record().ensemble_members; ++k) out.push_back(&e->member(static_cast<std::size_t>(k)));
  return out;
}

std::unique_ptr<Scorer> make_ensemble_scorer(const fs::path& run_dir, const RunRecord& r, const ScorerOptions& o) {
  return std::make_unique<EnsembleScorer>(run_dir, r, o);
}

}  // namespace wl::run
