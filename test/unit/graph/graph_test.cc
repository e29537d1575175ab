#include <catch2/catch.hpp>

#include "acesniper/graph/graph.h"
#include "acesniper/graph/layers.h"

using namespace acesniper;

namespace {
Node Conv(int in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d = 1, int64_t g = 1) {
  return ConvLayer(in, out, k, s, p, d, g);
}
Node Pool(int in, PoolType t, int64_t k, int64_t s, int64_t p, bool ceil) { return PoolLayer(in, t, k, s, p, ceil); }
}  // namespace

TEST_CASE("convolution output shapes follow PyTorch's formula", "[graph]") {
  struct Case { Shape in; int64_t out, k, s, p, d, g; Shape want; };
  const Case cases[] = {
      {{1, 3, 224, 224}, 64, 7, 2, 3, 1, 1, {1, 64, 112, 112}},   // resnet stem
      {{1, 64, 56, 56}, 64, 3, 1, 1, 1, 1, {1, 64, 56, 56}},
      {{1, 64, 56, 56}, 128, 3, 2, 1, 1, 1, {1, 128, 28, 28}},
      {{1, 32, 28, 28}, 32, 3, 1, 2, 2, 1, {1, 32, 28, 28}},      // atrous 3x3, "same"
      {{1, 32, 112, 112}, 32, 3, 1, 1, 1, 32, {1, 32, 112, 112}}, // depthwise
      {{1, 3, 224, 224}, 768, 16, 16, 0, 1, 1, {1, 768, 14, 14}}, // ViT patchify
      {{1, 3, 299, 299}, 32, 3, 2, 0, 1, 1, {1, 32, 149, 149}},   // inception stem
  };
  for (const auto& c : cases) {
    Graph g;
    REQUIRE(g.AddInput(c.in).ok());
    auto r = g.Add(Conv(0, c.out, c.k, c.s, c.p, c.d, c.g));
    REQUIRE(r.ok());
    CHECK(g.node(r.value()).out == c.want);
  }
}

TEST_CASE("pooling output shapes, with and without ceil mode", "[graph]") {
  struct Case { Shape in; int64_t k, s, p; bool ceil; Shape want; };
  const Case cases[] = {
      {{1, 64, 112, 112}, 3, 2, 1, false, {1, 64, 56, 56}},
      {{1, 64, 147, 147}, 3, 2, 0, false, {1, 64, 73, 73}},
      {{1, 96, 55, 55}, 3, 2, 0, true, {1, 96, 27, 27}},
      {{1, 16, 112, 112}, 3, 2, 0, true, {1, 16, 56, 56}},  // ceil: 55.5 -> 56
      {{1, 8, 5, 5}, 2, 2, 1, true, {1, 8, 3, 3}},          // last window would start in padding
  };
  for (const auto& c : cases) {
    Graph g;
    REQUIRE(g.AddInput(c.in).ok());
    auto r = g.Add(Pool(0, PoolType::kMax, c.k, c.s, c.p, c.ceil));
    REQUIRE(r.ok());
    CHECK(g.node(r.value()).out == c.want);
  }
}

TEST_CASE("impossible networks are errors that say what is wrong", "[graph]") {
  Graph g;
  REQUIRE(g.AddInput({1, 32, 14, 14}).ok());
  int a = g.Add(Conv(0, 32, 3, 1, 1)).value();
  int b = g.Add(Conv(0, 64, 3, 1, 1)).value();

  SECTION("add of different channel counts") {
    Node n;
    n.op = OpKind::kAdd;
    n.inputs = {a, b};
    auto r = g.Add(n);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("do not broadcast"));
    CHECK_THAT(r.status().message(), Catch::Contains("[1,32,14,14]"));
  }
  SECTION("concat of different planes") {
    int c = g.Add(Conv(0, 32, 3, 2, 1)).value();
    Node n;
    n.op = OpKind::kConcat;
    n.axis = 1;
    n.inputs = {a, c};
    auto r = g.Add(n);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("outside the concat axis"));
  }
  SECTION("kernel larger than the input") {
    auto r = g.Add(Conv(0, 8, 31, 1, 0));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("kernel larger"));
  }
  SECTION("groups that do not divide the channels") {
    auto r = g.Add(Conv(0, 8, 3, 1, 1, 1, 3));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("groups"));
  }
  SECTION("a layer that refers forwards") {
    Node n;
    n.op = OpKind::kActivation;
    n.inputs = {17};
    CHECK_FALSE(g.Add(n).ok());
  }
  SECTION("a declared shape that disagrees with inference") {
    Node n = Conv(a, 16, 1, 1, 0);
    n.out = {1, 16, 7, 7};
    auto r = g.Add(n);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("declared output"));
  }
  SECTION("a conv on a 2-D tensor") {
    Node f;
    f.op = OpKind::kFlatten;
    f.inputs = {a};
    int flat = g.Add(f).value();
    auto r = g.Add(Conv(flat, 8, 1, 1, 0));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("4-D"));
  }
}

TEST_CASE("validation rejects empty graphs, dangling layers and a missing input", "[graph]") {
  Graph empty;
  CHECK_THAT(empty.Validate().message(), Catch::Contains("empty graph"));
  Graph only_input;
  REQUIRE(only_input.AddInput({1, 3, 8, 8}).ok());
  CHECK_THAT(only_input.Validate().message(), Catch::Contains("empty graph"));

  Graph dangling;
  REQUIRE(dangling.AddInput({1, 3, 8, 8}).ok());
  REQUIRE(dangling.Add(Conv(0, 4, 1, 1, 0)).ok());
  REQUIRE(dangling.Add(Conv(0, 4, 3, 1, 1)).ok());
  CHECK_THAT(dangling.Validate().message(), Catch::Contains("never used"));

  Graph no_input;
  CHECK_FALSE(no_input.Add(Conv(0, 4, 1, 1, 0)).ok());
  Graph bad_input;
  CHECK_FALSE(bad_input.AddInput({1, 0, 8, 8}).ok());
}

TEST_CASE("matmul and linear shapes", "[graph]") {
  Graph g;
  REQUIRE(g.AddInput({1, 197, 768}).ok());
  Node lin;
  lin.op = OpKind::kLinear;
  lin.inputs = {0};
  lin.out_features = 2304;
  int l = g.Add(lin).value();
  CHECK(g.node(l).out == Shape{1, 197, 2304});
  CHECK(NodeParams(g, g.node(l)) == 768 * 2304 + 2304);
  CHECK(NodeMacs(g, g.node(l)) == 197LL * 2304 * 768);

  Graph a;
  REQUIRE(a.AddInput({12, 197, 64}).ok());
  Node t;
  t.op = OpKind::kLayout;
  t.inputs = {0};
  t.out = {12, 64, 197};
  int tr = a.Add(t).value();
  Node mm;
  mm.op = OpKind::kMatMul;
  mm.inputs = {0, tr};
  int m = a.Add(mm).value();
  CHECK(a.node(m).out == Shape{12, 197, 197});
  CHECK(NodeMacs(a, a.node(m)) == 12LL * 197 * 197 * 64);
  Node bad;
  bad.op = OpKind::kMatMul;
  bad.inputs = {0, 0};
  CHECK_FALSE(a.Add(bad).ok());
}

TEST_CASE("data movement chains fold into one layout node, its steps in order", "[graph]") {
  Graph g;
  int x = g.AddInput({1, 8, 4, 4}).value();
  Node r = PlainLayer(OpKind::kLayout, {x});
  r.name = "to_tokens";
  r.layout = {{false, {1, 8, 16}}};
  int a = g.Add(r).value();
  Node p = PlainLayer(OpKind::kLayout, {a});
  p.name = "transpose";
  p.layout = {{true, {0, 2, 1}}};
  int b = g.Add(p).value();
  CHECK(g.node(b).out == Shape{1, 16, 8});
  Node s = PlainLayer(OpKind::kSoftmax, {b});
  s.name = "softmax";
  s.axis = 2;
  g.Add(s).value();
  auto m = MergeMovementChains(g);
  REQUIRE(m.ok());
  REQUIRE(m->size() == 3);
  const Node& folded = m->node(1);
  CHECK(folded.name == "transpose");
  CHECK(folded.inputs == std::vector<int>{0});
  REQUIRE(folded.layout.size() == 2);
  CHECK_FALSE(folded.layout[0].permute);
  CHECK(folded.layout[1].permute);
  CHECK(m->node(2).inputs == std::vector<int>{1});
  // a reshape to the wrong number of elements, and a permutation with a repeated axis, are refused
  Node bad = PlainLayer(OpKind::kLayout, {x});
  bad.name = "bad";
  bad.layout = {{false, {1, 8, 15}}};
  CHECK_THAT(g.Add(bad).status().message(), Catch::Contains("cannot reshape"));
  bad.layout = {{true, {0, 1, 1, 3}}};
  CHECK_THAT(g.Add(bad).status().message(), Catch::Contains("not a permutation"));
}
