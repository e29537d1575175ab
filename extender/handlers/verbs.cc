#include "handlers/verbs.h"

#include <optional>

namespace acesniper::extender {

namespace {

struct Decoded {
  ExtenderArgs args;
  std::vector<Candidate> candidates;
  std::vector<NodeRecord> records;  // Nodes mode: parsed from the request's Node objects
};

std::optional<Decoded> Decode(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                              VerbResponse* out) {
  Result<ExtenderArgs> args = ParseExtenderArgs(std::move(body));
  if (!args.ok()) {
    out->status = 400;
    out->body = EncodeFilterError(args.status().message());
    return std::nullopt;
  }
  Decoded d;
  d.args = std::move(args).value();
  out->pod = d.args.pod.namespace_name + "/" + d.args.pod.name;
  if (d.args.nodes) {
    out->nodes_mode = true;
    d.records.reserve(d.args.nodes->size());
    for (const NodeInfo& n : *d.args.nodes) d.records.push_back(NodeRecord::FromAnnotations(n.annotations, options.default_bandwidth_mb_s));
    for (size_t i = 0; i < d.records.size(); ++i) d.candidates.push_back({(*d.args.nodes)[i].name, &d.records[i]});
  } else {
    for (const std::string& name : *d.args.node_names) {
      auto it = snapshot.nodes->find(name);
      d.candidates.push_back({name, it == snapshot.nodes->end() ? nullptr : &it->second});
    }
  }
  out->candidates = d.candidates.size();
  return d;
}

// Both verbs: decode, then decide; nothing when the body does not decode (`out` has the 400).
std::optional<Decoded> DecodeAndDecide(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                                       double now_unix_s, VerbResponse* out) {
  std::optional<Decoded> d = Decode(std::move(body), snapshot, options, out);
  if (d) out->decision = DecidePod(d->args.pod, d->candidates, snapshot, options, now_unix_s);
  return d;
}

}  // namespace

VerbResponse HandleFilter(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                          double now_unix_s) {
  VerbResponse out;
  std::optional<Decoded> d = DecodeAndDecide(std::move(body), snapshot, options, now_unix_s, &out);
  if (!d) return out;
  FilterResult r;
  r.nodes_mode = out.nodes_mode;
  r.args = &d->args;
  r.error = out.decision.error;
  if (r.error.empty()) {
    for (size_t i = 0; i < d->candidates.size(); ++i) {
      const NodeVerdict& v = out.decision.nodes[i];
      if (v.pass) {
        if (r.nodes_mode) r.nodes.push_back(&(*d->args.nodes)[i]);
        else r.node_names.push_back(v.name);
      } else {
        (v.unresolvable ? r.failed_unresolvable : r.failed)[v.name] = v.reason;
      }
    }
  }
  out.body = EncodeFilterResult(r);
  return out;
}

VerbResponse HandlePrioritize(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                              double now_unix_s) {
  VerbResponse out;
  std::optional<Decoded> d = DecodeAndDecide(std::move(body), snapshot, options, now_unix_s, &out);
  if (!d) return out;
  std::vector<HostPriority> list;
  list.reserve(d->candidates.size());
  for (size_t i = 0; i < d->candidates.size(); ++i) {
    const NodeVerdict& v = out.decision.nodes[i];
    list.push_back({v.name, out.decision.error.empty() && v.pass ? v.score : 0});
  }
  out.body = EncodeHostPriorityList(list);
  return out;
}

}  // namespace acesniper::extender
