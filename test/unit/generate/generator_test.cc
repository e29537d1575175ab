#include <catch2/catch.hpp>

#include <set>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/measure/reference_set.h"
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

TEST_CASE("Table IV networks are the ones the committed dataset measured", "[generator]") {
  // Structure hashes from data/generated.csv.gz and data/reference.csv.gz: the extended space
  // must not change a single draw of the Table IV generator.
  const std::vector<std::pair<std::string, std::string>> stored = {
      {"gen-1-0", "fd19c0a4e7369e0b"}, {"gen-1-1", "f5a47337bb4c1e96"}, {"gen-1-500", "066785b68696b2d8"},
      {"gen-1-699", "51d4b3f296304d8e"}, {"gen-20261126-7", "11971c70bea44cee"}};
  for (const auto& [name, hash] : stored) {
    auto parsed = ParseGeneratedName(name);
    REQUIRE(parsed.ok());
    auto net = GenerateNetwork(parsed->options, parsed->index);
    REQUIRE(net.ok());
    CHECK(net->name == name);
    CHECK(GraphStructureHash(net->graph) == hash);
  }
}

TEST_CASE("generated names parse back to the options that made them, and nothing else parses", "[generator]") {
  auto x = ParseGeneratedName("genx-3-42");
  REQUIRE(x.ok());
  CHECK(x->options.extended);
  CHECK(x->options.seed == 3);
  CHECK(x->index == 42);
  CHECK(x->options.max_flops == GeneratorOptions().max_flops);
  auto r = ParseGeneratedName("gen-20261126-5");
  REQUIRE(r.ok());
  CHECK_FALSE(r->options.extended);
  CHECK(r->options.max_flops == ReferenceSetOptions().max_flops);
  for (const char* bad : {"resnet50", "gen-1", "gen--1-2", "gen-1-2x", "genx-a-1", "gen-1-99999999999999999999", "gen-+1-2"})
    CHECK(ParseGeneratedName(bad).status().code() == Status::Code::kNotFound);
}

TEST_CASE("the extended space: inverted residual and transformer blocks, in the budget", "[generator]") {
  GeneratorOptions o;
  o.seed = 5;
  o.extended = true;
  int depthwise = 0, grouped = 0, squeeze_excite = 0, attention = 0, layer_norms = 0, table_iv_atrous = 0;
  std::set<ActKind> acts;
  for (uint64_t i = 0; i < 200; ++i) {
    auto net = GenerateNetwork(o, i);
    REQUIRE(net.ok());
    CHECK(net->name == "genx-5-" + std::to_string(i));
    const Graph& g = net->graph;
    REQUIRE(g.Validate().ok());
    const double flops = AnalyzeGraph(g).Get("flops_total");
    CHECK(flops >= o.min_flops);
    CHECK(flops <= o.max_flops);
    for (const Node& n : g.nodes()) {
      if (n.op == OpKind::kConv && n.conv.groups > 1) {
        const int64_t in = g.node(n.inputs[0]).out[1];
        (n.conv.groups == in ? depthwise : grouped) += 1;
      }
      if (n.op == OpKind::kConv && n.conv.dilation_h == 2) ++table_iv_atrous;
      if (n.op == OpKind::kMul) ++squeeze_excite;
      if (n.op == OpKind::kSoftmax) ++attention;
      if (n.op == OpKind::kLayerNorm) ++layer_norms;
      if (n.op == OpKind::kActivation) acts.insert(n.act);
      if (n.op == OpKind::kLayout) CHECK_FALSE(n.layout.empty());  // the writers can emit it
    }
    // the same index is a different network than Table IV's
    GeneratorOptions plain = o;
    plain.extended = false;
    CHECK(GraphStructureHash(GenerateNetwork(plain, i)->graph) != GraphStructureHash(g));
  }
  CHECK(depthwise > 50);
  CHECK(grouped > 10);
  CHECK(squeeze_excite > 30);
  CHECK(attention > 30);
  CHECK(layer_norms == 2 * attention);
  CHECK(table_iv_atrous > 10);  // Table IV's blocks are still drawn
  CHECK(acts.size() == 7);      // ReLU, ReLU6, SiLU, hard swish; sigmoid and hard sigmoid gates; GELU
}
