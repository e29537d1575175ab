// Minimal SVG line and scatter plots for evaluation reports (no plotting library in Debian's C++
// set does this without a display stack; an SVG is text, diffs in git and renders on GitHub).
#pragma once

#include <string>
#include <vector>

namespace acesniper {

struct PlotSeries {
  std::string label;
  std::vector<double> x, y;
  bool line = false;  // polyline; otherwise points
};

struct PlotOptions {
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;
  bool diagonal = false;  // draw y = x (predicted vs measured)
  int width = 640, height = 480;
};

// The SVG document. Non-finite points, and points <= 0 on a log axis, are skipped.
std::string RenderSvgPlot(const std::vector<PlotSeries>& series, const PlotOptions& options);

}  // namespace acesniper
