#include "extended_blocks.h"

#include <algorithm>
#include <vector>

namespace acesniper::generate_internal {

namespace {

Result<int> Layout(GraphBuilder& b, int x, const Shape& reshape_to) {
  Node n = PlainLayer(OpKind::kLayout, {x});
  n.layout = {{false, reshape_to}};
  return b.Add(n);
}

Result<int> Permute(GraphBuilder& b, int x, std::vector<int64_t> perm) {
  Node n = PlainLayer(OpKind::kLayout, {x});
  n.layout = {{true, std::move(perm)}};
  return b.Add(n);
}

Result<int> Linear(GraphBuilder& b, int x, int64_t out) {
  Node n = PlainLayer(OpKind::kLinear, {x});
  n.out_features = out;
  n.bias = true;
  return b.Add(n);
}

// conv (bias-free) + batch norm (+ activation unless act is null)
Result<int> ConvBn(GraphBuilder& b, int x, int64_t out, int64_t k, int64_t stride, int64_t groups, const ActKind* act) {
  auto r = b.Add(ConvLayer(x, out, k, stride, (k - 1) / 2, 1, groups, false));
  if (r.ok()) r = b.Unary(r.value(), OpKind::kBatchNorm);
  if (r.ok() && act) r = b.Act(r.value(), *act);
  return r;
}

// Squeeze-and-excitation: the channels of x scaled by a gate computed from their means.
Result<int> SqueezeExcite(GraphBuilder& b, int x, ActKind act) {
  const int64_t ch = b.ShapeOf(x)[1];
  Node gp = PlainLayer(OpKind::kGlobalPool, {x});
  gp.pool.type = PoolType::kAvg;
  auto s = b.Add(gp);
  if (s.ok()) s = b.Add(ConvLayer(s.value(), std::max<int64_t>(8, ch / 4), 1, 1, 0, 1, 1, true));
  if (s.ok()) s = b.Act(s.value(), act == ActKind::kSiLU ? ActKind::kSiLU : ActKind::kReLU);
  if (s.ok()) s = b.Add(ConvLayer(s.value(), ch, 1, 1, 0, 1, 1, true));
  if (s.ok()) s = b.Act(s.value(), act == ActKind::kHardSwish ? ActKind::kHardSigmoid : ActKind::kSigmoid);
  if (!s.ok()) return s;
  return b.Add(PlainLayer(OpKind::kMul, {x, s.value()}));
}

}  // namespace

Result<int> InvertedResidualBlock(GraphBuilder& b, int x, int64_t out_ch, int64_t stride) {
  static const std::vector<int64_t> kExpansions = {1, 3, 4, 6};
  static const std::vector<ActKind> kActs = {ActKind::kReLU, ActKind::kReLU6, ActKind::kSiLU, ActKind::kHardSwish};
  static const std::vector<int64_t> kKernels = {3, 5, 7};
  static const std::vector<int64_t> kGroupWidths = {8, 16, 32};
  const int64_t in_ch = b.ShapeOf(x)[1];
  const int64_t expansion = b.rng.Pick(kExpansions);
  const ActKind act = b.rng.Pick(kActs);
  const int64_t k = b.rng.Pick(kKernels);
  const int64_t mid = in_ch * expansion;
  int64_t groups = mid;  // depthwise three times in four, else grouped by a width of 8-32
  if (b.rng.Unit() >= 0.75) {
    int64_t width = b.rng.Pick(kGroupWidths);
    if (mid % width == 0 && mid > width) groups = mid / width;
  }
  Result<int> h = x;
  if (expansion > 1) h = ConvBn(b, x, mid, 1, 1, 1, &act);
  if (h.ok()) h = ConvBn(b, h.value(), mid, k, stride, groups, &act);
  if (h.ok() && b.rng.Unit() < 0.5) h = SqueezeExcite(b, h.value(), act);
  if (h.ok()) h = ConvBn(b, h.value(), out_ch, 1, 1, 1, nullptr);
  if (!h.ok()) return h;
  if (stride == 1 && in_ch == out_ch) return b.Add(PlainLayer(OpKind::kAdd, {x, h.value()}));
  return h;
}

Result<int> AttentionBlock(GraphBuilder& b, int x) {
  static const std::vector<int64_t> kHeads = {1, 2, 4, 8};
  static const std::vector<int64_t> kMlpRatios = {2, 4};
  const Shape in = b.ShapeOf(x);  // N, C, H, W
  const int64_t n = in[0], c = in[1], t = in[2] * in[3];
  int64_t heads = b.rng.Pick(kHeads);
  while (c % heads != 0) heads /= 2;
  const int64_t dh = c / heads, ratio = b.rng.Pick(kMlpRatios);
  // N,C,H,W -> N,T,C
  Result<int> tokens = Layout(b, x, {n, c, t});
  if (tokens.ok()) tokens = Permute(b, tokens.value(), {0, 2, 1});
  if (!tokens.ok()) return tokens;
  const int tok = tokens.value();
  auto norm = b.Unary(tok, OpKind::kLayerNorm);
  if (!norm.ok()) return norm;
  // q, v: N,h,T,dh; k: N,h,dh,T
  auto head_split = [&](std::vector<int64_t> perm) -> Result<int> {
    auto p = Linear(b, norm.value(), c);
    if (p.ok()) p = Layout(b, p.value(), {n, t, heads, dh});
    if (p.ok()) p = Permute(b, p.value(), std::move(perm));
    return p;
  };
  auto q = head_split({0, 2, 1, 3});
  if (!q.ok()) return q;
  auto k = head_split({0, 2, 3, 1});
  if (!k.ok()) return k;
  auto v = head_split({0, 2, 1, 3});
  if (!v.ok()) return v;
  auto a = b.Add(PlainLayer(OpKind::kMatMul, {q.value(), k.value()}));
  if (a.ok()) {
    Node sm = PlainLayer(OpKind::kSoftmax, {a.value()});
    sm.axis = 3;
    a = b.Add(sm);
  }
  if (a.ok()) a = b.Add(PlainLayer(OpKind::kMatMul, {a.value(), v.value()}));
  if (a.ok()) a = Permute(b, a.value(), {0, 2, 1, 3});
  if (a.ok()) a = Layout(b, a.value(), {n, t, c});
  if (a.ok()) a = Linear(b, a.value(), c);
  if (a.ok()) a = b.Add(PlainLayer(OpKind::kAdd, {tok, a.value()}));
  if (!a.ok()) return a;
  const int mid = a.value();
  auto m = b.Unary(mid, OpKind::kLayerNorm);
  if (m.ok()) m = Linear(b, m.value(), ratio * c);
  if (m.ok()) m = b.Act(m.value(), ActKind::kGELU);
  if (m.ok()) m = Linear(b, m.value(), c);
  if (m.ok()) m = b.Add(PlainLayer(OpKind::kAdd, {mid, m.value()}));
  // N,T,C -> N,C,H,W
  if (m.ok()) m = Permute(b, m.value(), {0, 2, 1});
  if (m.ok()) m = Layout(b, m.value(), in);
  return m;
}

}  // namespace acesniper::generate_internal
