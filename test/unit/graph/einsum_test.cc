#include <catch2/catch.hpp>

#include "acesniper/graph/einsum.h"

using namespace acesniper;

TEST_CASE("einsum output shapes and contraction sizes", "[einsum]") {
  // MaxViT's attention, as PyTorch writes it (spaces included)
  auto qk = AnalyzeEinsum("B G H I D, B G H J D -> B G H I J", {{1, 64, 2, 49, 32}, {1, 64, 2, 49, 32}});
  REQUIRE(qk);
  CHECK(qk->out == Shape{1, 64, 2, 49, 49});
  CHECK(qk->contraction == 32);
  auto av = AnalyzeEinsum("bghij,bghjd->bghid", {{1, 64, 2, 49, 49}, {1, 64, 2, 49, 32}});
  REQUIRE(av);
  CHECK(av->out == Shape{1, 64, 2, 49, 32});
  CHECK(av->contraction == 49);
  auto implicit = AnalyzeEinsum("ij,jk", {{3, 4}, {4, 5}});
  REQUIRE(implicit);
  CHECK(implicit->out == Shape{3, 5});
  CHECK(implicit->contraction == 4);
  CHECK_FALSE(AnalyzeEinsum("ij,jk->ik", {{3, 4}, {5, 6}}));      // 4 vs 5
  CHECK_FALSE(AnalyzeEinsum("...ij,...jk->...ik", {{3, 4}, {4, 5}}));
  CHECK_FALSE(AnalyzeEinsum("ij->ji", {{3, 4}, {4, 5}}));
  CHECK_FALSE(AnalyzeEinsum("ij,jk->iz", {{3, 4}, {4, 5}}));
}

TEST_CASE("an einsum matmul counts output elements x contraction", "[einsum][graph]") {
  Graph g;
  REQUIRE(g.AddInput({1, 64, 2, 49, 32}).ok());
  Node n;
  n.op = OpKind::kMatMul;
  n.inputs = {0, 0};
  n.contraction = 32;
  n.out = {1, 64, 2, 49, 49};
  auto r = g.Add(n);
  REQUIRE(r.ok());
  CHECK(NodeMacs(g, g.node(r.value())) == 64LL * 2 * 49 * 49 * 32);
  n.out.clear();
  CHECK_FALSE(g.Add(n).ok());
}
