// The trained latency model: everything needed to turn (network features, platform HRM vector)
// into a latency, in one versioned JSON file. Structure checker included: networks below
// small_flops take the "traditional" path (the HRM general part, a Bayesian ridge fit on the key
// features, denormalised), the rest go through the PCN. Loading and predicting need no LibTorch
// (acesniper_core); training the PCN does (trainer.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/hrm/hrm.h"
#include "acesniper/model/cost_prior.h"
#include "acesniper/model/linear_fit.h"
#include "acesniper/model/pcn.h"
#include "acesniper/model/pcn_inference.h"

namespace acesniper {

inline constexpr const char* kLatencyModelSchema = "acesniper.latency-model/v1";

// kNotRunnable: the platform lacks an operator class the network uses (HrmVector::unsupported).
// kPrior: a prior-only model's cost prior (no PCN).
enum class PredictionRoute { kPcn, kLinear, kNotRunnable, kPrior };
const char* PredictionRouteName(PredictionRoute r);

struct PredictionQuery {
  const std::vector<double>* features = nullptr;  // FeatureDefs() order (acesniper analyze)
  const HrmVector* hrm = nullptr;                 // must pass CheckAgainst(model.spec)
};

struct LatencyPrediction {
  double ms = 0;  // +inf when not runnable
  PredictionRoute route = PredictionRoute::kPcn;
};

struct LatencyModel {
  std::string feature_schema;      // kFeatureSchema of the analyzer it was trained with
  std::vector<int> network_columns;  // features the PCN reads, as FeatureDefs() indices
  Standardizer network_scaler;     // over log1p of those features
  std::vector<int> key_columns;    // key features (Algorithm 1) as FeatureDefs() indices
  HrmSpec spec;                    // what a platform measures to get its HRM vector
  // spec.Id(), set by FromJson and TrainLatencyModel: hashing the spec (with family factors,
  // thousands of numbers) on every Predict call cost the extender 0.3 ms a batch. Empty:
  // Predict hashes the spec itself. Clear it after changing `spec`.
  std::string spec_id;
  nlohmann::json pcn_parameters;   // the trained PCN as Pcn::ToJson wrote it (saved as "pcn")
  std::shared_ptr<const PcnInference> inference;  // Eigen: prediction from those parameters
  double small_flops = 0;          // structure checker: below this, the traditional path
  // The cost prior (cost_prior.h); empty: none, the PCN predicts the whole normalised latency.
  // With one, the PCN predicts the correction to it in the same normalised log space; a model
  // with a prior and no PCN ("prior only") predicts the prior itself.
  CostPrior cost_prior;
  nlohmann::json training;         // provenance: platforms, networks, options, time

  // Sets `pcn_parameters` (from Pcn::ToJson of a trained PCN) and the `inference` built from
  // them that Predict uses. No LibTorch here: a predicting process (the extender) links none.
  Status AttachPcn(nlohmann::json parameters);

  // One batch: all PCN rows go through one forward pass. Errors: a query without features or
  // HRM, a feature vector of the wrong length, or an HRM vector of another spec.
  Result<std::vector<LatencyPrediction>> Predict(const std::vector<PredictionQuery>& queries) const;

  nlohmann::json ToJson() const;
  static Result<LatencyModel> FromJson(const nlohmann::json& j);
  // Writes to a temporary file and renames it over `path`: a crash never leaves half a model.
  Status Save(const std::string& path) const;
  // Errors name the file and what was wrong with it (not JSON, wrong schema, a missing part).
  static Result<LatencyModel> Load(const std::string& path);
};

}  // namespace acesniper
