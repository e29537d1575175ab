// Hardware resource modelling (section IV-B, eq. 6-11). A platform is a black box: its vector
// comes only from its latencies on a fixed set of reference networks.
//   Mh  = latencies of the d reference networks                                   (eq. 7)
//   Mh* = min-max normalised Mh, here in log space: (ln y - ln min) / (ln max - ln min)  (eq. 11)
//   Hg  = [b, w]: a Bayesian ridge fit of Mh* on the reference networks' key features (eq. 8-9);
//         denormalised, it is also the platform's "traditional" latency model (section IV-B)
//   Hs  = Mh* of the "singular networks", picked from the covariance across platforms (eq. 10)
// What is fixed for every platform (the reference networks, their key feature values, which ones
// are singular) is the HrmSpec; it belongs to a trained model and has a content id. An HrmVector
// names the spec it was fitted against, so a vector from another model is refused, not misread.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/model/linear_fit.h"

namespace acesniper {

inline constexpr const char* kHrmSchema = "acesniper.hrm/v1";
inline constexpr const char* kHrmSpecSchema = "acesniper.hrm-spec/v1";

struct HrmSpec {
  std::vector<std::string> reference_networks;  // d names, e.g. gen-20261126-0
  std::vector<std::string> hg_features;         // feature names of the general fit
  Eigen::MatrixXd reference_inputs;             // d x |hg_features|: log1p(feature), standardised
  Standardizer input_scaler;                    // how raw log1p features were standardised
  std::vector<int> singular;                    // indices into reference_networks (Hs), in pick order
  // The cost prior's basis (model/cost_prior.h), when the model has one: the training platforms'
  // names and their additive models' latencies of the reference networks (d x K, ms). A
  // platform's mixture weights (HrmVector::hc) are fitted to these.
  std::vector<std::string> cost_platforms;
  std::vector<std::string> cost_platform_ids;  // their fingerprint ids, in the same order
  Eigen::MatrixXd reference_cost_ms;
  // With family factors (model/cost_prior.h), only beside a basis: the families' names (those of
  // CostFamilyNames()) and the basis split by family, d x (K x G), column k * G + g (intercepts
  // left out). Empty: priors have no family factors.
  std::vector<std::string> cost_families;
  Eigen::MatrixXd reference_family_ms;

  size_t d() const { return reference_networks.size(); }
  // Values an HRM vector's hc has under this spec: intercept + one per cost platform, or none.
  size_t hc_size() const { return cost_platforms.empty() ? 0 : cost_platforms.size() + 1; }
  // 16 hex digits of the SHA-256 of the canonical JSON: equal specs, equal ids.
  std::string Id() const;
  nlohmann::json ToJson() const;
  static Result<HrmSpec> FromJson(const nlohmann::json& j);
};

struct HrmVector {
  std::string spec_id;
  std::string platform;     // platform name
  std::string platform_id;  // its fingerprint id, when known
  int measured = 0;         // reference networks with a latency (<= d)
  double min_ms = 0, max_ms = 0;  // range of Mh (eq. 11)
  std::vector<double> hg;   // [intercept, weights...] : 1 + |hg_features|
  std::vector<double> hs;   // normalised latencies of the singular networks
  // Cost prior mixture weights [a_0 (ms), a_1..a_K] >= 0 over the spec's cost_platforms; empty
  // when the spec has none. A platform never mixes in its own model (same fingerprint id: the
  // same name on another machine is another platform, and its model may be the best one): the weights
  // describe it the way they would describe a platform the model has never seen. With them, hg
  // and hs are fitted to y* - prior* (the departure from the prior), not to y*.
  std::vector<double> hc;
  // Family factors (> 0), one per spec.cost_families, fitted after hc: how much dearer (> 1) or
  // cheaper this platform prices each layer family than its mixture does. Empty without.
  std::vector<double> hk;
  // Operator classes (count_* feature names) this platform cannot run, learned from its
  // unsupported reports (structure checker); optional, empty when it runs everything measured.
  std::vector<std::string> unsupported;

  // Everything PCN reads: [hg..., hs...] (hc is applied outside the PCN, as the prior).
  std::vector<double> Concatenated() const;
  // Compact, versioned JSON (fits a Kubernetes annotation: about 30 bytes a number).
  nlohmann::json ToJson() const;
  std::string ToCompactString() const;
  // Strict: schema, every key, finite numbers, 0 < min <= max.
  static Result<HrmVector> FromJson(const nlohmann::json& j);
  static Result<HrmVector> Parse(const std::string& text);
  // The vector's sizes and spec id match the spec.
  Status CheckAgainst(const HrmSpec& spec) const;
  // Only the sizes (hg, hs, hc, hk), for callers that compared the spec id already: Id() hashes
  // the whole spec, too slow for every node of every scheduling request.
  Status CheckSizes(const HrmSpec& spec) const;
};

// Normalised log latency (eq. 11 in log space) and back.
double NormalizeLatency(double ms, double min_ms, double max_ms);
double DenormalizeLatency(double z, double min_ms, double max_ms);

struct HrmFitInput {
  std::string platform;
  std::string platform_id;
  std::vector<double> latency_ms;  // d values, in spec order; NaN or <= 0 where not measured
};

// Fits a platform's vector. Needs at least 3 measured reference networks and max > min. A
// singular network without a latency gets the general fit's prediction in its place.
Result<HrmVector> FitHrm(const HrmSpec& spec, const HrmFitInput& input);

// Picks up to `count` singular networks from normalised latencies of training platforms
// (rows: platforms, columns: reference networks): greedy pivoted Cholesky on the covariance of
// the columns across platforms, i.e. each pick is the network whose latency varies most between
// platforms beyond what the networks already picked explain.
std::vector<int> SelectSingularNetworks(const Eigen::MatrixXd& normalized_latency, int count);

}  // namespace acesniper
