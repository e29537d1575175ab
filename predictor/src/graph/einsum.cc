#include "acesniper/graph/einsum.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace acesniper {

std::optional<EinsumInfo> AnalyzeEinsum(const std::string& equation, const std::vector<Shape>& inputs) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  if (eq.find('.') != std::string::npos || inputs.size() != 2) return std::nullopt;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  std::stringstream ss(lhs);
  for (std::string t; std::getline(ss, t, ',');) terms.push_back(t);
  if (terms.size() != 2) return std::nullopt;
  std::map<char, int64_t> size;
  std::map<char, int> count;
  for (size_t i = 0; i < 2; ++i) {
    if (terms[i].size() != inputs[i].size()) return std::nullopt;
    for (size_t k = 0; k < terms[i].size(); ++k) {
      char c = terms[i][k];
      if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
      int64_t d = inputs[i][k];
      auto it = size.find(c);
      if (it == size.end()) size[c] = d;
      else if (it->second != d) {
        if (it->second == 1) it->second = d;       // broadcasting
        else if (d != 1) return std::nullopt;
      }
      ++count[c];
    }
  }
  std::string rhs;
  if (arrow == std::string::npos) {  // implicit output: indices that appear once, in order
    for (const auto& [c, n] : count)
      if (n == 1) rhs += c;
  } else {
    rhs = eq.substr(arrow + 2);
  }
  EinsumInfo info;
  for (char c : rhs) {
    auto it = size.find(c);
    if (it == size.end()) return std::nullopt;
    info.out.push_back(it->second);
  }
  for (const auto& [c, d] : size)
    if (rhs.find(c) == std::string::npos) info.contraction *= d;
  return info;
}

}  // namespace acesniper
