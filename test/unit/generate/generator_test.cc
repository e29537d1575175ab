#include <catch2/catch.hpp>

#include <set>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "feature_diff.h"

using namespace acesniper;

TEST_CASE("a network is a pure function of (seed, index)", "[generator]") {
  GeneratorOptions o;
  o.seed = 7;
  auto a = GenerateNetwork(o, 3), b = GenerateNetwork(o, 3), c = GenerateNetwork(o, 4);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(testing::FeatureDiff(AnalyzeGraph(a->graph), AnalyzeGraph(b->graph)).empty());
  CHECK(a->graph.size() == b->graph.size());
  CHECK(a->name == "gen-7-3");
  CHECK_FALSE(testing::FeatureDiff(AnalyzeGraph(a->graph), AnalyzeGraph(c->graph)).empty());
}

TEST_CASE("generated networks stay in the budget and in Table IV's ranges", "[generator]") {
  GeneratorOptions o;
  o.seed = 11;
  const std::set<int64_t> planes(o.planes.begin(), o.planes.end());
  const std::set<int64_t> in_ch(o.input_channels.begin(), o.input_channels.end());
  const std::set<int64_t> out_ch(o.output_channels.begin(), o.output_channels.end());
  std::set<int> branch_counts;
  int with_head = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    auto net = GenerateNetwork(o, i);
    REQUIRE(net.ok());
    const Graph& g = net->graph;
    REQUIRE(g.Validate().ok());
    Features f = AnalyzeGraph(g);
    CHECK(f.Get("flops_total") >= o.min_flops);
    CHECK(f.Get("flops_total") <= o.max_flops);
    CHECK(planes.count(g.input_shape()[2]));
    CHECK(in_ch.count(g.input_shape()[1]));
    branch_counts.insert(static_cast<int>(f.Get("struct_max_branches")));
    for (const Node& n : g.nodes()) {
      if (n.op == OpKind::kConv) {
        const ConvAttrs& c = n.conv;
        bool plain = c.dilation_h == 1 && (c.kernel_h == 1 || c.kernel_h == 3 || c.kernel_h == 5 || c.kernel_h == 7);
        bool atrous = c.dilation_h == 2 && c.kernel_h == 3;
        CHECK((plain || atrous));
        CHECK((c.stride_h == 1 || c.stride_h == 2));
        CHECK(out_ch.count(c.out_channels));
      }
      if (n.op == OpKind::kLinear) ++with_head;
      if (n.op == OpKind::kConcat) CHECK(n.inputs.size() <= 3);
    }
  }
  CHECK(branch_counts.size() >= 3);  // 1, 2, 3 parallel branches (and shortcut fan-outs) all occur
  CHECK(with_head > 0);
}

TEST_CASE("an empty or impossible budget is an error, not a hang", "[generator]") {
  GeneratorOptions o;
  o.min_flops = 2e9;
  o.max_flops = 1e9;
  CHECK_THAT(GenerateNetwork(o, 0).status().message(), Catch::Contains("budget"));
  o.min_flops = 1;
  o.max_flops = 2;  // no network is that small
  o.max_attempts = 50;
  CHECK_THAT(GenerateNetwork(o, 0).status().message(), Catch::Contains("no network within"));
}
