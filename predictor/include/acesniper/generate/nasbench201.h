// NAS-Bench-201 networks from their architecture strings, so that the public latency data
// (../shared/datasets/public-latency, HELP's protocol) can be analysed like our own networks.
//   stem: 3x3 conv (16) + BN; three stages of 5 cells (16, 32, 64 channels) with a residual
//   reduction block (stride 2) between stages; BN + ReLU, global average pool, linear 10.
//   A cell has 4 nodes; node i sums op(node j) over its edges "op~j" (j < i); the output is
//   node 3. Ops: none, skip_connect, nor_conv_1x1 / nor_conv_3x3 (ReLU-Conv-BN), avg_pool_3x3.
// Deviations, which only drop work a graph cannot express: a node whose edges are all "none"
// is NB201's Zero op (x * 0) on the cell input; nodes that do not reach the cell output are left
// out (NB201's PyTorch code computes them and throws them away).
#pragma once

#include <cstdint>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// Errors name what is wrong with the string (syntax, unknown op, edge from a later node).
Result<Graph> BuildNasBench201(const std::string& arch, int64_t batch = 1, int64_t input_hw = 32);

// False for the cells whose output every path to the input crosses a "none" edge (235 of
// 15,625): their latency is near zero on some devices and they are left out of error metrics.
Result<bool> NasBench201Connected(const std::string& arch);

}  // namespace acesniper
