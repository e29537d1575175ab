// Internal to the generator: a graph under construction, its layer names and its random stream.
#pragma once

#include <string>

#include "acesniper/generate/generator.h"
#include "acesniper/graph/graph.h"
#include "acesniper/graph/layers.h"

namespace acesniper::generate_internal {

struct GraphBuilder {
  Graph g;
  int counter = 0;
  SplitMix64& rng;
  explicit GraphBuilder(SplitMix64& r) : rng(r) {}

  Result<int> Add(Node n) {
    n.name = std::string(OpKindName(n.op)) + std::to_string(counter++);
    return g.Add(std::move(n));
  }
  // "same" padding; a bias half the time
  Result<int> Conv(int x, int64_t out, int64_t k, int64_t dil, int64_t stride) {
    return Add(ConvLayer(x, out, k, stride, dil * (k - 1) / 2, dil, 1, rng.Unit() < 0.5));
  }
  Result<int> Unary(int x, OpKind op) { return Add(PlainLayer(op, {x})); }
  Result<int> Act(int x, ActKind act) {
    Node a = PlainLayer(OpKind::kActivation, {x});
    a.act = act;
    return Add(a);
  }
  Result<int> Pool(int x, int64_t stride) {
    return Add(PoolLayer(x, rng.Unit() < 0.5 ? PoolType::kMax : PoolType::kAvg, 3, stride, 1));
  }
  const Shape& ShapeOf(int x) const { return g.node(x).out; }
};

}  // namespace acesniper::generate_internal
