#include "graph_draft.h"

#include <algorithm>

namespace acesniper {

int GraphDraft::Add(Node n, std::vector<Shape> consts) {
  DraftNode d;
  d.node = std::move(n);
  d.consts = std::move(consts);
  nodes_.push_back(std::move(d));
  return static_cast<int>(nodes_.size()) - 1;
}

std::vector<int> GraphDraft::Consumers() const {
  std::vector<int> c(nodes_.size(), 0);
  for (const DraftNode& d : nodes_)
    if (!d.dead)
      for (int i : d.node.inputs) ++c[static_cast<size_t>(i)];
  return c;
}

void GraphDraft::Replace(int from, int to) {
  for (size_t k = static_cast<size_t>(from) + 1; k < nodes_.size(); ++k)
    for (int& i : nodes_[k].node.inputs)
      if (i == from) i = to;
  nodes_[static_cast<size_t>(from)].dead = true;
}

namespace {
bool IsMovement(OpKind k) { return k == OpKind::kLayout || k == OpKind::kFlatten; }
}  // namespace

void GraphDraft::MergeLayoutChains() {
  // From the last node back: a movement node whose consumers are all movement nodes is folded
  // into each of them. Chains collapse to one node, and a tree of movements (a shared slice
  // that an exporter factored out) becomes one movement per path, the same however spelled.
  for (size_t j = nodes_.size(); j-- > 0;) {
    DraftNode& in = nodes_[j];
    if (in.dead || !IsMovement(in.node.op) || in.node.inputs.size() != 1) continue;
    std::vector<size_t> users;
    bool all_movement = true;
    for (size_t k = j + 1; k < nodes_.size() && all_movement; ++k) {
      const DraftNode& d = nodes_[k];
      if (d.dead) continue;
      for (int i : d.node.inputs) {
        if (i != static_cast<int>(j)) continue;
        if (!IsMovement(d.node.op) || d.node.inputs.size() != 1) all_movement = false;
        users.push_back(k);
        break;
      }
    }
    if (!all_movement || users.empty()) continue;
    for (size_t k : users) {
      nodes_[k].node.inputs = in.node.inputs;
      nodes_[k].node.op = OpKind::kLayout;
    }
    nodes_[users.front()].attributed += in.attributed;
    in.dead = true;
  }
}

void GraphDraft::FlattenNestedConcats() {
  std::vector<int> consumers = Consumers();
  auto axis_of = [&](const Node& n) {
    int64_t r = static_cast<int64_t>(n.out.size());
    return n.axis < 0 ? n.axis + r : n.axis;
  };
  for (DraftNode& d : nodes_) {
    if (d.dead || d.node.op != OpKind::kConcat) continue;
    std::vector<int> flat;
    for (int i : d.node.inputs) {
      DraftNode& in = nodes_[static_cast<size_t>(i)];
      if (in.node.op == OpKind::kConcat && consumers[static_cast<size_t>(i)] == 1 && in.node.inputs.size() > 1 &&
          axis_of(in.node) == axis_of(d.node)) {
        flat.insert(flat.end(), in.node.inputs.begin(), in.node.inputs.end());
        d.attributed += in.attributed;
        in.dead = true;
      } else {
        flat.push_back(i);
      }
    }
    d.node.inputs = flat;
  }
}

void GraphDraft::RemoveUnused(int output) {
  std::vector<char> live(nodes_.size(), 0);
  live[static_cast<size_t>(output)] = 1;
  for (int k = output; k >= 0; --k) {
    if (!live[static_cast<size_t>(k)] || nodes_[static_cast<size_t>(k)].dead) continue;
    for (int i : nodes_[static_cast<size_t>(k)].node.inputs) live[static_cast<size_t>(i)] = 1;
  }
  for (size_t k = 0; k < nodes_.size(); ++k)
    if (!live[k] && nodes_[k].node.op != OpKind::kInput) nodes_[k].dead = true;
}

Result<Graph> GraphDraft::Finish(int output) {
  RemoveUnused(output);
  FlattenNestedConcats();
  MergeLayoutChains();
  RemoveUnused(output);
  Graph g;
  std::vector<int> index(nodes_.size(), -1);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (nodes_[k].dead) continue;
    Node n = nodes_[k].node;
    for (int& i : n.inputs) {
      i = index[static_cast<size_t>(i)];
      if (i < 0) return Status::Internal("importer: layer '" + n.name + "' uses a removed layer");
    }
    n.extra_params = 0;
    auto r = g.Add(std::move(n));
    if (!r.ok()) return r.status();
    index[k] = r.value();
    // What reaches the layer beyond its own weights (which NodeParams counts) is extra.
    g.SetExtraParams(r.value(), std::max<int64_t>(0, nodes_[k].attributed - NodeParams(g, g.node(r.value()))));
  }
  ACESNIPER_RETURN_IF_ERROR(g.Validate());
  return g;
}

}  // namespace acesniper
