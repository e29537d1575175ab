// Offline training (section IV-C): key features, HRM spec, singular networks, HRM vectors of the
// training platforms, then the PCN, all from one LatencyDataset.
#pragma once

#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/model/latency_dataset.h"
#include "acesniper/model/latency_model.h"
#include "acesniper/model/pcn.h"

namespace acesniper {

// What the platform is described by. kHrm is Ace-Sniper's (eq. 6-11); kReferenceLatencies is
// HELP's hardware embedding: the normalised latencies of all d reference networks, no Hg.
enum class HardwareEncoding { kHrm, kReferenceLatencies };

struct TrainOptions {
  std::vector<std::string> reference_networks;  // the HRM reference set, in order (d of them)
  // The network features the PCN reads (names; empty: every feature of the schema but the
  // "layer cost" group, which the cost prior reads). Baselines
  // restrict them, e.g. to flops_total.
  std::vector<std::string> network_features;
  // Key features given by name instead of found by Algorithm 1 (empty: Algorithm 1).
  std::vector<std::string> fixed_key_features;
  HardwareEncoding hardware = HardwareEncoding::kHrm;
  int key_features = 7;     // K of Algorithm 1 (the paper ends with seven)
  int singular = 8;         // L: singular networks in Hs (at most d)
  // HRM vectors per training platform: the first from all reference latencies, the others from a
  // random share of them, so that the PCN learns from HRM vectors as noisy as a new node's.
  int hrm_variants = 3;
  double variant_keep = 0.7;
  double small_flops = 0;   // structure checker threshold (FLOPs at batch 1)
  // The cost prior (cost_prior.h): one additive per-layer cost model per training platform; a
  // platform is predicted by its mixture of them (prior only, the default: it measured best on
  // held-out platforms, docs/model.md). pcn_correction adds the PCN, trained on the departure
  // from the prior. cost_prior off: the PCN predicts the whole latency (the paper's form).
  bool cost_prior = true;
  bool pcn_correction = false;
  // With the cost prior: each platform's HRM vector also fits one factor per layer family (hk,
  // cost_prior.h), so that it may price convolutions, say, unlike its mixture.
  bool family_factors = true;
  uint64_t seed = 1;
  PcnOptions pcn;
};

struct TrainReport {
  std::vector<std::string> key_features;
  std::vector<std::string> singular_networks;
  size_t pairs = 0;         // (network, HRM vector) pairs the PCN trained on
  double key_feature_seconds = 0;
  PcnTrainReport pcn;
  size_t pcn_parameter_count = 0;
};

// Trains on the given platforms (dataset columns) and networks (dataset rows); everything else is
// unseen. Errors: a reference network not in the dataset, a training platform with fewer than 3
// reference latencies, or no pairs to train on.
Result<LatencyModel> TrainLatencyModel(const LatencyDataset& data, const std::vector<int>& platforms,
                                       const std::vector<int>& networks, const TrainOptions& options,
                                       TrainReport* report = nullptr);

// The reference latencies of one platform in spec order (NaN where not measured), for FitHrm.
HrmFitInput ReferenceLatencies(const LatencyDataset& data, int platform, const HrmSpec& spec);

}  // namespace acesniper
