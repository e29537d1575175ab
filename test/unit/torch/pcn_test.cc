// LibTorch first, then Catch2: glog's CHECK would otherwise clash with Catch's.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/generate/generator.h"
#include "acesniper/model/pcn.h"

using namespace acesniper;

namespace {

// n pairs of a synthetic problem: 2 "platforms" whose latency depends on the network features
// in different, nonlinear ways.
struct Synthetic {
  PcnInputs in;
  std::vector<float> target, weight;
};

Synthetic MakeProblem(size_t n, const PcnDims& d, uint64_t seed) {
  SplitMix64 rng(seed);
  Synthetic s;
  s.in.n = n;
  for (size_t i = 0; i < n; ++i) {
    std::vector<float> x;
    for (int j = 0; j < d.network_features; ++j) x.push_back(static_cast<float>(rng.Normal()));
    s.in.network.insert(s.in.network.end(), x.begin(), x.end());
    for (int j = 0; j < d.key_features; ++j) s.in.key.push_back(x[static_cast<size_t>(j)]);
    int platform = static_cast<int>(i % 2);
    s.in.hg.push_back(0.5f);
    for (int j = 0; j < d.key_features; ++j) s.in.hg.push_back(platform ? 0.2f : -0.1f);
    for (int j = 0; j < d.singular; ++j) s.in.hs.push_back(platform ? 0.9f : 0.1f);
    float z = platform ? 0.5f + 0.3f * x[0] * x[1] : 0.4f + 0.2f * std::tanh(x[2]);
    s.target.push_back(z);
    s.weight.push_back(1.0f);
  }
  return s;
}

PcnOptions SmallOptions() {
  PcnOptions o;
  o.token_dim = 8;
  o.heads = 2;
  o.hidden = 32;
  o.network_tokens = 4;
  o.hardware_tokens = 2;
  o.threads = 1;
  return o;
}

}  // namespace

TEST_CASE("PCN: one output per pair; untrained it is exactly the HRM general fit", "[pcn]") {
  PcnDims d{6, 3, 2};
  Result<Pcn> pcn = Pcn::Create(d, SmallOptions());
  REQUIRE(pcn.ok());
  Synthetic s = MakeProblem(10, d, 1);
  Result<std::vector<double>> z = pcn->Predict(s.in);
  REQUIRE(z.ok());
  REQUIRE(z->size() == 10);
  for (size_t i = 0; i < 10; ++i) {
    double linear = s.in.hg[i * 4];
    for (int k = 0; k < 3; ++k) linear += s.in.hg[i * 4 + 1 + static_cast<size_t>(k)] * s.in.key[i * 3 + static_cast<size_t>(k)];
    CHECK((*z)[i] == Approx(linear).margin(1e-5));
  }
  CHECK(pcn->parameter_count() > 1000);
}

TEST_CASE("PCN: overfits a small nonlinear problem, repeatably under a seed", "[pcn]") {
  PcnDims d{6, 3, 2};
  PcnOptions o = SmallOptions();
  o.epochs = 150;
  o.batch_size = 32;
  Synthetic s = MakeProblem(128, d, 2);
  Result<Pcn> a = Pcn::Create(d, o);
  REQUIRE(a.ok());
  Result<PcnTrainReport> report = a->Train(s.in, s.target, s.weight);
  REQUIRE(report.ok());
  REQUIRE(report->epochs == 150);
  CHECK(report->epoch_loss.back() < 0.1 * report->epoch_loss.front());
  Result<Pcn> b = Pcn::Create(d, o);
  REQUIRE(b->Train(s.in, s.target, s.weight).ok());
  std::vector<double> za = *a->Predict(s.in), zb = *b->Predict(s.in);
  for (size_t i = 0; i < za.size(); ++i) CHECK(za[i] == zb[i]);

  SECTION("a JSON round trip predicts identically") {
    Result<Pcn> back = Pcn::FromJson(a->ToJson());
    REQUIRE(back.ok());
    std::vector<double> zc = *back->Predict(s.in);
    for (size_t i = 0; i < za.size(); ++i) CHECK(zc[i] == Approx(za[i]).margin(1e-6));
  }
}

TEST_CASE("PCN: wrong input sizes and corrupt model JSON are errors, not crashes", "[pcn]") {
  PcnDims d{6, 3, 2};
  Result<Pcn> pcn = Pcn::Create(d, SmallOptions());
  Synthetic s = MakeProblem(4, d, 3);
  s.in.hs.pop_back();
  Result<std::vector<double>> bad = pcn->Predict(s.in);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("'hs'") != std::string::npos);
  Synthetic t = MakeProblem(4, d, 3);
  t.in.network[0] = std::nanf("");
  CHECK(pcn->Predict(t.in).status().message().find("not finite") != std::string::npos);
  CHECK_FALSE(Pcn::Create({0, 1, 1}).ok());
  PcnOptions odd = SmallOptions();
  odd.heads = 3;
  CHECK_FALSE(Pcn::Create(d, odd).ok());

  nlohmann::json j = pcn->ToJson();
  nlohmann::json k = j;
  k["parameters"].erase("fc1.weight");
  CHECK(Pcn::FromJson(k).status().message().find("fc1.weight") != std::string::npos);
  k = j;
  k["parameters"]["q.bias"]["values"].erase(0);
  CHECK(Pcn::FromJson(k).status().message().find("q.bias") != std::string::npos);
  k = j;
  k["dims"]["key_features"] = "three";
  CHECK_FALSE(Pcn::FromJson(k).ok());
  CHECK_FALSE(Pcn::FromJson(nlohmann::json::array()).ok());
}
