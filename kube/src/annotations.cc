#include "acesniper/kube/annotations.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"

namespace acesniper::kube {

namespace {

bool HasPrefix(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// The whole text must be one finite number, > 0.
Result<double> PositiveNumber(const Annotations& a, const char* key) {
  const std::string& text = a.at(key);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v) || v <= 0)
    return Status::InvalidArgument(std::string("annotation ") + key + ": '" + text + "' is not a finite number > 0");
  return v;
}

Result<double> NonNegativeNumber(const Annotations& a, const char* key) {
  if (a.at(key) == "0") return 0.0;
  return PositiveNumber(a, key);
}

Result<int> PositiveInteger(const Annotations& a, const char* key, int max) {
  const std::string& text = a.at(key);
  bool digits = !text.empty() && text.size() <= 9;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  const int v = digits ? std::atoi(text.c_str()) : 0;
  if (!digits || v < 1 || v > max)
    return Status::InvalidArgument(std::string("annotation ") + key + ": '" + text + "' is not an integer in 1.." +
                                   std::to_string(max));
  return v;
}

}  // namespace

std::string InferenceRequest::CatalogueKey() const {
  return batch_size == 1 ? network : network + "@b" + std::to_string(batch_size);
}

Result<std::vector<double>> FeaturesFromAnalyzeObject(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("not a JSON object (one element of `acesniper analyze --json`)");
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string())
    return Status::InvalidArgument(std::string("'schema' must be \"") + kFeatureSchema + "\"");
  if (schema->get<std::string>() != kFeatureSchema)
    return Status::InvalidArgument("'schema' must be \"" + std::string(kFeatureSchema) + "\", not \"" +
                                   schema->get<std::string>() + "\" (rerun `acesniper analyze --json` of this build)");
  auto feats = j.find("features");
  if (feats == j.end() || !feats->is_object()) return Status::InvalidArgument("'features' must be an object");
  std::vector<double> values;
  values.reserve(FeatureDefs().size());
  for (const FeatureDef& d : FeatureDefs()) {
    auto v = feats->find(d.name);
    if (v == feats->end()) return Status::InvalidArgument(std::string("feature '") + d.name + "' is missing");
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0)
      return Status::InvalidArgument(std::string("feature '") + d.name + "' must be a finite number >= 0");
    values.push_back(v->get<double>());
  }
  return values;
}

Result<std::vector<double>> ParseInlineFeatures(const std::string& text) {
  const std::string where = std::string("annotation ") + kPodNetworkFeatures;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument(where + ": not JSON");
  Result<std::vector<double>> f = FeaturesFromAnalyzeObject(j);
  if (!f.ok()) return f.status().WithContext(where);
  return f;
}

Result<std::optional<InferenceRequest>> ParseInferenceRequest(const Annotations& annotations) {
  bool opted_in = false;
  for (const auto& [key, value] : annotations) {
    (void)value;
    if (key == kNodeHrm || key == kNodeBandwidthMbS) continue;
    if (HasPrefix(key, "acesniper.io/")) opted_in = true;
  }
  if (!opted_in) return std::optional<InferenceRequest>();
  InferenceRequest r;
  if (!annotations.count(kPodDeadlineMs))
    return Status::InvalidArgument(std::string("annotation ") + kPodDeadlineMs + " is missing (every acesniper.io pod needs a deadline)");
  Result<double> deadline = PositiveNumber(annotations, kPodDeadlineMs);
  if (!deadline.ok()) return deadline.status();
  r.deadline_ms = *deadline;
  const bool by_name = annotations.count(kPodNetwork) > 0, inline_features = annotations.count(kPodNetworkFeatures) > 0;
  if (by_name == inline_features)
    return Status::InvalidArgument(std::string("exactly one of the annotations ") + kPodNetwork + " and " + kPodNetworkFeatures +
                                   " must be set");
  if (by_name) {
    r.network = annotations.at(kPodNetwork);
    if (r.network.empty() || r.network.size() > 253)
      return Status::InvalidArgument(std::string("annotation ") + kPodNetwork + ": must be a name of 1..253 characters");
  } else {
    Result<std::vector<double>> f = ParseInlineFeatures(annotations.at(kPodNetworkFeatures));
    if (!f.ok()) return f.status();
    r.inline_features = std::move(f).value();
  }
  if (annotations.count(kPodInferences)) {
    Result<int> n = PositiveInteger(annotations, kPodInferences, 1000000);
    if (!n.ok()) return n.status();
    r.inferences = *n;
  }
  if (annotations.count(kPodBatchSize)) {
    Result<int> b = PositiveInteger(annotations, kPodBatchSize, 65536);
    if (!b.ok()) return b.status();
    r.batch_size = *b;
  }
  for (auto [key, field] : {std::pair{kPodInputMb, &r.input_mb}, std::pair{kPodResultMb, &r.result_mb}}) {
    if (!annotations.count(key)) continue;
    Result<double> v = NonNegativeNumber(annotations, key);
    if (!v.ok()) return v.status();
    *field = *v;
  }
  return std::optional<InferenceRequest>(std::move(r));
}

Result<HrmVector> ParseNodeHrm(const Annotations& annotations) {
  auto it = annotations.find(kNodeHrm);
  if (it == annotations.end()) return Status::NotFound(std::string("no ") + kNodeHrm + " annotation");
  Result<HrmVector> v = HrmVector::Parse(it->second);
  if (!v.ok()) return v.status().WithContext(std::string("annotation ") + kNodeHrm);
  return v;
}

Result<double> ParseNodeBandwidth(const Annotations& annotations, double fallback) {
  if (!annotations.count(kNodeBandwidthMbS)) return fallback;
  return PositiveNumber(annotations, kNodeBandwidthMbS);
}

}  // namespace acesniper::kube
