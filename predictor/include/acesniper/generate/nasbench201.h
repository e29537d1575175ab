// NAS-Bench-201 networks from their architecture strings, so that the public latency data
// (../shared/datasets/public-latency, HELP's protocol) can be analysed like our own networks.
//   stem: 3x3 conv (16) + BN; three stages of 5 cells (16, 32, 64 channels) with a residual
//   reduction block (stride 2) between stages; BN + ReLU, global average pool, linear 10.
//   A cell has 4 nodes; node i sums op(node j) over its edges "op~j" (j < i); the output is
//   node 3. Ops: none, skip_connect, nor_conv_1x1 / nor_conv_3x3 (ReLU-Conv-BN), avg_pool_3x3.
// Two forms of a cell, because devices differ in what they run:
//   kEveryEdge: what NB201's PyTorch InferCell computes: every edge, "none" as x * 0 (an
//     operator of its own, "nb201::zero"), nodes whose result is then multiplied by zero too.
//     13 of the 15 HELP devices fit it (docs/tools/nb201_cell_study.py, docs/model.md).
//   kLiveOnly: only the work that reaches the cell output, as a graph compiler that removes
//     dead code would run it: "none" edges and nodes that do not reach node 3 are left out; a
//     node left with no edge is the Zero op on the cell input. raspi4 and pixel3 fit it better.
#pragma once

#include <cstdint>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

enum class Nb201Cell { kEveryEdge, kLiveOnly };

// Errors name what is wrong with the string (syntax, unknown op, edge from a later node).
Result<Graph> BuildNasBench201(const std::string& arch, Nb201Cell form = Nb201Cell::kEveryEdge, int64_t batch = 1,
                               int64_t input_hw = 32);

// False for the cells whose output every path to the input crosses a "none" edge (235 of
// 15,625): their latency is near zero on some devices and they are left out of error metrics.
Result<bool> NasBench201Connected(const std::string& arch);

}  // namespace acesniper
