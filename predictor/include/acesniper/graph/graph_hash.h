// A network's identity for the measurement store: a hash of its structure (operators, their
// attributes and shapes, and the edges), not of names or weights. Latency depends on the
// structure only, so the same network imported from TorchScript or ONNX, or generated again,
// keeps its identity.
#pragma once

#include <string>

#include "acesniper/graph/graph.h"

namespace acesniper {

// First 16 hex digits (64 bits) of the SHA-256 of the canonical structure text.
std::string GraphStructureHash(const Graph& g);
// The canonical structure text itself (one line per node), for debugging hash differences.
std::string GraphStructureText(const Graph& g);

}  // namespace acesniper
