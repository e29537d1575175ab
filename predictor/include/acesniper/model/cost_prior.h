// The cost prior (docs/model.md, "What limits the model"): latency on a CPU is close to a sum of
// per-layer costs, and a new platform prices layers much like some mix of the platforms already
// measured. Each training platform k gets an additive model over the cost terms t(net) (the
// analyzer's "layer cost" features, per-kind layer counts, fully connected and matmul FLOPs):
//   c_k(net) = b_k + sum_j w_kj t_j(net),   b_k, w_kj >= 0 (ms)
// A platform's HRM vector carries mixture weights hc = [a_0, a_1..a_K] >= 0, fitted to its
// reference latencies (FitCostMixture), and its prior is a_0 + sum_k a_k c_k(net). The PCN then
// learns a correction to the prior instead of the whole latency.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/model/latency_dataset.h"

namespace acesniper {

// The cost terms, by feature name, in the order CostPrior::columns keeps them.
const std::vector<std::string>& CostTermNames();

struct CostPrior {
  std::vector<int> columns;            // FeatureDefs() indices of CostTermNames()
  std::vector<std::string> platforms;  // the basis: one additive model per training platform
  Eigen::MatrixXd weights;             // K x (|columns| + 1): ms per unit of each term; intercept last

  bool empty() const { return platforms.empty(); }
  // The K basis models' latencies (ms) for one network's features (FeatureDefs() order).
  Eigen::VectorXd Basis(const std::vector<double>& features) const;
  nlohmann::json ToJson() const;
  // Errors: unknown feature names, a weight matrix of the wrong shape, negative or non-finite weights.
  static Result<CostPrior> FromJson(const nlohmann::json& j);
};

// Fits each platform's additive model on its measured latencies of `networks` (dataset rows).
// Errors: a platform with fewer than 10 measured networks.
Result<CostPrior> FitCostPrior(const LatencyDataset& data, const std::vector<int>& platforms,
                               const std::vector<int>& networks);

// Mixture weights [a_0, a_1..a_K] >= 0 fitted to a platform's latencies y of some networks, whose
// basis latencies are the rows of `basis_ms` (networks x K). Columns with use[k] false (the
// platform's own model, when it is one of the basis) get weight 0. Errors: fewer than 3 rows.
Result<std::vector<double>> FitCostMixture(const Eigen::MatrixXd& basis_ms, const Eigen::VectorXd& y,
                                           const std::vector<bool>& use);

// a_0 + sum_k a_k basis_k, never below 1 us (a prior enters the model in log space).
double MixtureLatency(const std::vector<double>& hc, const Eigen::VectorXd& basis_ms);

}  // namespace acesniper
