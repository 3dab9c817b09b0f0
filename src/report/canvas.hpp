#pragma once
// PLplot plumbing shared by every figure kind (internal to wl_report): the serialised
// cairo stream, the report palette and colour maps, marker glyphs, and the atomic
// PNG + SVG pair with the SVG's text description.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "wavelearn/report/figure.hpp"

namespace wl::report::detail {

// cmap0 slots: 0 background (white), 1..8 the palette, then fixed helper colours.
inline constexpr int kGridColor = 12;     // light grey grid lines
inline constexpr int kScratchColor = 13;  // set right before use (cell shades)
inline constexpr int kMissingColor = 14;  // points whose colour value is NaN

// Series::color (palette index, wraps) -> cmap0 index.
int palette_index(int palette_color);
// The palette colour as RGB (e.g. to blend it for cell shades).
void palette_rgb(int palette_color, int& r, int& g, int& b);

// cmap1: kSequential for counts (viridis: dark = few, yellow = many); kBlueRed for a
// value from low (blue) to high (red), as SHAP beeswarms show feature values.
enum class ColorScale { kSequential, kBlueRed };
void use_color_scale(ColorScale scale);

// Drawn as text by cairo: the same glyph in the plot and in the legend.
const char* marker_glyph(Marker m);

// A PLplot string as plain text for the SVG description: superscripts inline, subscripts
// after '_', "##" as '#'.
std::string plain_text(const std::string& plplot_text);

// Character size on the current page, as fractions of the page width and height, at
// text scale 1 (for layout estimates before drawing).
struct CharSize {
  double w = 0.01, h = 0.02;  // glyph width (page-width fraction), height (page-height fraction)
  double h_in_w = 0.013;      // glyph height as a fraction of the page width (rotated text)
};
CharSize char_size();

// Opens <stem>.png then <stem>.svg, each with a w x h page, calls draw on it, and renames
// it into place. `texts` become the SVG's <title> (the first) and <desc> (all of them).
std::vector<std::filesystem::path> render_pages(const std::filesystem::path& stem, int w, int h,
                                                const std::vector<std::string>& texts,
                                                const std::function<void()>& draw);

}  // namespace wl::report::detail
