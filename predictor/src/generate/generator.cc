#include "acesniper/generate/generator.h"

#include <cmath>

#include "acesniper/graph/graph.h"
#include "acesniper/graph/layers.h"
#include "extended_blocks.h"

namespace acesniper {

uint64_t SplitMix64::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
int64_t SplitMix64::Uniform(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
double SplitMix64::Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
double SplitMix64::Normal() {
  double u1 = Unit(), u2 = Unit();
  if (u1 < 1e-300) u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

namespace {

enum class LayerType { kConv, kPool, kNorm };
enum class Connection { kNone, kAdd, kConcat };
enum class BlockKind { kTableIV, kInvertedResidual, kAttention };

using generate_internal::GraphBuilder;

// One branch: 1-3 layers drawn from {conv, pool, norm}; the last layer is a convolution that sets
// the branch's output channels (so branches can be added or concatenated); convolutions are
// followed by batch norm and ReLU each with probability 1/2. The first layer takes the stride.
Result<int> Branch(GraphBuilder& b, const GeneratorOptions& o, int x, int64_t out_ch, int64_t stride) {
  int layers = 1 + static_cast<int>(b.rng.Uniform(3));
  int cur = x;
  for (int l = 0; l < layers; ++l) {
    bool last = l == layers - 1;
    int64_t s = l == 0 ? stride : 1;
    LayerType t = LayerType::kConv;
    if (!last) {
      double u = b.rng.Unit();
      t = u < 0.6 ? LayerType::kConv : (u < 0.8 ? LayerType::kPool : LayerType::kNorm);
    }
    if (t == LayerType::kNorm && s != 1) t = LayerType::kPool;
    Result<int> r = cur;
    if (t == LayerType::kConv) {
      // kernels {1,3,5,7} and atrous 3x3 equally likely
      int64_t pick = b.rng.Uniform(static_cast<int64_t>(o.kernels.size()) + 1);
      int64_t k = pick < static_cast<int64_t>(o.kernels.size()) ? o.kernels[static_cast<size_t>(pick)] : 3;
      int64_t dil = pick < static_cast<int64_t>(o.kernels.size()) ? 1 : 2;
      int64_t ch = last ? out_ch : b.rng.Pick(o.output_channels);
      r = b.Conv(cur, ch, k, dil, s);
      if (!r.ok()) return r;
      if (b.rng.Unit() < 0.5) { r = b.Unary(r.value(), OpKind::kBatchNorm); if (!r.ok()) return r; }
      if (b.rng.Unit() < 0.5) {
        Node a;
        a.op = OpKind::kActivation;
        a.act = ActKind::kReLU;
        a.inputs = {r.value()};
        r = b.Add(a);
      }
    } else if (t == LayerType::kPool) {
      r = b.Pool(cur, s);
    } else {
      r = b.Unary(cur, OpKind::kBatchNorm);
    }
    if (!r.ok()) return r;
    cur = r.value();
  }
  return cur;
}

Result<Graph> Draw(const GeneratorOptions& o, int64_t in_plane, SplitMix64& rng) {
  GraphBuilder b(rng);
  std::vector<int64_t> out_planes;
  for (int64_t p : o.planes) if (p <= in_plane) out_planes.push_back(p);
  int64_t out_plane = rng.Pick(out_planes);
  int downsamples = 0;
  for (int64_t p = in_plane; p > out_plane; p /= 2) ++downsamples;
  int64_t in_ch = rng.Pick(o.input_channels);
  auto x = b.g.AddInput({o.batch, in_ch, in_plane, in_plane});
  if (!x.ok()) return x.status();
  int blocks = 1 + static_cast<int>(rng.Uniform(o.max_blocks));
  if (blocks < downsamples) blocks = downsamples;
  // which blocks downsample: `downsamples` distinct ones, chosen uniformly
  std::vector<int> strided(static_cast<size_t>(blocks), 0);
  for (int left = downsamples; left > 0;) {
    size_t i = static_cast<size_t>(rng.Uniform(blocks));
    if (!strided[i]) { strided[i] = 1; --left; }
  }
  // The extended space: a network style, which sets how often each kind of block is drawn.
  double p_attention = 0, p_inverted = 0;
  if (o.extended) {
    static const double kAttention[] = {0.3, 0.05, 0.75}, kInverted[] = {0.4, 0.85, 0.2};  // mixed, mobile, transformer
    int64_t style = rng.Uniform(3);
    p_attention = kAttention[style];
    p_inverted = kInverted[style];
  }
  int cur = x.value();
  for (int blk = 0; blk < blocks; ++blk) {
    int64_t stride = strided[static_cast<size_t>(blk)] ? 2 : 1;
    if (o.extended) {
      BlockKind kind = BlockKind::kTableIV;
      double u = rng.Unit();
      if (u < p_attention) kind = BlockKind::kAttention;
      else if (u < p_attention + p_inverted) kind = BlockKind::kInvertedResidual;
      // attention keeps the shape and needs at most 56x56 positions and 32 channels
      const Shape& s = b.ShapeOf(cur);
      if (kind == BlockKind::kAttention && (stride != 1 || s[2] > 56 || s[1] < 32)) kind = BlockKind::kInvertedResidual;
      if (kind != BlockKind::kTableIV) {
        auto r = kind == BlockKind::kAttention ? generate_internal::AttentionBlock(b, cur)
                                               : generate_internal::InvertedResidualBlock(b, cur, rng.Pick(o.output_channels), stride);
        if (!r.ok()) return r.status();
        cur = r.value();
        continue;
      }
    }
    int branches = 1 + static_cast<int>(rng.Uniform(3));
    Connection conn;
    if (branches == 1) conn = rng.Unit() < 0.5 ? Connection::kNone : Connection::kAdd;
    else conn = rng.Unit() < 0.5 ? Connection::kAdd : Connection::kConcat;
    int64_t ch = rng.Pick(o.output_channels);
    std::vector<int> outs;
    for (int br = 0; br < branches; ++br) {
      int64_t bch = conn == Connection::kConcat ? rng.Pick(o.output_channels) : ch;
      auto r = Branch(b, o, cur, bch, stride);
      if (!r.ok()) return r.status();
      outs.push_back(r.value());
    }
    if (conn == Connection::kAdd && branches == 1) {
      // residual: identity shortcut when shapes agree, else a strided 1x1 projection
      const Shape& in_shape = b.g.node(cur).out;
      const Shape& out_shape = b.g.node(outs[0]).out;
      int shortcut = cur;
      if (in_shape != out_shape) {
        auto p = b.Conv(cur, out_shape[1], 1, 1, stride);
        if (!p.ok()) return p.status();
        shortcut = p.value();
      }
      outs.push_back(shortcut);
    }
    if (outs.size() > 1 && conn == Connection::kConcat) {
      Node m;
      m.op = OpKind::kConcat;
      m.axis = 1;
      m.inputs = outs;
      auto r = b.Add(m);
      if (!r.ok()) return r.status();
      cur = r.value();
    } else if (outs.size() > 1) {
      // sums are chains of two-input adds, as every framework writes them
      cur = outs[0];
      for (size_t k = 1; k < outs.size(); ++k) {
        Node m;
        m.op = OpKind::kAdd;
        m.inputs = {cur, outs[k]};
        auto r = b.Add(m);
        if (!r.ok()) return r.status();
        cur = r.value();
      }
    } else {
      cur = outs[0];
    }
  }
  // "full" layers: a classifier head (global pool, flatten, 1-2 fully connected) half the time.
  if (rng.Unit() < 0.5) {
    Node gp;
    gp.op = OpKind::kGlobalPool;
    gp.pool.type = PoolType::kAvg;
    gp.inputs = {cur};
    auto r = b.Add(gp);
    if (!r.ok()) return r.status();
    r = b.Unary(r.value(), OpKind::kFlatten);
    if (!r.ok()) return r.status();
    int fcs = 1 + static_cast<int>(rng.Uniform(2));
    for (int i = 0; i < fcs; ++i) {
      Node fc;
      fc.op = OpKind::kLinear;
      fc.inputs = {r.value()};
      fc.out_features = i + 1 == fcs ? 1000 : rng.Pick(o.output_channels) * 2;
      fc.bias = true;
      r = b.Add(fc);
      if (!r.ok()) return r.status();
    }
  }
  ACESNIPER_RETURN_IF_ERROR(b.g.Validate());
  // Reshape-permute pairs (and the pairs where transformer blocks meet) become one node each,
  // as in any file of the network. Table IV's graphs never move data twice in a row.
  if (o.extended) return MergeMovementChains(b.g);
  return std::move(b.g);
}

double GraphFlops(const Graph& g) {
  double macs = 0;
  for (const Node& n : g.nodes()) macs += static_cast<double>(NodeMacs(g, n));
  return 2 * macs;
}

}  // namespace

Result<GeneratedNetwork> GenerateNetwork(const GeneratorOptions& opts, uint64_t index) {
  if (opts.min_flops > opts.max_flops || opts.max_flops <= 0)
    return Status::InvalidArgument("generator: FLOPs budget [" + std::to_string(opts.min_flops) + ", " +
                                   std::to_string(opts.max_flops) + "] is empty");
  if (opts.max_blocks < 1) return Status::InvalidArgument("generator: max_blocks must be >= 1");
  if (opts.planes.empty() || opts.input_channels.empty() || opts.output_channels.empty() ||
      opts.kernels.empty())
    return Status::InvalidArgument("generator: an empty parameter range");
  if (opts.log_uniform_flops && (opts.flops_bins < 1 || opts.min_flops <= 0))
    return Status::InvalidArgument("generator: log-uniform FLOPs need min_flops > 0 and flops_bins >= 1");
  SplitMix64 seeder(opts.seed * 0x2545F4914F6CDD1DULL + index);
  SplitMix64 rng(seeder.Next() ^ index);
  // Each network draws a stratum: an input plane (uniform over Table IV's planes, so the budget
  // does not push the set towards small inputs) and, when log-uniform, a FLOPs bin. Structures
  // are redrawn until one falls in the stratum; a stratum that yields nothing in
  // kStratumAttempts draws (a 224x224 input in the smallest bin, say) is redrawn.
  constexpr int kStratumAttempts = 2000;
  double lo = opts.min_flops, hi = opts.max_flops;
  int64_t in_plane = 0;
  for (int attempt = 1; attempt <= opts.max_attempts; ++attempt) {
    if ((attempt - 1) % kStratumAttempts == 0) {
      in_plane = rng.Pick(opts.planes);
      if (opts.log_uniform_flops) {  // bin edges equally spaced in log FLOPs
        const double log_min = std::log(opts.min_flops);
        const double step = (std::log(opts.max_flops) - log_min) / opts.flops_bins;
        int64_t bin = rng.Uniform(opts.flops_bins);
        lo = std::exp(log_min + step * static_cast<double>(bin));
        hi = bin + 1 == opts.flops_bins ? opts.max_flops : std::exp(log_min + step * static_cast<double>(bin + 1));
      }
    }
    auto g = Draw(opts, in_plane, rng);
    if (!g.ok()) return g.status().WithContext("generator (internal)");
    double flops = GraphFlops(g.value());
    if (flops < lo || flops > hi) continue;
    GeneratedNetwork net;
    net.name = std::string(opts.extended ? "genx-" : "gen-") + std::to_string(opts.seed) + "-" + std::to_string(index);
    net.seed = opts.seed;
    net.index = index;
    net.attempts = attempt;
    net.graph = std::move(g.value());
    return net;
  }
  return Status::InvalidArgument("generator: no network within the FLOPs budget after " +
                                 std::to_string(opts.max_attempts) + " draws");
}

}  // namespace acesniper
