#pragma once
// A self-contained HTML report: inline CSS, images by relative link, tables of numbers.
// A tiny inline script counts the images that loaded and shows "images loaded: k of n"
// (also as data-images-loaded/-total on <body>), so a broken link is visible at once.
#include <filesystem>
#include <string>
#include <vector>

namespace wl::report {

struct Table {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Image {
  std::string path;  // relative to the HTML file, e.g. "plots/roc.png"
  std::string caption;
};

struct Section {
  std::string title;
  std::vector<std::string> paragraphs;  // plain text (escaped)
  std::vector<Table> tables;
  std::vector<Image> images;
  std::vector<Image> links;     // path + text of a link (e.g. shap.html)
  std::vector<std::string> warnings;  // shown highlighted (class "warning") before the text
};

struct HtmlReport {
  std::string title;
  std::string subtitle;
  std::vector<Section> sections;
};

// Numbers as the tables show them: %.4g, "n/a" for NaN/inf.
std::string format_number(double v, int significant = 4);
std::string html_escape(const std::string& s);

std::string render_html(const HtmlReport& report);
// Atomic; replaces an existing file (the run directory decided once whether it may).
void write_html(const HtmlReport& report, const std::filesystem::path& path);

}  // namespace wl::report
