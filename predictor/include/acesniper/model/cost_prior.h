// The cost prior (docs/model.md, "What limits the model"): latency on a CPU is close to a sum of
// per-layer costs, and a new platform prices layers much like some mix of the platforms already
// measured. Each training platform k gets an additive model over the cost terms t(net) (the
// analyzer's "layer cost" features, per-kind layer counts, fully connected and matmul FLOPs):
//   c_k(net) = b_k + sum_j w_kj t_j(net),   b_k, w_kj >= 0 (ms)
// A platform's HRM vector carries mixture weights hc = [a_0, a_1..a_K] >= 0, fitted to its
// reference latencies (FitCostMixture), and its prior is a_0 + sum_k a_k c_k(net). The PCN then
// learns a correction to the prior instead of the whole latency.
// The terms fall into layer families (convolutions, elementwise layers, fully connected and matmul,
// per-layer overhead). A platform may price a whole family unlike its mixture (its convolutions
// 20 % dearer, say): its HRM vector also carries one factor per family, hk, fitted to what the
// mixture leaves of its reference latencies (FitFamilyFactors), and its prior becomes
//   a_0 + sum_k a_k (c_k(net) + sum_g (hk_g - 1) c_kg(net))
// with c_kg the part of c_k that family g's terms make up.
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

// The layer families, in the order of an HRM vector's hk, and the family of a cost term (by
// feature name; -1 for a name that is no cost term).
const std::vector<std::string>& CostFamilyNames();
int CostTermFamily(const std::string& term);

// Ridge penalty of the family factors' fit, on relative residuals summed over the references: at
// d = 10 the factors stay near 1, at d = 160 they follow the data. 3 measured best of 0.3, 1, 3
// and 10 across both machines' held-out platforms (docs/model.md, "Family factors").
inline constexpr double kFamilyFactorLambda = 3;

struct CostPrior {
  std::vector<int> columns;            // FeatureDefs() indices of CostTermNames()
  std::vector<int> families;           // per column, its index in CostFamilyNames()
  std::vector<std::string> platforms;  // the basis: one additive model per training platform
  Eigen::MatrixXd weights;             // K x (|columns| + 1): ms per unit of each term; intercept last

  bool empty() const { return platforms.empty(); }
  // The K basis models' latencies (ms) for one network's features (FeatureDefs() order).
  Eigen::VectorXd Basis(const std::vector<double>& features) const;
  // The same latencies split by family, intercepts left out: K x G values, entry k * G + g the
  // part of basis model k that family g's terms make up.
  Eigen::VectorXd FamilyBasis(const std::vector<double>& features) const;
  // Basis() from FamilyBasis()'s result (adds the intercepts): one pass over the terms for both.
  Eigen::VectorXd BasisFromFamilies(const Eigen::VectorXd& family_ms) const;
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

// The mixture's latency by family: sum_k a_k family_ms(k * G + g) for each of the G families.
Eigen::VectorXd MixtureFamilies(const std::vector<double>& hc, const Eigen::VectorXd& family_ms);

// The prior with family factors: MixtureLatency plus sum_g (hk_g - 1) x the mixture's family g,
// never below 1 us. Empty hk: MixtureLatency.
double PriorLatency(const std::vector<double>& hc, const std::vector<double>& hk, const Eigen::VectorXd& basis_ms,
                    const Eigen::VectorXd& family_ms);

// Family factors hk_g = 1 + e_g from reference latencies y, given the mixture's latency of each
// (mixture_ms) and its split by family (rows of mixture_family_ms, networks x G): a ridge fit of
// the relative residual (y - m) / y on the families' shares m_g / y, penalty `lambda` on e,
// factors held to at least 0.1. A family absent from the references keeps factor 1.
// Errors: shapes that disagree, a y <= 0 or a non-finite value, lambda <= 0.
Result<std::vector<double>> FitFamilyFactors(const Eigen::VectorXd& mixture_ms, const Eigen::MatrixXd& mixture_family_ms,
                                             const Eigen::VectorXd& y, double lambda = kFamilyFactorLambda);

}  // namespace acesniper
