#include <catch2/catch.hpp>

#include <optional>

#include "acesniper/policy/policy.h"

using namespace acesniper;

namespace {

// Per-inference ms by (network, platform); network 9 is unknown.
class FixedSource : public LatencySource {
 public:
  std::optional<double> InferenceMs(int network, int platform) const override {
    if (network == 9) return std::nullopt;
    return platform == 0 ? 1000.0 : 4000.0;  // node 0 is 4x faster
  }
};

Task MakeTask(uint64_t id, double arrival, double deadline, int network = 0) {
  Task t;
  t.id = id;
  t.network = network;
  t.arrival_s = arrival;
  t.deadline_s = deadline;
  t.inferences = 1;
  return t;
}

std::vector<ClusterNode> TwoNodes() { return {{"fast", 0, 1e9, 0.0}, {"slow", 1, 1e9, 0.0}}; }

}  // namespace

TEST_CASE("polling goes round robin and runs each queue first come, first served", "[policy]") {
  auto nodes = TwoNodes();
  auto p = MakePolicy(PolicyKind::kPolling, nodes, nullptr);
  REQUIRE(p.ok());
  CHECK((*p)->Place(MakeTask(0, 0, 10), 0) == 0);
  CHECK((*p)->Place(MakeTask(1, 0, 10), 0) == 1);
  CHECK((*p)->Place(MakeTask(2, 0, 10), 0) == 0);
  CHECK((*p)->QueueKey(MakeTask(3, 5, 6), 0) == 5);  // arrival order
}

TEST_CASE("EDF joins the node with the fewest unfinished tasks and orders by deadline", "[policy]") {
  auto nodes = TwoNodes();
  auto p = MakePolicy(PolicyKind::kEdf, nodes, nullptr);
  REQUIRE(p.ok());
  Task a = MakeTask(0, 0, 10), b = MakeTask(1, 0, 20), c = MakeTask(2, 0, 30);
  int na = (*p)->Place(a, 0), nb = (*p)->Place(b, 0);
  CHECK(na != nb);  // one each
  (*p)->Completed(a, na, 1, 1000);
  CHECK((*p)->Place(c, 1) == na);  // the node that finished has fewer unfinished
  CHECK((*p)->QueueKey(a, 0) == 10);
}

TEST_CASE("EDF and least laxity first order the same two tasks differently", "[policy]") {
  auto nodes = TwoNodes();
  FixedSource source;
  auto edf = MakePolicy(PolicyKind::kEdf, nodes, nullptr);
  auto llf = MakePolicy(PolicyKind::kSlo, nodes, &source);
  REQUIRE(edf.ok());
  REQUIRE(llf.ok());
  Task a = MakeTask(0, 0, 10), b = MakeTask(1, 0, 8);
  a.inferences = 2;  // 8 s on the slow node: laxity 10 - 8 = 2
  b.inferences = 1;  // 4 s: laxity 8 - 4 = 4
  CHECK((*edf)->QueueKey(b, 1) < (*edf)->QueueKey(a, 1));  // EDF: B first (deadline 8 < 10)
  CHECK((*llf)->QueueKey(a, 1) == Approx(2));
  CHECK((*llf)->QueueKey(b, 1) == Approx(4));
  CHECK((*llf)->QueueKey(a, 1) < (*llf)->QueueKey(b, 1));  // LLF: A first (laxity 2 < 4)
  CHECK((*llf)->DefersLateTasks());
  CHECK_FALSE((*edf)->DefersLateTasks());
}

TEST_CASE("the laxity policy places on the earliest estimated completion, within the queue cap", "[policy]") {
  auto nodes = TwoNodes();
  FixedSource source;
  PolicyOptions o;
  o.queue_cap = 2;
  o.max_slowdown = 0;  // no limit here; tested below
  auto p = MakePolicy(PolicyKind::kSlo, nodes, &source, o);
  REQUIRE(p.ok());
  // Fast node: 1 s per task, slow node: 4 s, all arriving at t = 0.
  CHECK((*p)->Place(MakeTask(0, 0, 100), 0) == 0);   // fast: done at 1 (slow: 4)
  CHECK((*p)->Place(MakeTask(1, 0, 100), 0) == 0);   // fast: done at 2
  CHECK((*p)->Place(MakeTask(2, 0, 100), 0) == 1);   // fast is at its cap of 2: slow, done at 4
  CHECK((*p)->Place(MakeTask(3, 0, 100), 0) == 1);   // slow: done at 8
  CHECK((*p)->Place(MakeTask(4, 0, 100), 0) == -1);  // every node at its cap: wait centrally
  // Task 0 finishes at 3 s, having taken 3 s instead of 1: fast's book moves from 2 to 4.
  (*p)->Completed(MakeTask(0, 0, 100), 0, 3, 3000);
  CHECK((*p)->Place(MakeTask(4, 0, 100), 3) == 0);   // fast: done at 5; slow is full
}

TEST_CASE("a node much slower than the task's fastest is not used (extra limit 4)", "[policy]") {
  auto nodes = TwoNodes();
  FixedSource source;  // the slow node is 4x slower
  PolicyOptions o;
  o.queue_cap = 1;
  o.max_slowdown = 5;
  auto loose = MakePolicy(PolicyKind::kSlo, nodes, &source, o);
  CHECK((*loose)->Place(MakeTask(0, 0, 100), 0) == 0);
  CHECK((*loose)->Place(MakeTask(1, 0, 100), 0) == 1);  // 4x is within 5x
  o.max_slowdown = 2;
  auto tight = MakePolicy(PolicyKind::kSlo, nodes, &source, o);
  CHECK((*tight)->Place(MakeTask(0, 0, 100), 0) == 0);
  CHECK((*tight)->Place(MakeTask(1, 0, 100), 0) == -1);  // 4x is beyond 2x: wait for the fast node
}

TEST_CASE("the SLO-Scheduler falls back to round robin for a network it never measured", "[policy]") {
  auto nodes = TwoNodes();
  FixedSource source;
  auto p = MakePolicy(PolicyKind::kSlo, nodes, &source);
  REQUIRE(p.ok());
  CHECK((*p)->Place(MakeTask(0, 0, 100, 9), 0) == 0);
  CHECK((*p)->Place(MakeTask(1, 0, 100, 9), 0) == 1);
  CHECK((*p)->Place(MakeTask(2, 0, 100, 9), 0) == 0);
}

TEST_CASE("the time spinner corrects Ace-Sniper's estimates from finished tasks", "[policy]") {
  auto nodes = TwoNodes();
  FixedSource predicted;  // predicts 1 s on the fast node
  std::vector<double> features(60, 1.0);
  auto p = MakePolicy(PolicyKind::kAceSniper, nodes, &predicted);
  REQUIRE(p.ok());
  Task t = MakeTask(0, 0, 100);
  t.features = &features;
  CHECK((*p)->QueueKey(t, 0) == Approx(99));  // deadline - 1 s predicted
  for (uint64_t i = 0; i < 10; ++i) {
    Task done = t;
    done.id = i;
    const int node = (*p)->Place(done, 0);
    REQUIRE(node >= 0);
    (*p)->Completed(done, 0, 1, 3000);  // as if on node 0, where it really took 3 s
  }
  CHECK((*p)->QueueKey(t, 0) == Approx(97).margin(0.01));  // now estimated at 3 s
}

TEST_CASE("policies reject what they cannot work with", "[policy]") {
  std::vector<ClusterNode> none;
  CHECK_FALSE(MakePolicy(PolicyKind::kPolling, none, nullptr).ok());
  auto nodes = TwoNodes();
  CHECK(MakePolicy(PolicyKind::kAceSniper, nodes, nullptr).status().message().find("latency source") != std::string::npos);
  PolicyOptions o;
  o.queue_cap = 0;
  FixedSource s;
  CHECK_FALSE(MakePolicy(PolicyKind::kSlo, nodes, &s, o).ok());
  CHECK(ParsePolicyName("ace-sniper").ok());
  CHECK(ParsePolicyName("fifo").status().message().find("fifo") != std::string::npos);
}
