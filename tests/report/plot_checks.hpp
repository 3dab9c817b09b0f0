#pragma once
// Checks shared by the plot tests: both files written and well-formed, the SVG's text
// description, and a scratch directory per test. WL_KEEP_PLOTS=<dir> keeps the plots there
// for a person to look at.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "wavelearn/report/plots.hpp"

namespace plot_checks {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A fresh directory; under WL_KEEP_PLOTS when set (not removed), else in /tmp.
inline fs::path plot_dir(const std::string& name) {
  const char* keep = std::getenv("WL_KEEP_PLOTS");
  const fs::path d =
      keep ? fs::path(keep) / name
           : fs::temp_directory_path() / ("wl_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline void done_with(const fs::path& d) {
  if (!std::getenv("WL_KEEP_PLOTS")) fs::remove_all(d);
}

// The SVG's <desc>: every string the plot shows (cairo draws text as outlines).
inline std::string svg_desc(const fs::path& svg) {
  const std::string doc = slurp(svg);
  const auto a = doc.find("<desc>"), b = doc.find("</desc>");
  if (a == std::string::npos || b == std::string::npos) return "";
  return doc.substr(a + 6, b - a - 6);
}

// A PNG (signature, more than a blank page) and an SVG with its description.
inline void expect_png_and_svg(const wl::report::Paths& p) {
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].extension(), ".png");
  EXPECT_EQ(p[1].extension(), ".svg");
  const auto png = slurp(p[0]);
  ASSERT_GT(png.size(), 5000u) << p[0];
  EXPECT_EQ(png.substr(1, 3), "PNG") << p[0];
  const auto svg = slurp(p[1]);
  EXPECT_NE(svg.find("<svg"), std::string::npos) << p[1];
  EXPECT_NE(svg.find("</svg>"), std::string::npos) << p[1];
  EXPECT_NE(svg.find("<title>"), std::string::npos) << p[1];
  EXPECT_GT(svg.size(), 5000u) << p[1];
}

// Every expected string appears among the plot's texts.
inline void expect_texts(const fs::path& svg, std::initializer_list<const char*> texts) {
  const std::string desc = svg_desc(svg);
  for (const char* t : texts)
    EXPECT_NE(desc.find(t), std::string::npos) << "'" << t << "' not in:\n" << desc;
}

}  // namespace plot_checks
