#include "acesniper/model/latency_dataset.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace acesniper {

int LatencyDataset::FindNetwork(const std::string& name) const {
  for (size_t i = 0; i < networks.size(); ++i)
    if (networks[i].network == name) return static_cast<int>(i);
  return -1;
}

int LatencyDataset::FindPlatform(const std::string& name) const {
  for (size_t i = 0; i < platforms.size(); ++i)
    if (platforms[i] == name) return static_cast<int>(i);
  return -1;
}

double LatencyDataset::FeatureValue(int network, const std::string& feature) const {
  const std::vector<FeatureDef>& defs = FeatureDefs();
  for (size_t j = 0; j < defs.size(); ++j)
    if (feature == defs[j].name) return networks[static_cast<size_t>(network)].values[j];
  return std::numeric_limits<double>::quiet_NaN();
}

Result<LatencyDataset> BuildLatencyDataset(const std::vector<MeasurementRecord>& records,
                                           const std::vector<FeatureRow>& features, int64_t batch) {
  std::map<std::string, size_t> feature_by_hash;
  for (size_t i = 0; i < features.size(); ++i) feature_by_hash[features[i].network_hash] = i;
  LatencyDataset d;
  std::map<std::string, size_t> platform_index;
  std::map<size_t, size_t> network_of_feature;  // feature row -> dataset row
  std::vector<size_t> used_features;
  struct Cell {
    size_t network, platform;
    const MeasurementRecord* r;
  };
  std::vector<Cell> cells;
  for (const MeasurementRecord& r : records) {
    if (r.batch != batch) continue;
    auto f = feature_by_hash.find(r.network_hash);
    if (f == feature_by_hash.end())
      return Status::NotFound("network '" + r.network + "' (hash " + r.network_hash +
                              ") is not in the feature table: run `acesniper features` on its store");
    if (features[f->second].network != r.network)
      return Status::InvalidArgument("network hash " + r.network_hash + " is '" + r.network + "' in the store but '" +
                                     features[f->second].network + "' in the feature table");
    auto p = platform_index.find(r.platform);
    if (p == platform_index.end()) {
      p = platform_index.emplace(r.platform, d.platforms.size()).first;
      d.platforms.push_back(r.platform);
      d.platform_ids.push_back(r.platform_id);
    } else if (d.platform_ids[p->second] != r.platform_id) {
      return Status::InvalidArgument("platform '" + r.platform + "' has two fingerprints (" + d.platform_ids[p->second] +
                                     " and " + r.platform_id +
                                     "): its software or settings changed; measure it under a new platform name");
    }
    auto n = network_of_feature.find(f->second);
    if (n == network_of_feature.end()) {
      n = network_of_feature.emplace(f->second, used_features.size()).first;
      used_features.push_back(f->second);
    }
    cells.push_back({n->second, p->second, &r});
  }
  // Keep the feature table's order, so that the dataset does not depend on the order of stores.
  std::vector<size_t> order(used_features.size());
  {
    std::vector<std::pair<size_t, size_t>> by_feature;
    for (size_t i = 0; i < used_features.size(); ++i) by_feature.push_back({used_features[i], i});
    std::sort(by_feature.begin(), by_feature.end());
    for (size_t k = 0; k < by_feature.size(); ++k) {
      order[by_feature[k].second] = k;
      d.networks.push_back(features[by_feature[k].first]);
    }
  }
  const auto rows = static_cast<Eigen::Index>(d.networks.size()), cols = static_cast<Eigen::Index>(d.platforms.size());
  d.latency_ms = Eigen::MatrixXd::Constant(rows, cols, std::numeric_limits<double>::quiet_NaN());
  d.status = Eigen::Matrix<int8_t, Eigen::Dynamic, Eigen::Dynamic>::Constant(rows, cols, -1);
  for (const Cell& c : cells) {
    auto i = static_cast<Eigen::Index>(order[c.network]);
    auto j = static_cast<Eigen::Index>(c.platform);
    if (d.status(i, j) != -1)
      return Status::InvalidArgument("network '" + c.r->network + "' is measured twice on '" + c.r->platform +
                                     "' at batch " + std::to_string(batch) + " (two stores overlap)");
    d.status(i, j) = static_cast<int8_t>(c.r->status);
    if (c.r->status == MeasureStatus::kOk && c.r->median_ms > 0) d.latency_ms(i, j) = c.r->median_ms;
  }
  return d;
}

Eigen::VectorXd NetworkInputRow(const std::vector<double>& feature_values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(feature_values.size()));
  for (size_t j = 0; j < feature_values.size(); ++j) v(static_cast<Eigen::Index>(j)) = std::log1p(std::max(0.0, feature_values[j]));
  return v;
}

Eigen::MatrixXd NetworkInputs(const LatencyDataset& data) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(data.networks.size()), static_cast<Eigen::Index>(FeatureDefs().size()));
  for (size_t i = 0; i < data.networks.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = NetworkInputRow(data.networks[i].values).transpose();
  return m;
}

}  // namespace acesniper
