// The Eigen forward pass (pcn_inference.h) against LibTorch's (pcn.h) on trained parameters.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/generate/generator.h"
#include "acesniper/model/pcn.h"
#include "acesniper/model/pcn_inference.h"

using namespace acesniper;

namespace {

PcnInputs RandomInputs(size_t n, const PcnDims& d, uint64_t seed) {
  SplitMix64 rng(seed);
  PcnInputs in;
  in.n = n;
  auto fill = [&](std::vector<float>& v, size_t count) {
    for (size_t i = 0; i < count; ++i) v.push_back(static_cast<float>(rng.Normal()));
  };
  fill(in.network, n * static_cast<size_t>(d.network_features));
  fill(in.key, n * static_cast<size_t>(d.key_features));
  fill(in.hg, n * static_cast<size_t>(d.key_features + 1));
  fill(in.hs, n * static_cast<size_t>(d.singular));
  return in;
}

// A PCN trained for a few epochs on a random target, so that gates and correction are not zero.
Pcn Trained(const PcnDims& d, const PcnOptions& o) {
  PcnInputs in = RandomInputs(64, d, 11);
  std::vector<float> target, weight(64, 1.0f);
  for (size_t i = 0; i < 64; ++i) target.push_back(std::sin(in.network[i * static_cast<size_t>(d.network_features)]));
  Result<Pcn> pcn = Pcn::Create(d, o);
  REQUIRE(pcn.ok());
  REQUIRE(pcn->Train(in, target, weight).ok());
  return std::move(pcn).value();
}

}  // namespace

TEST_CASE("PCN inference in Eigen computes what LibTorch computes", "[pcn]") {
  PcnOptions o;
  o.epochs = 20;
  o.batch_size = 16;
  o.threads = 1;
  for (PcnDims d : {PcnDims{12, 3, 4}, PcnDims{7, 2, 0}}) {
    Pcn pcn = Trained(d, o);
    Result<PcnInference> fast = PcnInference::FromJson(pcn.ToJson());
    REQUIRE(fast.ok());
    PcnInputs in = RandomInputs(50, d, 5);
    std::vector<double> want = *pcn.Predict(in);
    Result<std::vector<double>> got = fast->Predict(in);
    REQUIRE(got.ok());
    REQUIRE(got->size() == want.size());
    double spread = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      CHECK((*got)[i] == Approx(want[i]).margin(1e-4));
      spread += std::fabs(want[i] - want[0]);
    }
    CHECK(spread > 0.1);  // the rows really differ: not a constant that would match trivially
    PcnInputs none;
    CHECK(fast->Predict(none)->empty());
  }
}

TEST_CASE("PCN inference: bad parameters and inputs are errors naming what is wrong", "[pcn]") {
  PcnDims d{6, 3, 2};
  PcnOptions o;
  o.token_dim = 8;
  o.hidden = 16;
  Result<Pcn> pcn = Pcn::Create(d, o);
  REQUIRE(pcn.ok());
  const nlohmann::json j = pcn->ToJson();
  nlohmann::json k = j;
  k["parameters"].erase("proj.weight");
  CHECK(PcnInference::FromJson(k).status().message().find("proj.weight") != std::string::npos);
  k = j;
  k["parameters"]["norm.bias"]["shape"] = {4};
  CHECK(PcnInference::FromJson(k).status().message().find("norm.bias") != std::string::npos);
  k = j;
  k["parameters"]["fc2.bias"]["values"][0] = "x";
  CHECK(PcnInference::FromJson(k).status().message().find("fc2.bias") != std::string::npos);
  k = j;
  k["options"]["heads"] = 3;
  CHECK_FALSE(PcnInference::FromJson(k).ok());
  k = j;
  k["architecture"] = "other";
  CHECK_FALSE(PcnInference::FromJson(k).ok());
  CHECK_FALSE(PcnInference::FromJson(nlohmann::json("pcn")).ok());

  Result<PcnInference> fast = PcnInference::FromJson(j);
  REQUIRE(fast.ok());
  PcnInputs in = RandomInputs(3, d, 1);
  in.key.pop_back();
  CHECK(fast->Predict(in).status().message().find("'key'") != std::string::npos);
  in = RandomInputs(3, d, 1);
  in.hs[0] = std::numeric_limits<float>::infinity();
  CHECK(fast->Predict(in).status().message().find("not finite") != std::string::npos);
}
