#pragma once
// What really happened in a simulated event (written as truth_* fields beside the labels).
#include <array>
#include <cstdint>

namespace wl::sim {

// truth_event_class codes (stable: written into files).
enum class EventClass : int32_t {
  kBulkSingleSite = 0,   // gamma interaction at one site in the bulk (signal-like)
  kBulkMultiSite = 1,    // gamma energy split over 2-4 sites with distinct drift times
  kNearPointContact = 2, // very short drift: sharp current, high A/E
  kSurfaceAlpha = 3,     // passivated surface: degraded energy, delayed charge recovery
  kTransitionLayer = 4,  // n+ surface: slow final rise (late charge), degraded energy
};
inline constexpr int kNumEventClasses = 5;
const char* event_class_name(EventClass c);

// truth_process codes: how the energy got into the detector.
enum class Process : int32_t {
  kFullEnergy = 0,  // full-energy peak of a 228Th line
  kDoubleEscape = 1,// 2614.5 keV pair production, both 511 keV photons escape (1592.5)
  kSingleEscape = 2,// one 511 keV photon escapes (2103.5)
  kCompton = 3,     // Compton continuum below a line
  kAlpha = 4,       // surface alpha (no gamma line)
};
const char* process_name(Process p);

inline constexpr int kMaxSites = 4;

struct EventTruth {
  int64_t id = 0;
  int32_t detector = 0;
  int32_t run_number = 0;
  int32_t tp0 = 0;                  // sample where the rise starts
  EventClass event_class = EventClass::kBulkSingleSite;
  Process process = Process::kFullEnergy;
  float line_kev = 0;               // source line (0 for alphas)
  float energy_kev = 0;             // deposited energy
  float visible_energy_kev = 0;     // collected charge in keV after Fano/trapping/losses
  int32_t n_sites = 1;
  std::array<float, kMaxSites> site_energy_kev{};  // visible, sums to visible_energy_kev
  std::array<float, kMaxSites> site_drift_ns{};
  float drift_time_ns = 0;          // of the site with the most energy
  float drift_spread_ns = 0;        // max - min site drift time
  float delayed_fraction = 0;       // alpha: delayed charge; transition layer: late charge
  float delayed_tau_ns = 0;
  bool pileup = false;
  float pileup_offset_ns = 0;       // second pulse start relative to tp0
  float pileup_energy_kev = 0;
};

}  // namespace wl::sim
