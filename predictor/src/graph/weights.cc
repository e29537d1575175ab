#include "acesniper/graph/weights.h"

#include <cmath>

#include "acesniper/generate/generator.h"

namespace acesniper {

namespace {
std::vector<float> Normal(SplitMix64& rng, int64_t n, double mean, double std) {
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(mean + std * rng.Normal());
  return v;
}
}  // namespace

LayerWeights InitLayerWeights(const Graph& g, int index, uint64_t seed) {
  LayerWeights w;
  const Node& n = g.node(index);
  SplitMix64 rng(seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ULL + 1);
  if (n.op == OpKind::kConv) {
    int64_t cin = g.node(n.inputs[0]).out[1] / n.conv.groups;
    w.weight_shape = {n.conv.out_channels, cin, n.conv.kernel_h, n.conv.kernel_w};
    double fan_in = static_cast<double>(cin * n.conv.kernel_h * n.conv.kernel_w);
    w.weight = Normal(rng, NumElements(w.weight_shape), 0.0, std::sqrt(2.0 / fan_in));
    if (n.conv.bias) w.bias = Normal(rng, n.conv.out_channels, 0.0, 0.01);
  } else if (n.op == OpKind::kLinear) {
    int64_t in = g.node(n.inputs[0]).out.back();
    w.weight_shape = {n.out_features, in};
    w.weight = Normal(rng, n.out_features * in, 0.0, std::sqrt(1.0 / static_cast<double>(in)));
    if (n.bias) w.bias = Normal(rng, n.out_features, 0.0, 0.01);
  } else if (n.op == OpKind::kBatchNorm) {
    int64_t c = g.node(n.inputs[0]).out[1];
    w.weight_shape = {c};
    w.weight = Normal(rng, c, 1.0, 0.1);
    w.bias = Normal(rng, c, 0.0, 0.1);
    w.mean = Normal(rng, c, 0.0, 0.1);
    w.var = Normal(rng, c, 0.0, 0.1);
    for (float& v : w.var) v = 1.0f + std::fabs(v);
  } else if (n.op == OpKind::kLayerNorm) {
    int64_t c = g.node(n.inputs[0]).out.back();
    w.weight_shape = {c};
    w.weight = Normal(rng, c, 1.0, 0.1);
    w.bias = Normal(rng, c, 0.0, 0.1);
  }
  return w;
}

}  // namespace acesniper
