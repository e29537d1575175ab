// Two-operand einsum equations ("bhid,bhjd->bhij"), as attention layers write them: the output
// shape and the contraction size (multiply-adds per output element). Spaces are ignored;
// equations with an ellipsis or other than two operands are not handled (nullopt).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acesniper/graph/graph.h"

namespace acesniper {

struct EinsumInfo {
  Shape out;
  int64_t contraction = 1;  // product of the sizes of indices summed away
};

std::optional<EinsumInfo> AnalyzeEinsum(const std::string& equation, const std::vector<Shape>& inputs);

}  // namespace acesniper
