// Short constructors for the common layers (the generator and tests build graphs with them).
// They only fill a Node; Graph::Add checks it.
#pragma once

#include <vector>

#include "acesniper/graph/graph.h"

namespace acesniper {

// Square kernel, equal stride/padding/dilation on both axes.
inline Node ConvLayer(int input, int64_t out_channels, int64_t kernel, int64_t stride, int64_t pad,
                      int64_t dilation = 1, int64_t groups = 1, bool bias = false) {
  Node n;
  n.op = OpKind::kConv;
  n.inputs = {input};
  n.conv.out_channels = out_channels;
  n.conv.kernel_h = n.conv.kernel_w = kernel;
  n.conv.stride_h = n.conv.stride_w = stride;
  n.conv.pad_h = n.conv.pad_w = pad;
  n.conv.dilation_h = n.conv.dilation_w = dilation;
  n.conv.groups = groups;
  n.conv.bias = bias;
  return n;
}

inline Node PoolLayer(int input, PoolType type, int64_t kernel, int64_t stride, int64_t pad, bool ceil_mode = false) {
  Node n;
  n.op = OpKind::kPool;
  n.inputs = {input};
  n.pool.type = type;
  n.pool.kernel_h = n.pool.kernel_w = kernel;
  n.pool.stride_h = n.pool.stride_w = stride;
  n.pool.pad_h = n.pool.pad_w = pad;
  n.pool.ceil_mode = ceil_mode;
  return n;
}

// Any op whose attributes are all defaults (batch norm, ReLU, add, concat on axis 1, flatten ...).
inline Node PlainLayer(OpKind op, std::vector<int> inputs) {
  Node n;
  n.op = op;
  n.inputs = std::move(inputs);
  return n;
}

}  // namespace acesniper
