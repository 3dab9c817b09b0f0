#include "canvas.hpp"

#include <plplot.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::report::detail {
namespace fs = std::filesystem;
namespace {

std::mutex& plplot_mutex() {
  static std::mutex m;
  return m;
}

// Colour-blind-friendly palette (Okabe-Ito order) after black.
constexpr std::array<std::array<int, 3>, 8> kPalette{{{0, 0, 0},
                                                      {0, 114, 178},
                                                      {230, 159, 0},
                                                      {0, 158, 115},
                                                      {213, 94, 0},
                                                      {204, 121, 167},
                                                      {140, 86, 75},
                                                      {128, 128, 128}}};
constexpr int kFirstSeriesColor = 2;  // cmap0 index 0 is the background, 1 black

void set_palette() {
  plscmap0n(16);
  plscol0(0, 255, 255, 255);
  for (std::size_t i = 0; i < kPalette.size(); ++i) {
    plscol0(static_cast<PLINT>(i + 1), kPalette[i][0], kPalette[i][1], kPalette[i][2]);
  }
  plscol0(kGridColor, 232, 232, 232);
  plscol0(kMissingColor, 170, 170, 170);
}

// PLplot exits the process when plinit cannot open a device, so check the driver first
// (Debian ships it separately from the library).
void require_device(const char* device) {
  static std::vector<std::string> known;
  if (known.empty()) {
    int n = 256;
    std::vector<const char*> menu(n), names(n);
    const char** m = menu.data();
    const char** d = names.data();
    plgDevs(&m, &d, &n);
    for (int i = 0; i < n; ++i) known.emplace_back(d[i]);
  }
  if (std::find(known.begin(), known.end(), device) == known.end()) {
    throw std::runtime_error(std::string("PLplot device ") + device +
                             " not available: install plplot-driver-cairo");
  }
}

// Opens a cairo stream on `file`, runs draw, closes the stream (which writes the file).
void with_stream(const char* device, const fs::path& file, int w, int h,
                 const std::function<void()>& draw) {
  std::lock_guard<std::mutex> lock(plplot_mutex());
  require_device(device);
  PLINT stream = 0;
  plmkstrm(&stream);
  if (stream < 0) throw std::runtime_error("PLplot: no free plot stream");
  plsdev(device);
  plsfnam(file.c_str());
  plspage(0, 0, w, h, 0, 0);
  set_palette();
  plinit();
  try {
    draw();
  } catch (...) {
    plend1();
    throw;
  }
  plend1();
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// Cairo names its surfaces with a process-wide counter ("surface25"); renumbering them in
// order of appearance makes the same figure give the same bytes in any process.
void renumber_surfaces(std::string& doc) {
  static const std::string kKey = "surface";
  std::vector<std::string> seen;
  std::string out;
  out.reserve(doc.size());
  std::size_t i = 0;
  while (i < doc.size()) {
    const auto k = doc.find(kKey, i);
    std::size_t d = k == std::string::npos ? doc.size() : k + kKey.size();
    while (d < doc.size() && std::isdigit(static_cast<unsigned char>(doc[d]))) ++d;
    if (k == std::string::npos || d == k + kKey.size()) {  // no number follows: keep as is
      out.append(doc, i, (k == std::string::npos ? doc.size() : d) - i);
      i = k == std::string::npos ? doc.size() : d;
      continue;
    }
    const std::string number = doc.substr(k + kKey.size(), d - k - kKey.size());
    auto it = std::find(seen.begin(), seen.end(), number);
    if (it == seen.end()) it = seen.insert(seen.end(), number);
    out.append(doc, i, k + kKey.size() - i);
    out += std::to_string(1 + (it - seen.begin()));
    i = d;
  }
  doc.swap(out);
}

// Cairo writes text as glyph outlines; <title>/<desc> keep the words findable. Also makes
// the file deterministic (renumber_surfaces).
void describe_svg(const fs::path& svg, const std::vector<std::string>& texts) {
  std::stringstream ss;
  ss << std::ifstream(svg, std::ios::binary).rdbuf();
  std::string doc = ss.str();
  const auto open = doc.find("<svg");
  const auto end = open == std::string::npos ? open : doc.find('>', open);
  if (end == std::string::npos) throw std::runtime_error(svg.string() + ": no <svg> element");
  std::string desc;
  for (const auto& t : texts) {
    const std::string p = plain_text(t);
    if (!p.empty()) desc += (desc.empty() ? "" : "\n") + xml_escape(p);
  }
  const std::string title = texts.empty() ? "" : xml_escape(plain_text(texts.front()));
  doc.insert(end + 1, "\n<title>" + title + "</title>\n<desc>" + desc + "</desc>");
  renumber_surfaces(doc);
  std::ofstream out(svg, std::ios::binary | std::ios::trunc);
  out << doc;
  if (!out) throw std::runtime_error(svg.string() + ": write failed");
}

}  // namespace

int palette_index(int palette_color) {
  const int n = static_cast<int>(kPalette.size());
  return kFirstSeriesColor - 1 + ((palette_color % n) + n) % n;
}

void palette_rgb(int palette_color, int& r, int& g, int& b) {
  const auto& c = kPalette[static_cast<std::size_t>(palette_index(palette_color) - 1)];
  r = c[0];
  g = c[1];
  b = c[2];
}

void use_color_scale(ColorScale scale) {
  plscmap1n(256);
  if (scale == ColorScale::kSequential) {
    // viridis at five points: perceptually uniform and readable in grey.
    PLFLT pos[] = {0, 0.25, 0.5, 0.75, 1};
    PLFLT r[] = {68 / 255., 59 / 255., 33 / 255., 94 / 255., 253 / 255.};
    PLFLT g[] = {1 / 255., 82 / 255., 145 / 255., 201 / 255., 231 / 255.};
    PLFLT b[] = {84 / 255., 139 / 255., 140 / 255., 98 / 255., 37 / 255.};
    plscmap1l(1, 5, pos, r, g, b, nullptr);
  } else {
    // SHAP's blue -> purple -> red: low and high stay distinct for red-green blindness.
    PLFLT pos[] = {0, 0.5, 1};
    PLFLT r[] = {0 / 255., 140 / 255., 255 / 255.};
    PLFLT g[] = {139 / 255., 40 / 255., 0 / 255.};
    PLFLT b[] = {251 / 255., 200 / 255., 82 / 255.};
    plscmap1l(1, 3, pos, r, g, b, nullptr);
  }
}

const char* marker_glyph(Marker m) {
  switch (m) {
    case Marker::kSquare:
      return "\u25A0";
    case Marker::kDiamond:
      return "\u25C6";
    case Marker::kTriangleUp:
      return "\u25B2";
    case Marker::kTriangleDown:
      return "\u25BC";
    case Marker::kStar:
      return "\u2605";
    case Marker::kCircle:
      break;
  }
  return "\u25CF";
}

std::string plain_text(const std::string& s) {
  // #u...#d is a superscript (mass numbers: kept as plain digits), #d...#u a subscript
  // (written "_bkg" so "1/ε_bkg" stays readable), ## a literal '#'.
  std::string out;
  int level = 0;  // > 0 inside a superscript, < 0 inside a subscript
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char e = s[i] == '#' && i + 1 < s.size() ? s[i + 1] : '\0';
    if (e == '#') out += '#';
    if (e == 'd' && level <= 0) out += '_';
    if (e == 'u') ++level;
    if (e == 'd') --level;
    if (e == '#' || e == 'u' || e == 'd') {
      ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

CharSize char_size() {
  PLFLT def_mm = 0, cur_mm = 0, x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  plgchr(&def_mm, &cur_mm);
  plgspa(&x0, &x1, &y0, &y1);
  CharSize c;
  if (x1 > x0 && y1 > y0 && def_mm > 0) {
    c.h = def_mm / (y1 - y0);
    c.w = 0.75 * def_mm / (x1 - x0);  // measured: cairo's sans glyphs average 0.75 of the height
    c.h_in_w = def_mm / (x1 - x0);
  }
  return c;
}

std::vector<fs::path> render_pages(const fs::path& stem, int w, int h,
                                   const std::vector<std::string>& texts,
                                   const std::function<void()>& draw) {
  if (stem.filename().empty()) throw wl::core::InputError("plot: empty output name");
  std::vector<fs::path> out;
  const std::pair<const char*, const char*> formats[] = {{"pngcairo", ".png"},
                                                         {"svgcairo", ".svg"}};
  for (const auto& [device, ext] : formats) {
    fs::path target = stem;
    target += ext;
    const bool svg = std::string(ext) == ".svg";
    wl::core::write_atomically(target, /*force=*/true, [&](const fs::path& tmp) {
      with_stream(device, tmp, w, h, draw);
      if (!fs::exists(tmp)) throw std::runtime_error(target.string() + ": PLplot wrote no file");
      if (svg) describe_svg(tmp, texts);
    });
    out.push_back(target);
  }
  return out;
}

}  // namespace wl::report::detail
