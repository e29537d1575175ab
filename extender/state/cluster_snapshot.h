// What the handlers read: one immutable snapshot of the model, the network catalogue, the node
// cache and the nodes' queues. Background refreshers build new parts and swap them in whole
// (SnapshotHolder); a request keeps the snapshot it started with, so a reload never changes a
// decision half way and never blocks a request.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/hrm/hrm.h"
#include "acesniper/kube/annotations.h"
#include "acesniper/model/latency_model.h"
#include "state/prediction_cache.h"

namespace acesniper::extender {

// Network name (or NAME@bN) -> features in FeatureDefs() order. Two file formats:
//   *.json: what `acesniper analyze --json` prints (an array of {name, schema, input_shape,
//           features}); an entry whose input_shape starts with N > 1 is NAME@bN;
//   else:   a feature table (acesniper features; .csv or .csv.gz), one row per name.
struct NetworkCatalogue {
  std::unordered_map<std::string, std::vector<double>> features;
  static Result<NetworkCatalogue> Load(const std::string& path);
};

struct ModelBundle {
  LatencyModel model;
  std::string spec_id;  // model.spec.Id(), computed once
  NetworkCatalogue catalogue;
  std::string model_path, catalogue_path;
  mutable PredictionCache predictions;  // of this model only
};

// One node as the extender knows it, from its annotations.
struct NodeRecord {
  Status hrm_status;  // ok: `hrm` is valid (not yet checked against the model's spec)
  HrmVector hrm;
  uint64_t hrm_key = 0;  // Fingerprint64 of the annotation value (prediction cache)
  double bandwidth_mb_s = 125;
  static NodeRecord FromAnnotations(const kube::Annotations& annotations, double default_bandwidth_mb_s);
};
using NodeCache = std::unordered_map<std::string, NodeRecord>;

// Work placed on a node and not finished (docs/design.md, "Node queue state").
struct NodeLoad {
  double busy_until_unix_s = 0;  // when the node is estimated to have finished it
  int unfinished = 0;
};
using NodeLoads = std::unordered_map<std::string, NodeLoad>;

struct ClusterSnapshot {
  std::shared_ptr<const ModelBundle> model;  // null until a model loaded (/readyz)
  std::shared_ptr<const NodeCache> nodes = std::make_shared<NodeCache>();
  std::shared_ptr<const NodeLoads> loads = std::make_shared<NodeLoads>();
};

// Thread-safe holder: readers copy the snapshot (three shared_ptr copies), writers replace a part.
class SnapshotHolder {
 public:
  ClusterSnapshot Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void SetModel(std::shared_ptr<const ModelBundle> m) {
    std::lock_guard<std::mutex> lock(mu_);
    current_.model = std::move(m);
  }
  void SetNodes(std::shared_ptr<const NodeCache> n) {
    std::lock_guard<std::mutex> lock(mu_);
    current_.nodes = std::move(n);
  }
  void SetLoads(std::shared_ptr<const NodeLoads> l) {
    std::lock_guard<std::mutex> lock(mu_);
    current_.loads = std::move(l);
  }

 private:
  mutable std::mutex mu_;
  ClusterSnapshot current_;
};

// Loads the model file and the catalogue; errors name the file and what was wrong.
Result<std::shared_ptr<const ModelBundle>> LoadModelBundle(const std::string& model_path, const std::string& catalogue_path);

}  // namespace acesniper::extender
