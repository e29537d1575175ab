#include "acesniper/analyze/feature_table.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

#include "acesniper/common/read_file.h"

namespace acesniper {

namespace {

std::vector<std::string> SplitComma(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool ParseFinite(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*v);
}

}  // namespace

std::string FeatureTableHeader() {
  std::string h = "network,network_hash";
  for (const FeatureDef& d : FeatureDefs()) h += std::string(",") + d.name;
  return h;
}

std::string FormatFeatureRow(const FeatureRow& row) {
  std::string line = row.network + "," + row.network_hash;
  char buf[32];
  for (double v : row.values) {
    std::snprintf(buf, sizeof buf, ",%.10g", v);
    line += buf;
  }
  return line;
}

Result<std::vector<FeatureRow>> ParseFeatureTable(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument("'" + source + "' is empty, not a feature table");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::string header = FeatureTableHeader();
  if (line != header) {
    std::vector<std::string> got = SplitComma(line), want = SplitComma(header);
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    return Status::InvalidArgument("'" + source + "' is not a feature table of schema " + kFeatureSchema + ": column " +
                                   std::to_string(i + 1) + " is '" + (i < got.size() ? got[i] : "(missing)") +
                                   "', expected '" + (i < want.size() ? want[i] : "(none)") + "'");
  }
  const size_t columns = FeatureDefs().size() + 2;
  std::vector<FeatureRow> rows;
  std::set<std::string> hashes;
  for (int no = 2; std::getline(in, line); ++no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = SplitComma(line);
    std::string where = "'" + source + "' line " + std::to_string(no);
    if (cells.size() != columns)
      return Status::InvalidArgument(where + ": " + std::to_string(cells.size()) + " columns, expected " +
                                     std::to_string(columns));
    FeatureRow r;
    r.network = cells[0];
    r.network_hash = cells[1];
    if (r.network.empty() || r.network_hash.empty()) return Status::InvalidArgument(where + ": empty network or hash");
    if (!hashes.insert(r.network_hash).second)
      return Status::InvalidArgument(where + ": network_hash " + r.network_hash + " appears twice");
    r.values.resize(columns - 2);
    for (size_t c = 2; c < columns; ++c)
      if (!ParseFinite(cells[c], &r.values[c - 2]))
        return Status::InvalidArgument(where + ": '" + FeatureDefs()[c - 2].name + "' is not a finite number: '" +
                                       cells[c] + "'");
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<FeatureRow>> ReadFeatureTable(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseFeatureTable(*text, path);
}

}  // namespace acesniper
