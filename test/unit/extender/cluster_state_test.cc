// The node cache from a NodeList and the node queues (Tw) from a PodList: pure functions of the
// lists, so an extender that restarts and re-lists has the same state as before.
#include <catch2/catch.hpp>

#include "extender_fixture.h"
#include "handlers/decide.h"
#include "state/cluster_state.h"

using namespace acesniper;
using namespace acesniper::extender;
using namespace acesniper::extender::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {
constexpr double kNow = 1795737600 + 10;  // 10 s after the pods' creation

json BoundPod(const std::string& name, const std::string& node, const std::string& phase, const std::string& started = "") {
  json p = PodObject(name, {{kube::kPodDeadlineMs, "60000"}, {kube::kPodNetwork, "gen-1-0"}});
  p["spec"]["nodeName"] = node;
  p["status"]["phase"] = phase;
  if (!started.empty()) p["status"]["startTime"] = started;
  return p;
}
}  // namespace

TEST_CASE("a NodeList fills the node cache - bad nodes keep their reason") {
  json list = {{"kind", "NodeList"}, {"items", {NodeObject("a", "torch-eager-2t"), NodeObject("b", "")}}};
  Result<std::shared_ptr<const NodeCache>> c = NodeCacheFromNodeList(list.dump(), 125);
  REQUIRE(c.ok());
  REQUIRE((*c)->size() == 2);
  CHECK((*c)->at("a").hrm_status.ok());
  CHECK((*c)->at("a").hrm.platform == "torch-eager-2t");
  CHECK_FALSE((*c)->at("b").hrm_status.ok());
  CHECK(NodeCacheFromNodeList("{\"items\": null}", 125).ok());
  for (const char* bad : {"", "[]", "{\"items\": 3}", "{\"items\": [{}]}", "{\"items\": [7]}"})
    CHECK_FALSE(NodeCacheFromNodeList(bad, 125).ok());
}

TEST_CASE("node queues come from the pods bound and unfinished") {
  json nodes = {{"items", {NodeObject("a", "torch-eager-2t"), NodeObject("b", "torch-frozen-2t")}}};
  std::shared_ptr<const NodeCache> cache = *NodeCacheFromNodeList(nodes.dump(), 125);
  DecideOptions o;
  // The service time of one gen-1-0 pod on node a, as a filter call estimates it.
  ClusterSnapshot s;
  s.model = DefaultBundle();
  PodInfo probe;
  probe.annotations = {{kube::kPodDeadlineMs, "60000"}, {kube::kPodNetwork, "gen-1-0"}};
  const double service_a = DecidePod(probe, {{"a", &cache->at("a")}}, s, o, kNow).nodes[0].finish_s;
  REQUIRE(service_a > 0);

  json pods = {{"kind", "PodList"},
               {"items",
                {BoundPod("p1", "a", "Pending"), BoundPod("p2", "a", "Running", "2026-11-27T00:00:09Z"),
                 BoundPod("done", "a", "Succeeded"), BoundPod("failed", "b", "Failed"), BoundPod("unbound", "", "Pending"),
                 PodObject("not-ours", {{"app", "web"}}), BoundPod("on-unknown-node", "z", "Running")}}};
  pods["items"][5]["spec"]["nodeName"] = "b";
  pods["items"][5]["status"]["phase"] = "Running";
  Result<std::shared_ptr<const NodeLoads>> loads = NodeLoadsFromPodList(pods.dump(), *DefaultBundle(), *cache, o, kNow);
  REQUIRE(loads.ok());
  const NodeLoads& l = **loads;
  REQUIRE(l.count("a"));
  CHECK(l.at("a").unfinished == 2);
  // p1 has all of its service left; p2 started 1 s ago.
  CHECK(l.at("a").busy_until_unix_s == Approx(kNow + service_a + std::max(0.0, service_a - 1)).epsilon(1e-9));
  CHECK_FALSE(l.count("b"));  // only a failed pod and a pod that is not ours
  REQUIRE(l.count("z"));      // unknown node: the pod holds a slot but adds no time
  CHECK(l.at("z").unfinished == 1);
  CHECK(l.at("z").busy_until_unix_s == kNow);
  // A restarted extender that lists the same pods has the same state.
  Result<std::shared_ptr<const NodeLoads>> again = NodeLoadsFromPodList(pods.dump(), *DefaultBundle(), *cache, o, kNow);
  CHECK((*again)->at("a").busy_until_unix_s == l.at("a").busy_until_unix_s);
  for (const char* bad : {"{", "[]", "{\"items\": {}}", "{\"items\": [1]}"})
    CHECK_FALSE(NodeLoadsFromPodList(bad, *DefaultBundle(), *cache, o, kNow).ok());
}
