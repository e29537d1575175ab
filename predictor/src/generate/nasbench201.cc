#include "acesniper/generate/nasbench201.h"

#include <array>
#include <sstream>
#include <vector>

#include "acesniper/graph/layers.h"

namespace acesniper {

namespace {

enum class Nb201Op { kNone, kSkip, kConv1x1, kConv3x3, kAvgPool };

struct Edge {
  Nb201Op op;
  int from;
};

Result<std::array<std::vector<Edge>, 4>> ParseArch(const std::string& arch) {
  std::array<std::vector<Edge>, 4> nodes;  // nodes[i]: edges into node i (1..3)
  std::vector<std::string> groups;
  std::stringstream in(arch);
  for (std::string g; std::getline(in, g, '+');) groups.push_back(g);
  if (groups.size() != 3) return Status::InvalidArgument("NAS-Bench-201 arch '" + arch + "': expected 3 '+'-separated node groups");
  for (size_t i = 0; i < 3; ++i) {
    const std::string& g = groups[i];
    if (g.size() < 2 || g.front() != '|' || g.back() != '|')
      return Status::InvalidArgument("NAS-Bench-201 arch: group '" + g + "' must start and end with '|'");
    std::stringstream gs(g.substr(1, g.size() - 2));
    for (std::string e; std::getline(gs, e, '|');) {
      size_t tilde = e.find('~');
      if (tilde == std::string::npos) return Status::InvalidArgument("NAS-Bench-201 arch: edge '" + e + "' has no '~'");
      std::string name = e.substr(0, tilde);
      int from = -1;
      try {
        size_t used = 0;
        from = std::stoi(e.substr(tilde + 1), &used);
        if (used != e.size() - tilde - 1) from = -1;
      } catch (const std::exception&) {
        from = -1;
      }
      if (from < 0 || from > static_cast<int>(i))
        return Status::InvalidArgument("NAS-Bench-201 arch: edge '" + e + "' must come from node 0.." + std::to_string(i));
      Nb201Op op;
      if (name == "none") op = Nb201Op::kNone;
      else if (name == "skip_connect") op = Nb201Op::kSkip;
      else if (name == "nor_conv_1x1") op = Nb201Op::kConv1x1;
      else if (name == "nor_conv_3x3") op = Nb201Op::kConv3x3;
      else if (name == "avg_pool_3x3") op = Nb201Op::kAvgPool;
      else return Status::InvalidArgument("NAS-Bench-201 arch: unknown op '" + name + "'");
      nodes[i + 1].push_back({op, from});
    }
    if (nodes[i + 1].size() != i + 1)
      return Status::InvalidArgument("NAS-Bench-201 arch: node " + std::to_string(i + 1) + " needs " + std::to_string(i + 1) + " edges");
  }
  return nodes;
}

struct Nb201Builder {
  Graph g;
  int counter = 0;
  Result<int> Add(Node n) {
    n.name = std::string(OpKindName(n.op)) + std::to_string(counter++);
    return g.Add(std::move(n));
  }
  Result<int> Relu(int x) { return Add(PlainLayer(OpKind::kActivation, {x})); }
  Result<int> Bn(int x) { return Add(PlainLayer(OpKind::kBatchNorm, {x})); }
  // ReLU-Conv-BN
  Result<int> ReluConvBn(int x, int64_t out, int64_t k, int64_t stride) {
    Result<int> r = Relu(x);
    if (!r.ok()) return r;
    r = Add(ConvLayer(*r, out, k, stride, (k - 1) / 2));
    if (!r.ok()) return r;
    return Bn(*r);
  }
};

// Which nodes reach node 3 through non-none edges.
std::array<bool, 4> Live(const std::array<std::vector<Edge>, 4>& nodes) {
  std::array<bool, 4> live{false, false, false, true};
  for (int i = 3; i >= 1; --i) {
    if (!live[static_cast<size_t>(i)]) continue;
    for (const Edge& e : nodes[static_cast<size_t>(i)])
      if (e.op != Nb201Op::kNone) live[static_cast<size_t>(e.from)] = true;
  }
  return live;
}

// NB201's Zero op, x * 0.
Result<int> Zero(Nb201Builder& b, int x) {
  Node zero;
  zero.op = OpKind::kOther;
  zero.source_op = "nb201::zero";
  zero.inputs = {x};
  zero.out = b.g.node(x).out;
  return b.Add(zero);
}

Result<int> Apply(Nb201Builder& b, Nb201Op op, int x, int64_t channels) {
  switch (op) {
    case Nb201Op::kSkip: return x;
    case Nb201Op::kConv1x1: return b.ReluConvBn(x, channels, 1, 1);
    case Nb201Op::kConv3x3: return b.ReluConvBn(x, channels, 3, 1);
    case Nb201Op::kAvgPool: {
      Node p = PoolLayer(x, PoolType::kAvg, 3, 1, 1);
      p.pool.count_include_pad = false;
      return b.Add(p);
    }
    case Nb201Op::kNone: return Zero(b, x);
  }
  return Status::Internal("NAS-Bench-201: unknown op");
}

Result<int> Sum(Nb201Builder& b, const std::vector<int>& terms) {
  if (terms.size() == 1) return terms[0];
  return b.Add(PlainLayer(OpKind::kAdd, terms));
}

// Every edge, as NAS-Bench-201's InferCell runs it: "none" is x * 0 and every node is computed.
Result<int> CellEveryEdge(Nb201Builder& b, const std::array<std::vector<Edge>, 4>& nodes, int input, int64_t channels) {
  std::array<int, 4> value{input, -1, -1, -1};
  for (size_t i = 1; i <= 3; ++i) {
    std::vector<int> terms;
    for (const Edge& e : nodes[i]) {
      Result<int> r = Apply(b, e.op, value[static_cast<size_t>(e.from)], channels);
      if (!r.ok()) return r;
      terms.push_back(*r);
    }
    Result<int> v = Sum(b, terms);
    if (!v.ok()) return v;
    value[i] = *v;
  }
  return value[3];
}

// Only the work that reaches the cell output: "none" edges dropped, dead nodes left out, a node
// with no other edge is the Zero op on the cell input.
Result<int> CellLiveOnly(Nb201Builder& b, const std::array<std::vector<Edge>, 4>& nodes, int input, int64_t channels) {
  std::array<int, 4> value{input, -1, -1, -1};
  std::array<bool, 4> live = Live(nodes);
  for (size_t i = 1; i <= 3; ++i) {
    if (!live[i]) continue;
    std::vector<int> terms;
    for (const Edge& e : nodes[i]) {
      if (e.op == Nb201Op::kNone || value[static_cast<size_t>(e.from)] < 0) continue;
      Result<int> r = Apply(b, e.op, value[static_cast<size_t>(e.from)], channels);
      if (!r.ok()) return r;
      terms.push_back(*r);
    }
    Result<int> v = terms.empty() ? Zero(b, input) : Sum(b, terms);
    if (!v.ok()) return v;
    value[i] = *v;
  }
  return value[3];
}

Result<int> Reduction(Nb201Builder& b, int x, int64_t out) {
  Result<int> a = b.ReluConvBn(x, out, 3, 2);
  if (!a.ok()) return a;
  Result<int> c = b.ReluConvBn(*a, out, 3, 1);
  if (!c.ok()) return c;
  Result<int> s = b.Add(PoolLayer(x, PoolType::kAvg, 2, 2, 0));
  if (!s.ok()) return s;
  s = b.Add(ConvLayer(*s, out, 1, 1, 0));
  if (!s.ok()) return s;
  return b.Add(PlainLayer(OpKind::kAdd, {*s, *c}));
}

}  // namespace

Result<bool> NasBench201Connected(const std::string& arch) {
  Result<std::array<std::vector<Edge>, 4>> nodes = ParseArch(arch);
  if (!nodes.ok()) return nodes.status();
  std::array<bool, 4> reach{true, false, false, false};  // from node 0 through non-none edges
  for (size_t i = 1; i <= 3; ++i)
    for (const Edge& e : (*nodes)[i])
      if (e.op != Nb201Op::kNone && reach[static_cast<size_t>(e.from)]) reach[i] = true;
  return reach[3];
}

Result<Graph> BuildNasBench201(const std::string& arch, Nb201Cell form, int64_t batch, int64_t input_hw) {
  Result<std::array<std::vector<Edge>, 4>> nodes = ParseArch(arch);
  if (!nodes.ok()) return nodes.status();
  if (batch < 1 || input_hw < 8) return Status::InvalidArgument("NAS-Bench-201: batch >= 1 and input >= 8 pixels");
  Nb201Builder b;
  Result<int> x = b.g.AddInput({batch, 3, input_hw, input_hw});
  if (!x.ok()) return x.status();
  x = b.Add(ConvLayer(*x, 16, 3, 1, 1));
  if (x.ok()) x = b.Bn(*x);
  const int64_t channels[] = {16, 32, 64};
  for (int stage = 0; stage < 3 && x.ok(); ++stage) {
    if (stage > 0) x = Reduction(b, *x, channels[stage]);
    for (int c = 0; c < 5 && x.ok(); ++c)
      x = form == Nb201Cell::kEveryEdge ? CellEveryEdge(b, *nodes, *x, channels[stage]) : CellLiveOnly(b, *nodes, *x, channels[stage]);
  }
  if (x.ok()) x = b.Bn(*x);
  if (x.ok()) x = b.Relu(*x);
  if (x.ok()) {
    Node gp;
    gp.op = OpKind::kGlobalPool;
    gp.pool.type = PoolType::kAvg;
    gp.inputs = {*x};
    x = b.Add(gp);
  }
  if (x.ok()) x = b.Add(PlainLayer(OpKind::kFlatten, {*x}));
  if (x.ok()) {
    Node fc;
    fc.op = OpKind::kLinear;
    fc.inputs = {*x};
    fc.out_features = 10;
    x = b.Add(fc);
  }
  if (!x.ok()) return x.status().WithContext("NAS-Bench-201 '" + arch + "'");
  ACESNIPER_RETURN_IF_ERROR(b.g.Validate());
  return std::move(b.g);
}

}  // namespace acesniper
