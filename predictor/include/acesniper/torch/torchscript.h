// The LibTorch side of the analyzer: reading TorchScript archives into a Graph and running them.
// These live in the acesniper_torch library (the only translation units that include LibTorch).
#pragma once

#include <string>

#include "acesniper/analyze/importers.h"
#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// Loads a TorchScript archive, runs it once on zeros of the input shape to learn every
// intermediate shape, and maps its operators to the canonical graph (docs/features.md).
Result<Graph> ImportTorchScript(const std::string& path, const ImportOptions& opts);

// Loads and runs a TorchScript archive on zeros of `input_shape`; returns the output shape.
Result<Shape> RunTorchScriptOnce(const std::string& path, const Shape& input_shape);

}  // namespace acesniper

namespace acesniper {

enum class ModelFormat { kTorchScript, kOnnx };
// By extension (.pt .pth .torchscript .ptl / .onnx), else by content (a zip archive is
// TorchScript). Unsupported: anything else, with the reason.
Result<ModelFormat> DetectModelFormat(const std::string& path);
// Any supported model file to the canonical graph.
Result<Graph> ImportModelFile(const std::string& path, const ImportOptions& opts);

}  // namespace acesniper
