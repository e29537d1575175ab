// DecidePod and the verbs on the shipped model: the scenario of issue 6 (three node types,
// tight and loose deadlines), pods that did not opt in, wrong annotations, nodes without HRM.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "extender_fixture.h"
#include "handlers/decide.h"
#include "handlers/verbs.h"
#include "wire/extender_wire.h"

using namespace acesniper;
using namespace acesniper::extender;
using namespace acesniper::extender::testing;
using Catch::Matchers::Contains;

namespace {

constexpr double kNow = 1795737600;  // 2026-11-27T00:00:00Z, the pods' creation time

struct Cluster {
  std::vector<std::string> names;
  std::vector<NodeRecord> records;
  std::vector<Candidate> Candidates() const {
    std::vector<Candidate> c;
    for (size_t i = 0; i < names.size(); ++i) c.push_back({names[i], &records[i]});
    return c;
  }
};

// Three node types, two nodes each: slow (eager, 1 thread), middle (eager, 2 threads), fast (frozen).
Cluster ThreeTypes() {
  Cluster c;
  for (const char* platform : {"torch-eager-1t", "torch-eager-2t", "torch-frozen-2t"})
    for (int k = 0; k < 2; ++k) {
      c.names.push_back(std::string(platform) + "-" + std::to_string(k));
      c.records.push_back(NodeRecord::FromAnnotations({{kube::kNodeHrm, HrmAnnotation(platform)}}, 125));
    }
  return c;
}

PodInfo Pod(const kube::Annotations& a) {
  PodInfo p;
  p.name = "p";
  p.namespace_name = "ml";
  p.annotations = a;
  p.created_unix_s = kNow;
  return p;
}

ClusterSnapshot Snapshot(const NodeLoads& loads = {}) {
  ClusterSnapshot s;
  s.model = DefaultBundle();
  s.loads = std::make_shared<NodeLoads>(loads);
  return s;
}

// A network from the committed catalogue whose predicted latency differs most between the
// slowest and the fastest node type, so that deadlines can separate them.
std::string SpreadNetwork(const Cluster& c, DecideOptions o) {
  std::string best;
  double best_ratio = 0;
  o.policy.max_slowdown = 0;
  for (const char* name : {"gen-1-0", "gen-1-1", "gen-1-2", "gen-1-3", "gen-1-4", "gen-1-5", "gen-1-6", "gen-1-7"}) {
    PodDecision d = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, name}}), c.Candidates(), Snapshot(), o, kNow);
    double lo = 1e300, hi = 0;
    for (const NodeVerdict& v : d.nodes) {
      lo = std::min(lo, v.finish_s);
      hi = std::max(hi, v.finish_s);
    }
    if (hi / lo > best_ratio) {
      best_ratio = hi / lo;
      best = name;
    }
  }
  return best;
}

}  // namespace

TEST_CASE("scenario: tight pods go only to nodes that meet the deadline, scored towards the fastest") {
  const Cluster c = ThreeTypes();
  DecideOptions o;
  o.policy.max_slowdown = 0;  // let the deadline alone decide here
  const std::string net = SpreadNetwork(c, o);
  PodDecision loose = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, net}}), c.Candidates(), Snapshot(), o, kNow);
  REQUIRE(loose.error.empty());
  REQUIRE(loose.predictions == 6);
  std::vector<double> finish;
  for (const NodeVerdict& v : loose.nodes) {
    CHECK(v.pass);
    finish.push_back(v.finish_s);
  }
  const double fastest = *std::min_element(finish.begin(), finish.end());
  const double slowest = *std::max_element(finish.begin(), finish.end());
  REQUIRE(slowest > 1.2 * fastest);
  // A deadline between the fastest and the slowest finish: the slow nodes fail, with reasons.
  const double deadline_ms = 1000 * (fastest + slowest) / 2;
  PodDecision tight = DecidePod(Pod({{kube::kPodDeadlineMs, std::to_string(deadline_ms)}, {kube::kPodNetwork, net}}),
                                c.Candidates(), Snapshot(), o, kNow);
  REQUIRE(tight.error.empty());
  int passed = 0;
  for (size_t i = 0; i < tight.nodes.size(); ++i) {
    const NodeVerdict& v = tight.nodes[i];
    CHECK(v.pass == (finish[i] <= deadline_ms / 1000));
    if (!v.pass) CHECK_THAT(v.reason, Contains("misses the deadline"));
    if (v.pass && finish[i] == fastest) CHECK(v.score == 10);
    passed += v.pass;
  }
  CHECK(passed >= 1);
  CHECK(passed < 6);
  CHECK(tight.filtered_for_deadline == 6 - passed);

  // The same deadline, but the pod was created long enough ago that no node can meet it: it is
  // not filtered everywhere; it goes where it finishes first.
  PodInfo late = Pod({{kube::kPodDeadlineMs, std::to_string(deadline_ms)}, {kube::kPodNetwork, net}});
  late.created_unix_s = kNow - 3600;
  PodDecision l = DecidePod(late, c.Candidates(), Snapshot(), o, kNow);
  for (size_t i = 0; i < l.nodes.size(); ++i) {
    CHECK(l.nodes[i].pass);
    if (finish[i] == fastest) CHECK(l.nodes[i].score == 10);
  }
}

TEST_CASE("scenario: loose pods spread over the nodes as their queues fill") {
  const Cluster c = ThreeTypes();
  DecideOptions o;
  o.policy.max_slowdown = 0;
  const std::string net = SpreadNetwork(c, o);
  NodeLoads loads;
  std::map<std::string, int> placed;
  for (int pod = 0; pod < 12; ++pod) {
    PodDecision d = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, net}}), c.Candidates(), Snapshot(loads), o, kNow);
    REQUIRE(d.error.empty());
    int best = -1;
    for (size_t i = 0; i < d.nodes.size(); ++i)
      if (d.nodes[i].pass && (best < 0 || d.nodes[i].score > d.nodes[static_cast<size_t>(best)].score)) best = static_cast<int>(i);
    REQUIRE(best >= 0);
    const NodeVerdict& v = d.nodes[static_cast<size_t>(best)];
    NodeLoad& load = loads[v.name];
    load.busy_until_unix_s = kNow + v.finish_s;  // the node is now busy until this pod is done
    ++load.unfinished;
    ++placed[v.name];
  }
  CHECK(placed.size() >= 3);  // more than the two fastest nodes got work
  for (const auto& [node, n] : placed) CHECK(n <= o.policy.queue_cap);
  // Every node full: the next pod fails everywhere (it waits, as in the simulator's central queue).
  for (const std::string& name : c.names) loads[name].unfinished = o.policy.queue_cap;
  PodDecision full = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, net}}), c.Candidates(), Snapshot(loads), o, kNow);
  for (const NodeVerdict& v : full.nodes) {
    CHECK_FALSE(v.pass);
    CHECK_THAT(v.reason, Contains("queue full"));
  }
}

TEST_CASE("the prediction cache answers a repeated pod with the same decision") {
  const Cluster c = ThreeTypes();
  DecideOptions o;
  {
    Result<std::shared_ptr<const ModelBundle>> b =
        LoadModelBundle(ModelDir() + "/latency-model.json", RepoDir() + "/data/features.csv.gz");
    REQUIRE(b.ok());
    ClusterSnapshot s;
    s.model = *b;
    const PodInfo pod = Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, "gen-1-3"}});
    PodDecision first = DecidePod(pod, c.Candidates(), s, o, kNow);
    CHECK(first.cache_hits == 0);
    CHECK(first.predictions == 6);
    PodDecision second = DecidePod(pod, c.Candidates(), s, o, kNow);
    CHECK(second.cache_hits == 6);
    for (size_t i = 0; i < first.nodes.size(); ++i) {
      CHECK(second.nodes[i].predicted_ms == first.nodes[i].predicted_ms);
      CHECK(second.nodes[i].score == first.nodes[i].score);
    }
    // Another network and another batch are other keys.
    PodDecision other = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, "gen-1-4"}}), c.Candidates(), s, o, kNow);
    CHECK(other.cache_hits == 0);
  }
}

TEST_CASE("max_slowdown keeps a task off nodes far slower than its fastest") {
  const Cluster c = ThreeTypes();
  DecideOptions o;
  o.policy.max_slowdown = 0;
  const std::string net = SpreadNetwork(c, o);
  PodDecision all = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, net}}), c.Candidates(), Snapshot(), o, kNow);
  double fastest = 1e300;
  for (const NodeVerdict& v : all.nodes) fastest = std::min(fastest, v.finish_s);
  o.policy.max_slowdown = 1.0;  // only the fastest type remains
  PodDecision d = DecidePod(Pod({{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, net}}), c.Candidates(), Snapshot(), o, kNow);
  for (size_t i = 0; i < d.nodes.size(); ++i) {
    if (all.nodes[i].finish_s > fastest * 1.0001) {
      CHECK_FALSE(d.nodes[i].pass);
      CHECK_THAT(d.nodes[i].reason, Contains("slower"));
    }
  }
}

TEST_CASE("pods that did not opt in pass everywhere with neutral scores - wrong pods get an error") {
  const Cluster c = ThreeTypes();
  DecideOptions o;
  PodDecision none = DecidePod(Pod({{"team", "vision"}}), c.Candidates(), Snapshot(), o, kNow);
  CHECK_FALSE(none.opted_in);
  CHECK(none.error.empty());
  for (const NodeVerdict& v : none.nodes) {
    CHECK(v.pass);
    CHECK(v.score == 0);
  }
  struct Case {
    kube::Annotations a;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{{kube::kPodNetwork, "gen-1-0"}}, "deadline-ms is missing"},
      {{{kube::kPodDeadlineMs, "soon"}, {kube::kPodNetwork, "gen-1-0"}}, "'soon' is not a finite number"},
      {{{kube::kPodDeadlineMs, "nan"}, {kube::kPodNetwork, "gen-1-0"}}, "not a finite number"},
      {{{kube::kPodDeadlineMs, "1e999"}, {kube::kPodNetwork, "gen-1-0"}}, "not a finite number"},
      {{{kube::kPodDeadlineMs, "-5"}, {kube::kPodNetwork, "gen-1-0"}}, "not a finite number"},
      {{{kube::kPodDeadlineMs, "100"}, {kube::kPodNetwork, "no-such-net"}}, "'no-such-net' is not in the model catalogue"},
      {{{kube::kPodDeadlineMs, "100"}, {kube::kPodNetwork, "gen-1-0"}, {kube::kPodBatchSize, "16"}}, "'gen-1-0@b16'"},
      {{{kube::kPodDeadlineMs, "100"}}, "exactly one of"},
      {{{kube::kPodDeadlineMs, "100"}, {kube::kPodNetwork, "gen-1-0"}, {kube::kPodInferences, "0"}}, "inferences"},
      {{{kube::kPodDeadlineMs, "100"}, {kube::kPodNetworkFeatures, "{not json"}}, "network-features: not JSON"},
  };
  for (const Case& k : cases) {
    PodDecision d = DecidePod(Pod(k.a), c.Candidates(), Snapshot(), o, kNow);
    INFO(k.says);
    CHECK(d.opted_in);
    CHECK_THAT(d.error, Contains(k.says));
    CHECK_THAT(d.error, Contains("ml/p"));
  }
}

TEST_CASE("a node without a usable HRM vector follows the configured rule") {
  Cluster c = ThreeTypes();
  c.names.push_back("no-hrm");
  c.records.push_back(NodeRecord::FromAnnotations({}, 125));
  c.names.push_back("garbage-hrm");
  c.records.push_back(NodeRecord::FromAnnotations({{kube::kNodeHrm, "{\"schema\": 1"}}, 125));
  c.names.push_back("other-spec");
  {
    Result<HrmVector> v = HrmVector::Parse(HrmAnnotation("torch-eager-2t"));
    REQUIRE(v.ok());
    v->spec_id = "0000000000000000";
    c.records.push_back(NodeRecord::FromAnnotations({{kube::kNodeHrm, v->ToCompactString()}}, 125));
  }
  std::vector<Candidate> cand = c.Candidates();
  cand.push_back({"not-in-cache", nullptr});
  // A vector without the cost prior's mixture weights (fitted for a model without one).
  Result<HrmVector> no_hc = HrmVector::Parse(HrmAnnotation("torch-eager-2t"));
  REQUIRE(no_hc.ok());
  REQUIRE_FALSE(no_hc->hc.empty());
  no_hc->hc.clear();
  const NodeRecord no_hc_record = NodeRecord::FromAnnotations({{kube::kNodeHrm, no_hc->ToCompactString()}}, 125);
  cand.push_back({"no-hc", &no_hc_record});
  const kube::Annotations a = {{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, "gen-1-0"}};
  DecideOptions o;
  o.policy.max_slowdown = 0;
  PodDecision neutral = DecidePod(Pod(a), cand, Snapshot(), o, kNow);
  REQUIRE(neutral.error.empty());
  CHECK(neutral.predictions == 6);
  for (size_t i = 6; i < cand.size(); ++i) {
    CHECK(neutral.nodes[i].pass);
    CHECK(neutral.nodes[i].score == 0);
    CHECK_FALSE(neutral.nodes[i].reason.empty());
  }
  CHECK_THAT(neutral.nodes[6].reason, Contains("no acesniper.io/hrm"));
  CHECK_THAT(neutral.nodes[7].reason, Contains("acesniper.io/hrm"));
  CHECK_THAT(neutral.nodes[8].reason, Contains("fitted for spec 0000000000000000"));
  CHECK_THAT(neutral.nodes[9].reason, Contains("not in its node cache"));
  CHECK_THAT(neutral.nodes[10].reason, Contains("wrong number of values"));
  o.node_without_hrm = NodeWithoutHrmRule::kFilter;
  PodDecision filtered = DecidePod(Pod(a), cand, Snapshot(), o, kNow);
  for (size_t i = 6; i < cand.size(); ++i) {
    CHECK_FALSE(filtered.nodes[i].pass);
    CHECK(filtered.nodes[i].unresolvable);
  }
}

TEST_CASE("filter echoes surviving Node objects whole in Nodes mode and names in NodeNames mode") {
  nlohmann::json args = {{"Pod", PodObject("p", {{kube::kPodDeadlineMs, "1e9"}, {kube::kPodNetwork, "gen-1-0"}}, "2026-11-27T00:00:00Z")},
                         {"Nodes", {{"kind", "NodeList"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                                    {"items", {NodeObject("a", "torch-eager-2t"), NodeObject("b", "torch-frozen-2t"), NodeObject("c", "")}}}}};
  DecideOptions o;
  o.policy.max_slowdown = 0;
  o.node_without_hrm = NodeWithoutHrmRule::kFilter;
  VerbResponse r = HandleFilter(args.dump(), Snapshot(), o, kNow);
  REQUIRE(r.status == 200);
  nlohmann::json out = nlohmann::json::parse(r.body);
  REQUIRE(out["Nodes"]["items"].size() == 2);
  CHECK(out["Nodes"]["items"][0] == args["Nodes"]["items"][0]);
  CHECK(out["Nodes"]["items"][1] == args["Nodes"]["items"][1]);
  CHECK(out["NodeNames"].is_null());
  CHECK(out["FailedAndUnresolvableNodes"].contains("c"));
  CHECK(out["Error"] == "");

  // NodeNames mode: the node cache answers; an empty survivor list is an array, never null.
  auto cache = std::make_shared<NodeCache>();
  (*cache)["a"] = NodeRecord::FromAnnotations({{kube::kNodeHrm, HrmAnnotation("torch-eager-2t")}}, 125);
  ClusterSnapshot s = Snapshot();
  s.nodes = cache;
  nlohmann::json names = {{"pod", args["Pod"]}, {"nodenames", {"a"}}};  // lowercase keys, as upstream tests send
  r = HandleFilter(names.dump(), s, o, kNow);
  out = nlohmann::json::parse(r.body);
  CHECK(out["NodeNames"] == nlohmann::json::array({"a"}));
  CHECK(out["Nodes"].is_null());
  NodeLoads full = {{"a", {kNow, o.policy.queue_cap}}};
  s.loads = std::make_shared<NodeLoads>(full);
  out = nlohmann::json::parse(HandleFilter(names.dump(), s, o, kNow).body);
  CHECK(out["NodeNames"] == nlohmann::json::array());
  CHECK(out["FailedNodes"].contains("a"));

  // Prioritize: every candidate gets a score in 0..10.
  r = HandlePrioritize(args.dump(), Snapshot(), o, kNow);
  out = nlohmann::json::parse(r.body);
  REQUIRE(out.size() == 3);
  for (const auto& h : out) {
    CHECK(h.contains("Host"));
    CHECK(h["Score"].get<int>() >= 0);
    CHECK(h["Score"].get<int>() <= 10);
  }
}

TEST_CASE("undecodable requests get 400 with a message - the verbs never throw") {
  DecideOptions o;
  for (const char* body : {"", "{", "[]", "{\"Pod\": 3, \"NodeNames\": []}", "{\"NodeNames\": [\"a\"]}",
                           "{\"Pod\": {}, \"NodeNames\": [1]}", "{\"Pod\": {}}", "{\"Pod\": {\"metadata\": {\"annotations\": {\"x\": 1}}}, \"NodeNames\": []}",
                           "{\"Pod\": {}, \"Nodes\": {\"items\": [{\"metadata\": {}}]}}"}) {
    INFO(body);
    VerbResponse f = HandleFilter(body, Snapshot(), o, kNow);
    CHECK(f.status == 400);
    CHECK_FALSE(nlohmann::json::parse(f.body)["Error"].get<std::string>().empty());
    CHECK(HandlePrioritize(body, Snapshot(), o, kNow).status == 400);
  }
}
