// One interface over the inference engines we measure with. A runner is created for a platform,
// loads networks and times single inferences of them; the timing protocol (timing.h) decides how
// many. Runners report networks they cannot run as Unsupported (the structure checker's
// input), never by crashing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// A network to measure: a generated graph (written in memory in whatever form the runner
// needs) or model files (TorchScript and/or ONNX of the same network).
struct NetworkJob {
  std::string name;
  std::optional<Graph> graph;     // generated networks
  uint64_t weight_seed = 0;       // with graph
  std::string torchscript_path;   // model files
  std::string onnx_path;
  Shape input_shape;              // batch 1
  int64_t batch = 1;
};

// A network prepared by a runner (built, loaded, compiled), ready to time. Several can be
// loaded at once, so that the timing protocol can visit each of them more than once.
class LoadedNetwork {
 public:
  virtual ~LoadedNetwork() = default;
  // One inference; its latency in milliseconds.
  virtual Result<double> RunOnce() = 0;
};

class Runner {
 public:
  virtual ~Runner() = default;
  // Versions and settings that identify the software stack (merged into the fingerprint).
  virtual nlohmann::json Describe() const = 0;
  // Prepares the network. Unsupported: this platform cannot run it.
  virtual Result<std::unique_ptr<LoadedNetwork>> Load(const NetworkJob& job) = 0;
};

}  // namespace acesniper
