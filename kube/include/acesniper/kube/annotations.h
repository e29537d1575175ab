// The annotation and label contract between ML teams' pods, the node agent and the extender:
// one definition, used by both binaries and described in docs/annotations.md. Every parser here
// is strict and names the annotation and what was wrong with it; none throws.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/hrm/hrm.h"

namespace acesniper::kube {

using Annotations = std::map<std::string, std::string>;

// Pod annotations (set by ML teams). A pod opts in by carrying kPodDeadlineMs.
inline constexpr const char* kPodDeadlineMs = "acesniper.io/deadline-ms";        // Tm, ms from creation
inline constexpr const char* kPodNetwork = "acesniper.io/network";               // a catalogue name
inline constexpr const char* kPodNetworkFeatures = "acesniper.io/network-features";  // analyze --json object
inline constexpr const char* kPodInferences = "acesniper.io/inferences";         // runs, default 16
inline constexpr const char* kPodBatchSize = "acesniper.io/batch-size";          // default 1
inline constexpr const char* kPodInputMb = "acesniper.io/input-mb";              // data in (Td), default 0
inline constexpr const char* kPodResultMb = "acesniper.io/result-mb";            // result back (Tb), default 0

// Node annotations and labels (written by the node agent).
inline constexpr const char* kNodeHrm = "acesniper.io/hrm";                      // HrmVector compact JSON
inline constexpr const char* kNodeBandwidthMbS = "acesniper.io/bandwidth-mb-s";  // link to the node, optional
inline constexpr const char* kLabelPlatform = "acesniper.io/platform";
inline constexpr const char* kLabelHrmSpec = "acesniper.io/hrm-spec";
inline constexpr const char* kLabelHrmVersion = "acesniper.io/hrm-version";

inline constexpr int kDefaultInferences = 16;  // the paper's task: 16 inferences

struct InferenceRequest {
  double deadline_ms = 0;             // Tm
  std::string network;                // catalogue name; empty when the features came inline
  std::vector<double> inline_features;  // FeatureDefs() order, when inline
  int inferences = kDefaultInferences;
  int batch_size = 1;
  double input_mb = 0, result_mb = 0;

  // The catalogue entry to look up: NAME for batch 1, NAME@bN otherwise.
  std::string CatalogueKey() const;
};

// Nothing when the pod carries no acesniper.io/ pod annotation (it did not opt in). An error when
// it carries some but they are incomplete or malformed: a missing deadline, both or neither of
// network and network-features, a number that is not a finite positive number, an integer out of
// range, inline features of another schema or with a feature missing.
Result<std::optional<InferenceRequest>> ParseInferenceRequest(const Annotations& annotations);

// `acesniper analyze --json` writes an array of objects; one of them ({"schema", "features", ...})
// is the value of kPodNetworkFeatures. Returns the features in FeatureDefs() order.
Result<std::vector<double>> ParseInlineFeatures(const std::string& text);
// The same check on one already parsed object (the extender's JSON catalogue holds an array of
// them). Errors name the feature, without an annotation prefix.
Result<std::vector<double>> FeaturesFromAnalyzeObject(const nlohmann::json& object);

// The node's HRM vector from kNodeHrm: NotFound when the annotation is absent, InvalidArgument
// when it does not parse (HrmVector::Parse's strict rules).
Result<HrmVector> ParseNodeHrm(const Annotations& annotations);

// kNodeBandwidthMbS when present and valid, else `fallback`; an error when present but invalid.
Result<double> ParseNodeBandwidth(const Annotations& annotations, double fallback);

}  // namespace acesniper::kube
