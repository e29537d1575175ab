#include "handlers/decide.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "acesniper/policy/node_ranking.h"

namespace acesniper::extender {

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Why a node has no estimate, or empty when it has a usable HRM vector.
std::string MissingEstimate(const Candidate& c, const ModelBundle& bundle) {
  if (!c.record) return "node unknown to the extender (not in its node cache)";
  const NodeRecord& r = *c.record;
  if (!r.hrm_status.ok()) return r.hrm_status.message();
  if (r.hrm.spec_id != bundle.spec_id)
    return "HRM vector fitted for spec " + r.hrm.spec_id + ", the model's is " + bundle.spec_id;
  if (Status sizes = r.hrm.CheckSizes(bundle.model.spec); !sizes.ok()) return sizes.message();
  return "";
}

}  // namespace

PodDecision DecidePod(const PodInfo& pod, const std::vector<Candidate>& candidates, const ClusterSnapshot& snapshot,
                      const DecideOptions& options, double now_unix_s) {
  PodDecision d;
  d.nodes.resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) d.nodes[i].name = candidates[i].name;
  Result<std::optional<kube::InferenceRequest>> parsed = kube::ParseInferenceRequest(pod.annotations);
  if (!parsed.ok()) {
    d.opted_in = true;
    d.error = "pod " + pod.namespace_name + "/" + pod.name + ": " + parsed.status().message();
    return d;
  }
  if (!parsed->has_value()) return d;  // not ours: every node passes, neutral scores
  d.opted_in = true;
  const kube::InferenceRequest& req = **parsed;
  if (!snapshot.model) {
    d.error = "latency model not loaded yet";
    return d;
  }
  const ModelBundle& bundle = *snapshot.model;
  const std::vector<double>* features = &req.inline_features;
  if (!req.network.empty()) {
    auto it = bundle.catalogue.features.find(req.CatalogueKey());
    if (it == bundle.catalogue.features.end()) {
      d.error = "pod " + pod.namespace_name + "/" + pod.name + ": network '" + req.CatalogueKey() +
                "' is not in the model catalogue (" + kube::kPodNetwork + ")";
      return d;
    }
    features = &it->second;
  }

  // Latencies for every node with a usable vector: from the cache, the rest in one model batch.
  std::vector<size_t> query_node;
  std::vector<PredictionCache::Key> keys;
  std::vector<std::string> missing(candidates.size());
  const uint64_t network_key = req.network.empty()
                                   ? Fingerprint64(features->data(), features->size() * sizeof(double))
                                   : Fingerprint64(req.CatalogueKey().data(), req.CatalogueKey().size()) ^ 1;
  for (size_t i = 0; i < candidates.size(); ++i) {
    missing[i] = MissingEstimate(candidates[i], bundle);
    if (!missing[i].empty()) continue;
    query_node.push_back(i);
    keys.push_back({network_key, candidates[i].record->hrm_key});
  }
  std::vector<std::optional<LatencyPrediction>> cached;
  bundle.predictions.Lookup(keys, &cached);
  std::vector<PredictionQuery> queries;
  std::vector<size_t> query_of_miss;
  std::vector<PredictionCache::Key> miss_keys;
  for (size_t q = 0; q < keys.size(); ++q) {
    if (cached[q]) continue;
    queries.push_back({features, &candidates[query_node[q]].record->hrm});
    query_of_miss.push_back(q);
    miss_keys.push_back(keys[q]);
  }
  if (!queries.empty()) {
    Result<std::vector<LatencyPrediction>> computed = bundle.model.Predict(queries);
    if (!computed.ok()) {
      d.error = "latency model: " + computed.status().message();
      return d;
    }
    for (size_t m = 0; m < query_of_miss.size(); ++m) cached[query_of_miss[m]] = (*computed)[m];
    bundle.predictions.Insert(miss_keys, *computed);
  }
  d.predictions = static_cast<int>(keys.size());
  d.cache_hits = static_cast<int>(keys.size() - queries.size());
  std::vector<LatencyPrediction> predicted_values(keys.size());
  for (size_t q = 0; q < keys.size(); ++q) predicted_values[q] = *cached[q];
  const std::vector<LatencyPrediction>* predicted = &predicted_values;

  // Estimates of eq. 1's terms per node.
  std::vector<NodeEstimate> estimates(candidates.size());
  for (size_t q = 0; q < query_node.size(); ++q) {
    const size_t i = query_node[q];
    const LatencyPrediction& p = (*predicted)[q];
    if (p.route == PredictionRoute::kNotRunnable) {
      missing[i] = "not runnable: the platform cannot run an operator this network uses";
      d.nodes[i].unresolvable = true;
      continue;
    }
    const NodeRecord& r = *candidates[i].record;
    NodeEstimate& e = estimates[i];
    e.known = true;
    e.service_s = options.link_latency_s + req.input_mb / r.bandwidth_mb_s + req.inferences * p.ms / 1000.0;
    e.back_s = options.link_latency_s + req.result_mb / r.bandwidth_mb_s;
    auto load = snapshot.loads->find(candidates[i].name);
    if (load != snapshot.loads->end()) {
      e.wait_s = load->second.busy_until_unix_s - now_unix_s;
      e.unfinished = load->second.unfinished;
    }
    d.nodes[i].predicted_ms = p.ms;
  }
  const double age_s = pod.created_unix_s ? std::max(0.0, now_unix_s - *pod.created_unix_s) : 0.0;
  const double time_left_s = req.deadline_ms / 1000.0 - age_s;
  const NodeRanking ranking = RankNodes(estimates, time_left_s, options.policy);

  // Verdicts and scores: 10 for the earliest finish, 0 for the latest that passes.
  double best = INFINITY, worst = -INFINITY;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (ranking.rejection[i] == NodeRejection::kNone) {
      best = std::min(best, ranking.finish_s[i]);
      worst = std::max(worst, ranking.finish_s[i]);
    }
  const std::string too_slow_reason =
      "more than " + Fixed(options.policy.max_slowdown, 1) + "x slower than the fastest node for this network";
  for (size_t i = 0; i < candidates.size(); ++i) {
    NodeVerdict& v = d.nodes[i];
    const double finish = ranking.finish_s[i];
    if (std::isfinite(finish)) v.finish_s = finish;
    switch (ranking.rejection[i]) {
      case NodeRejection::kNone:
        v.score = worst > best ? static_cast<int>(std::lround(10.0 * (worst - finish) / (worst - best))) : 10;
        break;
      case NodeRejection::kNoEstimate:
        v.reason = missing[i];
        v.pass = !v.unresolvable && options.node_without_hrm == NodeWithoutHrmRule::kNeutral;
        if (!v.pass && !v.unresolvable) v.unresolvable = true;
        break;
      case NodeRejection::kQueueFull:
        v.pass = false;
        v.reason = "queue full: " + std::to_string(estimates[i].unfinished) + " unfinished acesniper pods (cap " +
                   std::to_string(options.policy.queue_cap) + ")";
        break;
      case NodeRejection::kTooSlow:
        v.pass = false;
        v.reason = too_slow_reason;
        break;
      case NodeRejection::kMissesDeadline:
        v.pass = false;
        v.reason = "estimated finish " + Fixed(finish, 3) + " s misses the deadline in " + Fixed(time_left_s, 3) +
                   " s; another node meets it";
        ++d.filtered_for_deadline;
        break;
    }
  }
  return d;
}

}  // namespace acesniper::extender
