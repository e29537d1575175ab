// The network representation: a small typed graph of layers in topological order, with every
// output shape inferred (or, for operators the graph cannot infer, supplied and checked) when the
// layer is added. An impossible network is an error from Graph::Add, never a crash later.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper {

using Shape = std::vector<int64_t>;
std::string ShapeToString(const Shape& s);
int64_t NumElements(const Shape& s);

enum class OpKind {
  kInput,       // the network input; exactly one, first
  kConv,        // 2-D convolution (kernel, stride, padding, dilation, groups)
  kPool,        // max or average pooling with a window
  kGlobalPool,  // max or average pooling to 1x1 (adaptive pooling with output 1)
  kAdaptivePool,// adaptive pooling to another fixed size (vgg's 7x7)
  kBatchNorm,   // batch normalisation over channel axis 1
  kLayerNorm,   // layer normalisation over the last axis
  kActivation,  // elementwise nonlinearity (see ActKind)
  kLinear,      // fully connected: weight [out, in] applied to the last axis
  kMatMul,      // product of two activations (attention); einsum when `contraction` is set
  kAdd,         // elementwise sum of two or more activations (broadcasting)
  kMul,         // elementwise product of two activations (broadcasting; squeeze-excitation)
  kConcat,      // concatenation along an axis
  kSoftmax,     // softmax along an axis
  kFlatten,     // flatten from start_dim to the end
  kLayout,      // data movement without arithmetic: reshape, permute, transpose, pad, roll, ...
  kOther,       // any other operator; its name is kept in source_op
};
const char* OpKindName(OpKind k);

enum class ActKind { kReLU, kReLU6, kSigmoid, kTanh, kSiLU, kHardSwish, kHardSigmoid, kGELU };
const char* ActKindName(ActKind k);

enum class PoolType { kMax, kAvg };

struct ConvAttrs {
  int64_t out_channels = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;  // symmetric padding
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
  bool bias = false;
};

struct PoolAttrs {
  PoolType type = PoolType::kMax;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;  // average pooling only
  int64_t out_h = 1, out_w = 1;   // kAdaptivePool only
};

// One step of a kLayout node: reshape to dims, or permute axes (output axis i is input axis dims[i]).
struct LayoutStep {
  bool permute = false;
  std::vector<int64_t> dims;
};

struct Node {
  OpKind op = OpKind::kOther;
  std::string name;       // unique, for messages and exporters
  std::vector<int> inputs;  // indices of earlier nodes (activations only, never weights)
  Shape out;              // output shape; inferred by Graph::Add where the op allows it
  ConvAttrs conv;         // kConv
  PoolAttrs pool;         // kPool, kGlobalPool, kAdaptivePool
  ActKind act = ActKind::kReLU;  // kActivation
  std::vector<LayoutStep> layout;  // kLayout: what it does, where known (the generator's; the
                                   // writers emit it). Importers leave it empty: the shapes suffice.
  int64_t out_features = 0;      // kLinear
  bool bias = true;              // kLinear; kBatchNorm/kLayerNorm: affine
  int64_t axis = 1;              // kConcat, kSoftmax, kFlatten (start_dim)
  double eps = 1e-5;             // norms
  int64_t contraction = 0;       // kMatMul from an einsum: multiply-adds per output element
                                 // (then node.out is given, not inferred)
  std::string source_op;         // original operator name (importers), e.g. "aten::roll"
  int64_t extra_params = 0;      // learned tensors that are not this op's own weights
                                 // (ViT class token, positional embedding, bias tables)
};

class Graph {
 public:
  // Adds a node; returns its index. For ops whose output shape follows from inputs and
  // attributes, the shape is inferred; if node.out is already set it must agree.
  // kMatMul, kLayout and kOther need node.out set by the caller.
  Result<int> Add(Node node);
  // Convenience: the input node (must be first, exactly once).
  Result<int> AddInput(const Shape& shape, const std::string& name = "input");

  const std::vector<Node>& nodes() const { return nodes_; }
  const Node& node(int i) const { return nodes_[static_cast<size_t>(i)]; }
  size_t size() const { return nodes_.size(); }
  int output() const { return static_cast<int>(nodes_.size()) - 1; }  // the last node
  const Shape& input_shape() const { return nodes_.front().out; }
  // Checks the whole graph: non-empty, one input first, inputs refer backwards, every node
  // but the output is used. Importers and the generator call it once they are done.
  Status Validate() const;
  // Importers: learned tensors found to reach node i beyond its own weights.
  void SetExtraParams(int i, int64_t elements) { nodes_[static_cast<size_t>(i)].extra_params = elements; }

 private:
  std::vector<Node> nodes_;
};

// Learned parameters a node owns: conv/linear weights and biases, norm affine parameters, plus
// node.extra_params. Norm running statistics are buffers, not parameters (torchvision counts
// the same way).
int64_t NodeParams(const Graph& g, const Node& n);
// Multiply-accumulate operations of conv, linear and matmul; 0 for other ops.
int64_t NodeMacs(const Graph& g, const Node& n);
// Arithmetic of the remaining ops, one per output element (pool: one per window element).
int64_t NodeElementwiseOps(const Graph& g, const Node& n);
// Elements read and written: inputs + output + parameters (the memory access cost, in elements).
int64_t NodeMemoryAccess(const Graph& g, const Node& n);

// The graph with every chain of data movement folded into one node, as the importers read any
// file (a kLayout or kFlatten node whose consumers all move data is folded into each of them,
// its steps first). The generator returns this form, so that a network and its files agree.
Result<Graph> MergeMovementChains(const Graph& g);

}  // namespace acesniper
