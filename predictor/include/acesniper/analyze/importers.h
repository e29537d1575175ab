// Model files to Graph. Each importer returns the canonical graph of docs/features.md, so the
// same network gives the same features from any format.
#pragma once

#include <optional>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

struct ImportOptions {
  // Input shape N,C,H,W. Unset: the file's own (ONNX input dims, or the TorchScript extra file
  // "acesniper/input_shape"), else 1,3,224,224.
  std::optional<Shape> input_shape;
};

inline const Shape kDefaultInputShape = {1, 3, 224, 224};
// The TorchScript archive entry where exporters record the input shape ("1,3,224,224").
inline constexpr const char* kTorchScriptShapeEntry = "acesniper/input_shape";

// ONNX (any opset the linked onnx library knows). Errors: unreadable file, not ONNX, no nodes,
// shapes that cannot be inferred.
Result<Graph> ImportOnnx(const std::string& path, const ImportOptions& opts);
// The same from serialized bytes; `name` is used in messages.
Result<Graph> ImportOnnxBytes(const std::string& bytes, const ImportOptions& opts, const std::string& name);

// Parses "N,C,H,W" (positive integers). Used for the CLI flag and the TorchScript entry.
Result<Shape> ParseShape(const std::string& text);

}  // namespace acesniper
