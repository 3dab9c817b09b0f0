#include "wavelearn/report/html.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "wavelearn/core/atomic_file.hpp"

namespace wl::report {

std::string format_number(double v, int significant) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.subtitle{color:#666;margin-top:0}nav a{margin-right:1em}
table{border-collapse:collapse;margin:1em 0}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.3em .7em;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:.5em;vertical-align:top}figure img{max-width:520px;border:1px solid #ddd}
figcaption{font-size:.9em;color:#555;max-width:520px}footer{margin-top:3em;color:#888;font-size:.85em}
.warning{background:#fff3cd;border-left:4px solid #d58512;padding:.5em .8em;font-weight:600}
)";

constexpr const char* kImageCheck = R"(<script>
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  document.getElementById('wl-images-loaded').textContent = ok;
  document.body.setAttribute('data-images-loaded', ok);
  document.body.setAttribute('data-images-total', imgs.length);
});
</script>)";

std::string anchor(std::size_t i) { return "section-" + std::to_string(i + 1); }

void render_table(std::ostringstream& o, const Table& t) {
  o << "<table>\n";
  if (!t.caption.empty()) o << "<caption>" << html_escape(t.caption) << "</caption>\n";
  if (!t.header.empty()) {
    o << "<tr>";
    for (const auto& h : t.header) o << "<th>" << html_escape(h) << "</th>";
    o << "</tr>\n";
  }
  for (const auto& row : t.rows) {
    o << "<tr>";
    for (const auto& c : row) o << "<td>" << html_escape(c) << "</td>";
    o << "</tr>\n";
  }
  o << "</table>\n";
}

void render_section(std::ostringstream& o, const Section& s, std::size_t i) {
  o << "<section id=\"" << anchor(i) << "\">\n<h2>" << html_escape(s.title) << "</h2>\n";
  for (const auto& w : s.warnings) o << "<p class=\"warning\">" << html_escape(w) << "</p>\n";
  for (const auto& p : s.paragraphs) o << "<p>" << html_escape(p) << "</p>\n";
  for (const auto& l : s.links)
    o << "<p><a href=\"" << html_escape(l.path) << "\">" << html_escape(l.caption) << "</a></p>\n";
  for (const auto& t : s.tables) render_table(o, t);
  for (const auto& img : s.images) {
    o << "<figure><a href=\"" << html_escape(img.path) << "\"><img src=\"" << html_escape(img.path)
      << "\" alt=\"" << html_escape(img.caption) << "\"></a><figcaption>" << html_escape(img.caption)
      << "</figcaption></figure>\n";
  }
  o << "</section>\n";
}

}  // namespace

std::string render_html(const HtmlReport& r) {
  std::ostringstream o;
  std::size_t n_images = 0;
  for (const auto& s : r.sections) n_images += s.images.size();
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << html_escape(r.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
    << "<h1>" << html_escape(r.title) << "</h1>\n";
  if (!r.subtitle.empty()) o << "<p class=\"subtitle\">" << html_escape(r.subtitle) << "</p>\n";
  o << "<nav>";
  for (std::size_t i = 0; i < r.sections.size(); ++i)
    o << "<a href=\"#" << anchor(i) << "\">" << html_escape(r.sections[i].title) << "</a>";
  o << "</nav>\n";
  for (std::size_t i = 0; i < r.sections.size(); ++i) render_section(o, r.sections[i], i);
  o << "<footer>images loaded: <span id=\"wl-images-loaded\">?</span> of <span "
       "id=\"wl-images-total\">"
    << n_images << "</span> &middot; written by wavelearn</footer>\n"
    << kImageCheck << "\n</body>\n</html>\n";
  return o.str();
}

void write_html(const HtmlReport& report, const std::filesystem::path& path) {
  wl::core::write_text_atomically(path, render_html(report), true);
}

}  // namespace wl::report
