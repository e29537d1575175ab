#include "acesniper/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace acesniper {

namespace {

const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                         "#bcbd22", "#17becf"};

std::string Escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

std::string RenderSvgPlot(const std::vector<PlotSeries>& series, const PlotOptions& o) {
  auto tx = [&](double v) { return o.log_x ? std::log10(v) : v; };
  auto ty = [&](double v) { return o.log_y ? std::log10(v) : v; };
  auto ok = [&](double x, double y) {
    return std::isfinite(x) && std::isfinite(y) && (!o.log_x || x > 0) && (!o.log_y || y > 0);
  };
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const PlotSeries& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (ok(s.x[i], s.y[i])) {
        x0 = std::min(x0, tx(s.x[i]));
        x1 = std::max(x1, tx(s.x[i]));
        y0 = std::min(y0, ty(s.y[i]));
        y1 = std::max(y1, ty(s.y[i]));
      }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (o.diagonal) {
    x0 = y0 = std::min(x0, y0);
    x1 = y1 = std::max(x1, y1);
  }
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  const double left = 70, right = 160, top = 40, bottom = 55;
  const double pw = o.width - left - right, ph = o.height - top - bottom;
  auto px = [&](double v) { return left + (tx(v) - x0) / (x1 - x0) * pw; };
  auto py = [&](double v) { return top + ph - (ty(v) - y0) / (y1 - y0) * ph; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << o.width << "\" height=\"" << o.height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << left << "\" y=\"24\" font-size=\"14\">" << Escape(o.title) << "</text>\n";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int k = 0; k <= 4; ++k) {  // ticks: 5 per axis, labelled in data units
    double fx = x0 + (x1 - x0) * k / 4, fy = y0 + (y1 - y0) * k / 4;
    double vx = o.log_x ? std::pow(10, fx) : fx, vy = o.log_y ? std::pow(10, fy) : fy;
    double sx = left + pw * k / 4, sy = top + ph - ph * k / 4;
    svg << "<line x1=\"" << sx << "\" y1=\"" << top + ph << "\" x2=\"" << sx << "\" y2=\"" << top + ph + 5
        << "\" stroke=\"black\"/><text x=\"" << sx << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">" << Num(vx)
        << "</text>\n";
    svg << "<line x1=\"" << left - 5 << "\" y1=\"" << sy << "\" x2=\"" << left << "\" y2=\"" << sy
        << "\" stroke=\"black\"/><text x=\"" << left - 8 << "\" y=\"" << sy + 4 << "\" text-anchor=\"end\">" << Num(vy)
        << "</text>\n";
  }
  svg << "<text x=\"" << left + pw / 2 << "\" y=\"" << o.height - 12 << "\" text-anchor=\"middle\">" << Escape(o.x_label)
      << "</text>\n<text transform=\"translate(16," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << Escape(o.y_label) << "</text>\n";
  if (o.diagonal) {
    double a = o.log_x ? std::pow(10, x0) : x0, b = o.log_x ? std::pow(10, x1) : x1;
    svg << "<line x1=\"" << px(a) << "\" y1=\"" << py(a) << "\" x2=\"" << px(b) << "\" y2=\"" << py(b)
        << "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const char* color = kColors[s % (sizeof kColors / sizeof kColors[0])];
    const PlotSeries& ser = series[s];
    if (ser.line) {
      svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
      for (size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i)
        if (ok(ser.x[i], ser.y[i])) svg << px(ser.x[i]) << "," << py(ser.y[i]) << " ";
      svg << "\"/>\n";
    } else {
      for (size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i)
        if (ok(ser.x[i], ser.y[i]))
          svg << "<circle cx=\"" << px(ser.x[i]) << "\" cy=\"" << py(ser.y[i]) << "\" r=\"2\" fill=\"" << color
              << "\" fill-opacity=\"0.6\"/>\n";
    }
    double ly = top + 12 + 16 * static_cast<double>(s);
    svg << "<rect x=\"" << left + pw + 10 << "\" y=\"" << ly - 9 << "\" width=\"10\" height=\"10\" fill=\"" << color
        << "\"/><text x=\"" << left + pw + 25 << "\" y=\"" << ly << "\">" << Escape(ser.label) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace acesniper
