// Graph to model files: TorchScript (for LibTorch and Python torch.jit.load) and ONNX (opset 13,
// for vendor runtimes). Both carry the same weights (InitLayerWeights with the same seed), so the
// two files are one network.
#pragma once

#include <cstdint>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// Opset of graphs with only Table IV's operators; the extended space's graphs are written at 17.
inline constexpr int kOnnxOpset = 13;

// Writes an ONNX model; runs onnx::checker on it before writing. Ops the writer does not
// know (einsums, layout nodes of unknown kind, kOther ...) give Unsupported.
Status WriteOnnx(const Graph& g, uint64_t weight_seed, const std::string& path);
// The same model as serialized bytes (for runtimes that read ONNX from memory).
Result<std::string> SerializeOnnx(const Graph& g, uint64_t weight_seed);
// onnx::checker::check_model on a file: Ok or the checker's complaint.
Status CheckOnnxFile(const std::string& path);

// Writes a TorchScript archive (defined in the LibTorch library, acesniper_torch).
Status WriteTorchScript(const Graph& g, uint64_t weight_seed, const std::string& path);

}  // namespace acesniper
