// Private to the ONNX importer. Exported models often compute shapes at run time
// (Shape -> Gather -> Concat -> Reshape); ONNX's own shape inference cannot see through all of
// that. With the input shape fixed, those integer computations are constants: this pass
// evaluates them and replaces each such node by a Constant, so that shape inference can then
// give every activation a static shape. Float computations are never touched.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_map>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// `shapes`: known static shapes of values (from shape inference). Returns how many nodes it
// replaced (0 when nothing more can be folded).
Result<int> FoldShapeComputations(onnx::GraphProto& graph, const std::unordered_map<std::string, Shape>& shapes);

}  // namespace acesniper
