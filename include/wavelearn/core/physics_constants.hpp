#pragma once
// The one documented place for physics constants (keV unless the name says otherwise).
// Sources: NNDC/ENSDF 228Th decay-chain data (208Tl, 212Bi, 212Pb, 224Ra, 228Ac lines);
// escape peaks from the 511 keV electron rest energy. Intensities are gamma emissions per
// 100 228Th decays in secular equilibrium (rounded), used as relative line weights.
#include <array>

namespace wl::core {

inline constexpr double kElectronMassKev = 510.999;

inline constexpr double kTl208PeakKev = 2614.511;
inline constexpr double kDepKev = kTl208PeakKev - 2.0 * kElectronMassKev;  // 1592.5
inline constexpr double kSepKev = kTl208PeakKev - kElectronMassKev;        // 2103.5
inline constexpr double kTl208_583Kev = 583.191;

// 76Ge double-beta decay Q value (the region of interest of a 0vbb search).
inline constexpr double kGe76QbbKev = 2039.061;

struct GammaLine {
  double energy_kev;
  double intensity_percent;  // per 100 228Th decays
};

// Full-energy lines of the 228Th chain that a calibration spectrum shows.
inline constexpr std::array<GammaLine, 12> kTh228Lines{{
    {238.632, 43.6},   // 212Pb
    {300.087, 3.3},    // 212Pb
    {510.77, 8.1},     // 208Tl (x 0.359 branch)
    {583.191, 30.6},   // 208Tl
    {727.330, 6.7},    // 212Bi
    {763.13, 0.64},    // 208Tl
    {785.37, 1.1},     // 212Bi
    {860.564, 4.5},    // 208Tl
    {1078.62, 0.56},   // 212Bi
    {1512.7, 0.29},    // 212Bi
    {1620.50, 1.5},    // 212Bi
    {2614.511, 35.9},  // 208Tl
}};

// Germanium: mean energy per electron-hole pair and Fano factor (resolution model).
inline constexpr double kGePairEnergyEv = 2.96;
inline constexpr double kGeFanoFactor = 0.11;

// Gaussian FWHM = kFwhmPerSigma * sigma.
inline constexpr double kFwhmPerSigma = 2.354820045;

}  // namespace wl::core
