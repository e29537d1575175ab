#include <catch2/catch.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/nasbench201.h"

using namespace acesniper;

TEST_CASE("NAS-Bench-201: a cell of six 3x3 convolutions, 15 times, plus stem and reductions", "[nasbench201]") {
  const std::string arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
  Result<Graph> g = BuildNasBench201(arch);
  REQUIRE(g.ok());
  CHECK(g->node(g->output()).out == Shape{1, 10});
  Features f = AnalyzeGraph(*g);
  CHECK(f.Get("count_conv3x3") == 15 * 6 + 1 + 2 * 2);
  CHECK(f.Get("count_conv1x1") == 2);  // the reductions' shortcuts
  CHECK(f.Get("count_pool_avg") == 2 + 1);  // shortcut pools + the global pool
  CHECK(*NasBench201Connected(arch));
}

TEST_CASE("NAS-Bench-201: every edge runs, as NB201's InferCell computes it", "[nasbench201]") {
  // Node 1's convolution reaches the output only through "none" (x * 0): InferCell still runs it.
  const std::string arch = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|";
  Result<Graph> every = BuildNasBench201(arch);
  REQUIRE(every.ok());
  Features f = AnalyzeGraph(*every);
  CHECK(f.Get("count_conv3x3") == 15 * 1 + 1 + 2 * 2);
  CHECK(f.Get("cost_elements_other") > 0);  // the "none" edges: x * 0
  // The same cell with a 1x1 convolution on a "none" path differs from it: the work is counted.
  Result<Graph> other = BuildNasBench201("|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|");
  REQUIRE(other.ok());
  CHECK(AnalyzeGraph(*other).Get("count_conv3x3") == 1 + 2 * 2);
  CHECK(AnalyzeGraph(*other).Get("count_conv1x1") == 15 + 2);
  // A cell of only "none" edges is still a network (zeros flow to the classifier).
  const std::string cut = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  REQUIRE(BuildNasBench201(cut).ok());
  CHECK_FALSE(*NasBench201Connected(cut));
}

TEST_CASE("NAS-Bench-201 live-only: dead nodes are dropped, all-none nodes are NB201's zero op", "[nasbench201]") {
  // Node 1 does not reach the output: its convolution is not in the graph.
  Result<Graph> dead = BuildNasBench201("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", Nb201Cell::kLiveOnly);
  REQUIRE(dead.ok());
  CHECK(AnalyzeGraph(*dead).Get("count_conv3x3") == 1 + 2 * 2);
  const std::string cut = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  REQUIRE(BuildNasBench201(cut, Nb201Cell::kLiveOnly).ok());
  CHECK_FALSE(*NasBench201Connected(cut));
  // Connected only through node 1: pool then 1x1 conv.
  const std::string through1 = "|avg_pool_3x3~0|+|none~0|none~1|+|none~0|nor_conv_1x1~1|none~2|";
  CHECK(*NasBench201Connected(through1));
  Result<Graph> g = BuildNasBench201(through1, Nb201Cell::kLiveOnly);
  REQUIRE(g.ok());
  CHECK(AnalyzeGraph(*g).Get("count_conv1x1") == 15 + 2);
  // Both forms agree where every edge's result reaches the output.
  const std::string full = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
  Result<Graph> a = BuildNasBench201(full), b = BuildNasBench201(full, Nb201Cell::kLiveOnly);
  REQUIRE((a.ok() && b.ok()));
  CHECK(AnalyzeGraph(*a).values() == AnalyzeGraph(*b).values());
}

TEST_CASE("NAS-Bench-201: malformed architecture strings are errors naming the problem", "[nasbench201]") {
  auto error_of = [](const std::string& a) { return BuildNasBench201(a).status().message(); };
  CHECK(error_of("|nor_conv_3x3~0|").find("3 '+'-separated") != std::string::npos);
  CHECK(error_of("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|").find("unknown op 'conv'") != std::string::npos);
  CHECK(error_of("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|").find("node 0..0") != std::string::npos);
  CHECK(error_of("|none~0|+|none~0|+|none~0|none~1|none~2|").find("needs 2 edges") != std::string::npos);
  CHECK(error_of("|none~x|+|none~0|none~1|+|none~0|none~1|none~2|").find("none~x") != std::string::npos);
  CHECK_FALSE(NasBench201Connected("garbage").ok());
}
