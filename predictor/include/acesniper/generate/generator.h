// The random network generator of Table IV: reproducible from (seed, index), within a compute
// budget. See docs/generator.md for the exact distribution.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

struct GeneratorOptions {
  uint64_t seed = 1;
  // Compute budget in FLOPs (2 x multiply-adds of conv, linear, matmul). The default spans
  // mobilenet_v3_small (0.11 G) to resnet101 (15.6 G) less its top, so that a 2-core CPU measures
  // a network in well under a second; --max-flops reaches vgg19 (39 G) when wanted.
  double min_flops = 20e6;
  double max_flops = 10e9;
  // Log-uniform: each network first draws a FLOPs bin (flops_bins equal bins of log FLOPs) and
  // structures are redrawn until one falls in it, so small and large networks are equally
  // represented per decade. Off: plain rejection to [min, max] (the sampler's own shape, which
  // crowds the top of the range).
  bool log_uniform_flops = true;
  int flops_bins = 16;
  int max_blocks = 10;          // blocks per network (each: 1-3 branches, 1-3 layers a branch)
  int max_attempts = 50000;     // draws before giving up on the budget (a draw takes ~20 us)
  // Table IV ranges.
  std::vector<int64_t> planes = {14, 28, 56, 112, 224};
  std::vector<int64_t> input_channels = {3, 32, 64, 128, 256, 512};
  std::vector<int64_t> output_channels = {32, 64, 128, 256, 512};
  std::vector<int64_t> kernels = {1, 3, 5, 7};  // plus atrous 3x3 (dilation 2)
  int64_t batch = 1;
  // The extended space (docs/generator.md): Table IV's blocks plus inverted residual blocks
  // (depthwise or grouped convolutions, squeeze-and-excitation, ReLU6/SiLU/hard swish) and
  // transformer encoder blocks, in proportions set by a style drawn per network. Networks are
  // named genx-<seed>-<index>; off, the generator is Table IV's and draws what it always drew.
  bool extended = false;
};

struct GeneratedNetwork {
  std::string name;     // "gen-<seed>-<index>", or "genx-" in the extended space
  uint64_t seed = 0;    // the generator seed
  uint64_t index = 0;   // position in the generated set
  int attempts = 0;     // draws it took to meet the budget
  Graph graph;
};

// Network number `index` of the set defined by opts (independent of other indices).
Result<GeneratedNetwork> GenerateNetwork(const GeneratorOptions& opts, uint64_t index);

// Small deterministic random source used by the generator and weight initialisation
// (std distributions differ between standard libraries; this does not).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  int64_t Uniform(int64_t n);   // 0..n-1
  double Unit();                // [0,1)
  double Normal();              // standard normal (Box-Muller)
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Uniform(static_cast<int64_t>(v.size())))]; }

 private:
  uint64_t state_;
};

}  // namespace acesniper
