#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "acesniper/analyze/features.h"
#include "acesniper/graph/layers.h"

using namespace acesniper;

namespace {

struct Net {
  Graph g;
  int Add(Node n) {
    auto r = g.Add(std::move(n));
    REQUIRE(r.ok());
    return r.value();
  }
  int Conv(int in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d = 1) {
    return Add(ConvLayer(in, out, k, s, p, d));
  }
  int Op(OpKind k, std::vector<int> in) { return Add(PlainLayer(k, std::move(in))); }
};

// A small residual network whose every feature is worked out by hand below.
Graph HandWorkedNetwork() {
  Net n;
  REQUIRE(n.g.AddInput({1, 3, 224, 224}).ok());
  int c1 = n.Conv(0, 64, 7, 2, 3);            // [1,64,112,112]
  int bn = n.Op(OpKind::kBatchNorm, {c1});
  int re = n.Op(OpKind::kActivation, {bn});
  int pool = n.Add(PoolLayer(re, PoolType::kMax, 3, 2, 1));  // [1,64,56,56]
  int c2 = n.Conv(pool, 64, 3, 1, 1);
  int add = n.Op(OpKind::kAdd, {c2, pool});
  Node gp;
  gp.op = OpKind::kGlobalPool;
  gp.pool.type = PoolType::kAvg;
  gp.inputs = {add};
  int g = n.Add(gp);
  int fl = n.Op(OpKind::kFlatten, {g});
  Node fc;
  fc.op = OpKind::kLinear;
  fc.inputs = {fl};
  fc.out_features = 1000;
  n.Add(fc);
  REQUIRE(n.g.Validate().ok());
  return n.g;
}

}  // namespace

TEST_CASE("features of a hand-worked network", "[features]") {
  Features f = AnalyzeGraph(HandWorkedNetwork());
  const double conv1 = 64.0 * 112 * 112 * 3 * 49, conv2 = 64.0 * 56 * 56 * 64 * 9, fc = 64.0 * 1000;
  CHECK(f.Get("flops_total") == 2 * (conv1 + conv2 + fc));
  CHECK(f.Get("flops_conv") == 2 * (conv1 + conv2));
  CHECK(f.Get("flops_fc") == 2 * fc);
  CHECK(f.Get("params_total") == 9408 + 128 + 36864 + 65000);
  CHECK(f.Get("params_conv") == 9408 + 36864);
  CHECK(f.Get("params_fc") == 65000);
  CHECK(f.Get("struct_layers") == 8);  // flatten is data movement, not a layer
  CHECK(f.Get("count_layout") == 1);
  CHECK(f.Get("struct_max_branches") == 2);
  CHECK(f.Get("struct_cp_layers") == 8);
  CHECK(f.Get("params_cp") == f.Get("params_total"));
  CHECK(f.Get("struct_cp_flops_share") == 1.0);
  CHECK(f.Get("count_conv7x7") == 1);
  CHECK(f.Get("count_conv3x3") == 1);
  CHECK(f.Get("count_norm") == 1);
  CHECK(f.Get("count_add") == 1);
  CHECK(f.Get("count_pool_max") == 1);
  CHECK(f.Get("count_pool_avg") == 1);
  CHECK(f.Get("count_fc") == 1);
  CHECK(f.Get("share_fc") == Approx(1.0 / 8));
  CHECK(f.Get("plane_112") == 3);
  CHECK(f.Get("plane_56") == 3);
  CHECK(f.Get("plane_below_14") == 1);
  CHECK(f.Get("channels_64") == 7);
  CHECK(f.Get("amc_bytes") == 4.0 * 6484880);
  CHECK(f.Get("struct_mean_flops_per_layer") == Approx(f.Get("flops_total") / 8));
}

TEST_CASE("the critical path follows the branch with more computation", "[features]") {
  Net n;
  REQUIRE(n.g.AddInput({1, 32, 28, 28}).ok());
  int light = n.Conv(0, 32, 1, 1, 0);
  int heavy_a = n.Conv(0, 32, 3, 1, 1);
  int heavy_b = n.Conv(heavy_a, 32, 5, 1, 2);
  n.Op(OpKind::kConcat, {light, heavy_b});
  Features f = AnalyzeGraph(n.g);
  const double per_pixel = 28.0 * 28 * 32;
  CHECK(f.Get("flops_cp") == 2 * per_pixel * 32 * (9 + 25));
  CHECK(f.Get("struct_cp_layers") == 3);
  CHECK(f.Get("params_cp") == 32 * 32 * 9 + 32 * 32 * 25);
  CHECK(f.Get("struct_max_branches") == 2);
  CHECK(f.Get("count_conv1x1") == 1);
  CHECK(f.Get("count_conv5x5") == 1);
  CHECK(f.Get("count_concat") == 1);
}

TEST_CASE("dilated 3x3 convolutions are atrous, other kernels are counted and not dropped", "[features]") {
  Net n;
  REQUIRE(n.g.AddInput({1, 3, 224, 224}).ok());
  int a = n.Conv(0, 32, 3, 1, 2, 2);
  n.Conv(a, 64, 16, 16, 0);
  Features f = AnalyzeGraph(n.g);
  CHECK(f.Get("count_atrous3x3") == 1);
  CHECK(f.Get("count_conv3x3") == 0);
  CHECK(f.Get("count_conv_other") == 1);
}

TEST_CASE("the feature schema is named and versioned", "[features]") {
  CHECK(std::string(kFeatureSchema) == "acesniper.nns/v4");
  Features f = AnalyzeGraph(HandWorkedNetwork());
  CHECK(f.values().size() == FeatureDefs().size());
  CHECK(std::isnan(f.Get("no_such_feature")));
  std::set<std::string> names;
  for (const auto& d : FeatureDefs()) CHECK(names.insert(d.name).second);
}

TEST_CASE("layer cost terms of the hand-worked network", "[features]") {
  Features f = AnalyzeGraph(HandWorkedNetwork());
  const double conv1 = 2 * 64.0 * 112 * 112 * 3 * 49, conv2 = 2 * 64.0 * 56 * 56 * 64 * 9;
  // conv1: 7x7, stride 2, min(3, 64) channels < 64, plane 112; conv2: 3x3, stride 1, 64 channels, plane 56.
  CHECK(f.Get("cost_conv_flops_k7") == conv1);
  CHECK(f.Get("cost_conv_flops_k7_ch_lt64") == conv1);
  CHECK(f.Get("cost_conv_flops_k7_hw_ge56") == conv1);
  CHECK(f.Get("cost_conv_flops_k3") == conv2);
  CHECK(f.Get("cost_conv_flops_k3_ch_lt256") == conv2);
  CHECK(f.Get("cost_conv_flops_k3_hw_ge56") == conv2);
  CHECK(f.Get("cost_conv_flops_k3_hw_lt56") == 0);
  CHECK(f.Get("cost_conv_flops_s2") == conv1);
  CHECK(f.Get("cost_conv_flops_s1") == conv2);
  // conv1 reads 3 x 224 x 224 = 150,528 elements (64 Ki..256 Ki), conv2 64 x 56 x 56 = 200,704 (also).
  CHECK(f.Get("cost_conv_flops_k7_in_lt256k") == conv1);
  CHECK(f.Get("cost_conv_flops_k3_in_lt256k") == conv2);
  CHECK(f.Get("cost_conv_flops_k3_in_lt64k") == 0);
  CHECK(f.Get("cost_conv_flops_k7") + f.Get("cost_conv_flops_k3") == f.Get("flops_conv"));
  CHECK(f.Get("cost_conv_layers") == 2);
  CHECK(f.Get("cost_conv_in_elements") == 3.0 * 224 * 224 + 64.0 * 56 * 56);
  CHECK(f.Get("cost_conv_out_elements") == 64.0 * 112 * 112 + 64.0 * 56 * 56);
  CHECK(f.Get("cost_conv_weights") == f.Get("params_conv"));
  const double big = 64.0 * 112 * 112, small = 64.0 * 56 * 56;
  CHECK(f.Get("cost_elements_batchnorm") == 2 * big);
  CHECK(f.Get("cost_elements_activation") == 2 * big);
  CHECK(f.Get("cost_elements_pool") == big + small + small + 64);  // max pool, then global average
  CHECK(f.Get("cost_elements_add") == 3 * small);
  CHECK(f.Get("cost_elements_layout") == 2 * 64);                  // flatten
  CHECK(f.Get("cost_elements_fc") == 64 + 1000);
  CHECK(f.Get("cost_elements_other") == 0);
  // Schema v4: the classifier's 65,000 weights are below both steps; ReLU is no exponential; the
  // 3x3 max pool reads 9 elements per output, the global pool is not windowed.
  CHECK(f.Get("cost_fc_weights") == 65000);
  CHECK(f.Get("cost_fc_reuse_flops") == 0);  // batch 1: 64,000 multiply-adds, 65,000 weights
  CHECK(f.Get("cost_fc_weights_over_256k") == 0);
  CHECK(f.Get("cost_fc_weights_over_2m") == 0);
  CHECK(f.Get("cost_elements_activation_exp") == 0);
  CHECK(f.Get("cost_elements_pool_window") == 9 * small);
  CHECK(f.Get("cost_conv_grouped_elements") == 0);
}

TEST_CASE("schema v4 terms: big classifiers, exponential activations", "[features]") {
  Net n;
  REQUIRE(n.g.AddInput({1, 4096}).ok());
  Node fc;
  fc.op = OpKind::kLinear;
  fc.inputs = {0};
  fc.out_features = 4096;
  int a = n.Add(fc);
  int s = n.Op(OpKind::kActivation, {a});
  Node silu;
  silu.op = OpKind::kActivation;
  silu.act = ActKind::kSiLU;
  silu.inputs = {s};
  n.Add(silu);
  REQUIRE(n.g.Validate().ok());
  Features f = AnalyzeGraph(n.g);
  const double weights = 4096.0 * 4096 + 4096;
  CHECK(f.Get("cost_fc_weights") == weights);
  CHECK(f.Get("cost_fc_weights_over_256k") == weights - 262144);
  CHECK(f.Get("cost_fc_weights_over_2m") == weights - 2097152);
  CHECK(f.Get("cost_elements_activation") == 4 * 4096.0);      // both activations
  CHECK(f.Get("cost_elements_activation_exp") == 2 * 4096.0);  // the SiLU only
  CHECK(f.Get("cost_fc_reuse_flops") == 0);  // one row: each weight used once

  Net tokens;  // ten tokens of 64 through a 64 -> 32 layer: each weight used ten times
  REQUIRE(tokens.g.AddInput({1, 10, 64}).ok());
  Node proj;
  proj.op = OpKind::kLinear;
  proj.inputs = {0};
  proj.out_features = 32;
  tokens.Add(proj);
  REQUIRE(tokens.g.Validate().ok());
  Features t = AnalyzeGraph(tokens.g);
  CHECK(t.Get("cost_fc_weights") == 64 * 32 + 32);
  CHECK(t.Get("cost_fc_reuse_flops") == 2.0 * (10 * 64 * 32) - 2.0 * (64 * 32 + 32));
}

TEST_CASE("grouped, dilated and other kernels have their own cost terms", "[features]") {
  Net n;
  REQUIRE(n.g.AddInput({1, 32, 28, 28}).ok());
  int dw = n.Add(ConvLayer(0, 32, 3, 1, 1, 1, 32));   // depthwise: not a dense 3x3
  int at = n.Conv(dw, 256, 3, 1, 2, 2);              // dilated, 32 channels in
  n.Conv(at, 64, 4, 4, 0);                           // 4x4 patchify, stride 4
  Features f = AnalyzeGraph(n.g);
  CHECK(f.Get("cost_conv_flops_grouped") == 2 * 32.0 * 28 * 28 * 9);
  CHECK(f.Get("cost_conv_grouped_elements") == 2 * 32.0 * 28 * 28);  // the depthwise layer's input and output
  CHECK(f.Get("cost_conv_flops_k3") == 0);
  CHECK(f.Get("cost_conv_flops_dilated") == 2 * 256.0 * 28 * 28 * 32 * 9);
  CHECK(f.Get("cost_conv_flops_dilated_ch_lt64") == f.Get("cost_conv_flops_dilated"));
  CHECK(f.Get("cost_conv_flops_dilated_hw_lt56") == f.Get("cost_conv_flops_dilated"));
  CHECK(f.Get("cost_conv_flops_other") == 2 * 64.0 * 7 * 7 * 256 * 16);
  CHECK(f.Get("cost_conv_flops_s3up") == f.Get("cost_conv_flops_other"));
  double by_class = 0;
  for (const char* k : {"k1", "k3", "k5", "k7", "dilated", "other", "grouped"})
    by_class += f.Get(std::string("cost_conv_flops_") + k);
  CHECK(by_class == f.Get("flops_conv"));
  double by_input_size = 0;
  for (const char* k : {"k1", "k3", "k5", "k7", "dilated", "other", "grouped"})
    for (const char* b : {"lt16k", "lt64k", "lt256k", "lt1m", "ge1m"})
      by_input_size += f.Get(std::string("cost_conv_flops_") + k + "_in_" + b);
  CHECK(by_input_size == f.Get("flops_conv"));
  // Inputs: 32 x 28 x 28 = 25,088 elements (16 Ki..64 Ki); the dilated one's output, read by the
  // patchify, 256 x 28 x 28 = 200,704 (64 Ki..256 Ki).
  CHECK(f.Get("cost_conv_flops_grouped_in_lt64k") == f.Get("cost_conv_flops_grouped"));
  CHECK(f.Get("cost_conv_flops_dilated_in_lt64k") == f.Get("cost_conv_flops_dilated"));
  CHECK(f.Get("cost_conv_flops_other_in_lt256k") == f.Get("cost_conv_flops_other"));
}

TEST_CASE("convolution FLOPs by input size: the bins' edges are powers of two", "[features]") {
  for (int64_t side : {63, 64, 127, 128}) {  // 4 x side^2: 15,876 | 16,384 | 64,516 | 65,536
    Net n;
    REQUIRE(n.g.AddInput({1, 4, side, side}).ok());
    n.Conv(0, 8, 1, 1, 0);
    Features f = AnalyzeGraph(n.g);
    const double flops = f.Get("flops_conv");
    const char* bin = side == 63 ? "lt16k" : side < 128 ? "lt64k" : "lt256k";
    CAPTURE(side);
    CHECK(f.Get(std::string("cost_conv_flops_k1_in_") + bin) == flops);
  }
}
