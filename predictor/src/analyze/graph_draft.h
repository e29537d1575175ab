// Private to the importers: a mutable list of layers that the importers fill, rewrite into the
// canonical form both file formats share (see docs/features.md, "Canonical form"), and finally
// hand to Graph::Add, which re-checks every shape.
#pragma once

#include <string>
#include <vector>

#include "acesniper/graph/graph.h"

namespace acesniper {

struct DraftNode {
  Node node;                  // node.inputs are draft indices
  std::vector<Shape> consts;  // shapes of constant operands (weights excluded), for rewrites
  int64_t spatial_pad = -1;  // ONNX Pad with zeros, the same on all four H/W sides: that amount
  int64_t attributed = 0;     // elements of learned tensors that reach this layer (weights included)
  bool dead = false;
};

class GraphDraft {
 public:
  int Add(Node n, std::vector<Shape> consts = {});
  DraftNode& at(int i) { return nodes_[static_cast<size_t>(i)]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  // Number of live consumers of each node.
  std::vector<int> Consumers() const;
  // Every later use of `from` now uses `to`; `from` dies.
  void Replace(int from, int to);
  // Layouts and flattens that only feed other layouts fold into them: a chain of pure data
  // movement counts once, however a framework happened to spell or share it.
  void MergeLayoutChains();
  // concat(a, concat(b, c)) on one axis is concat(a, b, c): exporters flatten nested concats.
  void FlattenNestedConcats();
  // Kills nodes that do not reach `output`.
  void RemoveUnused(int output);
  // Live nodes in order, renumbered, through Graph::Add (which checks every shape).
  Result<Graph> Finish(int output);

 private:
  std::vector<DraftNode> nodes_;
};

}  // namespace acesniper
