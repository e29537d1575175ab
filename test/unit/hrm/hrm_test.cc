#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "acesniper/generate/generator.h"
#include "acesniper/hrm/hrm.h"
#include "acesniper/model/cost_prior.h"

using namespace acesniper;

namespace {

// A spec over d synthetic reference networks with two standardised key features.
HrmSpec MakeSpec(int d) {
  HrmSpec s;
  SplitMix64 rng(21);
  s.reference_inputs.resize(d, 2);
  for (int i = 0; i < d; ++i) {
    s.reference_networks.push_back("ref-" + std::to_string(i));
    s.reference_inputs(i, 0) = rng.Normal();
    s.reference_inputs(i, 1) = rng.Normal();
  }
  s.hg_features = {"flops_total", "count_conv3x3"};
  s.input_scaler.mean = Eigen::RowVectorXd::Zero(2);
  s.input_scaler.scale = Eigen::RowVectorXd::Ones(2);
  s.singular = {4, 1};
  return s;
}

// Latencies that follow ln y = 1 + 0.8 a - 0.3 b exactly.
HrmFitInput Latencies(const HrmSpec& s) {
  HrmFitInput in{"cpu-a", "0123456789abcdef", {}};
  for (size_t i = 0; i < s.d(); ++i)
    in.latency_ms.push_back(std::exp(1 + 0.8 * s.reference_inputs(static_cast<Eigen::Index>(i), 0) -
                                     0.3 * s.reference_inputs(static_cast<Eigen::Index>(i), 1)));
  return in;
}

}  // namespace

TEST_CASE("eq. 11 in log space: min maps to 0, max to 1, and back", "[hrm]") {
  CHECK(NormalizeLatency(2, 2, 200) == Approx(0));
  CHECK(NormalizeLatency(200, 2, 200) == Approx(1));
  CHECK(NormalizeLatency(20, 2, 200) == Approx(0.5));
  CHECK(DenormalizeLatency(0.5, 2, 200) == Approx(20));
  CHECK(DenormalizeLatency(NormalizeLatency(7.3, 2, 200), 2, 200) == Approx(7.3));
}

TEST_CASE("HRM fit: Hg is the linear fit of normalised latency, Hs the singular networks' values", "[hrm]") {
  HrmSpec spec = MakeSpec(30);
  HrmFitInput in = Latencies(spec);
  Result<HrmVector> v = FitHrm(spec, in);
  REQUIRE(v.ok());
  double lo = *std::min_element(in.latency_ms.begin(), in.latency_ms.end());
  double hi = *std::max_element(in.latency_ms.begin(), in.latency_ms.end());
  CHECK(v->min_ms == lo);
  CHECK(v->max_ms == hi);
  double span = std::log(hi) - std::log(lo);
  REQUIRE(v->hg.size() == 3);
  // Noise-free data: the evidence drives the noise precision up and the fit is exact.
  CHECK(v->hg[1] == Approx(0.8 / span).epsilon(1e-3));
  CHECK(v->hg[2] == Approx(-0.3 / span).epsilon(1e-3));
  CHECK(v->hg[0] == Approx((1 - std::log(lo)) / span).epsilon(1e-3));
  REQUIRE(v->hs.size() == 2);
  CHECK(v->hs[0] == Approx(NormalizeLatency(in.latency_ms[4], lo, hi)));
  CHECK(v->hs[1] == Approx(NormalizeLatency(in.latency_ms[1], lo, hi)));
  CHECK(v->measured == 30);
  CHECK(v->CheckAgainst(spec).ok());

  SECTION("an unmeasured singular network gets the general fit's value; too few measurements is an error") {
    in.latency_ms[4] = std::numeric_limits<double>::quiet_NaN();
    Result<HrmVector> gap = FitHrm(spec, in);
    REQUIRE(gap.ok());
    CHECK(gap->measured == 29);
    CHECK(DenormalizeLatency(gap->hs[0], gap->min_ms, gap->max_ms) ==
          Approx(std::exp(1 + 0.8 * spec.reference_inputs(4, 0) - 0.3 * spec.reference_inputs(4, 1))).epsilon(1e-3));
    for (size_t i = 2; i < in.latency_ms.size(); ++i) in.latency_ms[i] = -1;
    Result<HrmVector> few = FitHrm(spec, in);
    REQUIRE_FALSE(few.ok());
    CHECK(few.status().message().find("at least 3") != std::string::npos);
  }
}

TEST_CASE("HRM vector: compact JSON round trip and strict parsing", "[hrm]") {
  HrmSpec spec = MakeSpec(20);
  HrmVector v = *FitHrm(spec, Latencies(spec));
  std::string text = v.ToCompactString();
  CHECK(text.size() < 600);  // an annotation value, not a file
  Result<HrmVector> back = HrmVector::Parse(text);
  REQUIRE(back.ok());
  CHECK(back->platform == "cpu-a");
  CHECK(back->spec_id == spec.Id());
  for (size_t i = 0; i < v.hg.size(); ++i) CHECK(back->hg[i] == Approx(v.hg[i]).epsilon(1e-5));
  CHECK(back->CheckAgainst(spec).ok());

  auto error_of = [](const std::string& t) { return HrmVector::Parse(t).status().message(); };
  CHECK(error_of("{").find("not valid JSON") != std::string::npos);
  CHECK(error_of("[1,2]").find("object") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(text);
  nlohmann::json k = j;
  k["schema"] = "acesniper.hrm/v0";
  CHECK(error_of(k.dump()).find("schema") != std::string::npos);
  k = j;
  k.erase("hg");
  CHECK(error_of(k.dump()).find("'hg'") != std::string::npos);
  k = j;
  k["range_ms"] = {5, 1};
  CHECK(error_of(k.dump()).find("range_ms") != std::string::npos);
  k = j;
  k["hs"][0] = "fast";
  CHECK(error_of(k.dump()).find("hs") != std::string::npos);
  k = j;
  k["unsupported"] = {"count_layernorm"};
  REQUIRE(HrmVector::Parse(k.dump()).ok());
  CHECK(HrmVector::Parse(k.dump())->unsupported == std::vector<std::string>{"count_layernorm"});
  k["unsupported"] = {"flops_total"};
  CHECK(error_of(k.dump()).find("count_*") != std::string::npos);
  k = j;
  k["measured"] = 2.5;
  CHECK(error_of(k.dump()).find("measured") != std::string::npos);
  // A vector fitted against another spec is refused with a hint.
  HrmSpec other = MakeSpec(21);
  Status mismatch = back->CheckAgainst(other);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.message().find("re-run the reference benchmark") != std::string::npos);
}

TEST_CASE("HRM spec: JSON round trip keeps the id; corrupt specs are refused", "[hrm]") {
  HrmSpec spec = MakeSpec(12);
  Result<HrmSpec> back = HrmSpec::FromJson(spec.ToJson());
  REQUIRE(back.ok());
  CHECK(back->Id() == spec.Id());
  nlohmann::json j = spec.ToJson();
  j["singular"] = {99};
  CHECK(HrmSpec::FromJson(j).status().message().find("out of range") != std::string::npos);
  j = spec.ToJson();
  j["reference_inputs"].erase(0);
  CHECK(HrmSpec::FromJson(j).status().message().find("reference_inputs") != std::string::npos);
}

TEST_CASE("singular networks: the ones whose latency varies most across platforms, not redundant ones", "[hrm]") {
  // 6 platforms x 5 networks. Network 2 varies most; network 3 is a copy of 2; network 0 varies
  // independently but less; networks 1 and 4 are the same everywhere.
  Eigen::MatrixXd z(6, 5);
  double a[] = {0.1, 0.9, 0.3, 0.7, 0.5, 0.2};
  double b[] = {0.5, 0.4, 0.6, 0.45, 0.55, 0.5};
  for (int p = 0; p < 6; ++p) {
    z(p, 0) = b[p];
    z(p, 1) = 0.3;
    z(p, 2) = a[p];
    z(p, 3) = a[p];
    z(p, 4) = 0.8;
  }
  std::vector<int> picked = SelectSingularNetworks(z, 3);
  REQUIRE(picked.size() == 2);  // after 2 (or 3) and 0 nothing is left to explain
  CHECK((picked[0] == 2 || picked[0] == 3));
  CHECK(picked[1] == 0);
}

TEST_CASE("HRM with a cost prior: mixture weights of the other platforms' models, round trip, checks", "[hrm]") {
  HrmSpec spec = MakeSpec(30);
  // Three basis platforms; the new platform costs exactly 2 x basis A + 0.5 x basis C.
  spec.cost_platforms = {"cpu-b", "cpu-c", "cpu-d"};
  spec.cost_platform_ids = {"bbbbbbbbbbbbbbbb", "cccccccccccccccc", "dddddddddddddddd"};
  spec.reference_cost_ms.resize(30, 3);
  SplitMix64 rng(5);
  HrmFitInput in{"cpu-new", "0123456789abcdef", {}};
  for (int i = 0; i < 30; ++i) {
    for (int k = 0; k < 3; ++k) spec.reference_cost_ms(i, k) = 1 + 50 * rng.Unit();
    in.latency_ms.push_back(2 * spec.reference_cost_ms(i, 0) + 0.5 * spec.reference_cost_ms(i, 2));
  }
  Result<HrmVector> v = FitHrm(spec, in);
  REQUIRE(v.ok());
  REQUIRE(v->hc.size() == 4);
  CHECK(v->hc[1] == Approx(2).epsilon(0.02));
  CHECK(v->hc[2] == Approx(0).margin(0.02));
  CHECK(v->hc[3] == Approx(0.5).epsilon(0.05));
  CHECK(v->CheckAgainst(spec).ok());
  Result<HrmVector> back = HrmVector::Parse(v->ToCompactString());
  REQUIRE(back.ok());
  CHECK(back->hc.size() == 4);
  CHECK(back->hc[1] == Approx(v->hc[1]));
  // A platform that is one of the basis (same fingerprint id) never mixes in its own model; the
  // same name with another id (another machine) does.
  in.platform = "cpu-b";
  in.platform_id = "bbbbbbbbbbbbbbbb";
  Result<HrmVector> self = FitHrm(spec, in);
  REQUIRE(self.ok());
  CHECK(self->hc[1] == 0);
  in.latency_ms.clear();
  for (int i = 0; i < 30; ++i) in.latency_ms.push_back(spec.reference_cost_ms(i, 0));
  in.platform_id = "0123456789abcdef";
  Result<HrmVector> other_machine = FitHrm(spec, in);
  REQUIRE(other_machine.ok());
  CHECK(other_machine->hc[1] == Approx(1).epsilon(0.02));
  // Without hc, or with a negative weight, the vector is refused.
  HrmVector no_hc = *v;
  no_hc.hc.clear();
  CHECK_FALSE(no_hc.CheckAgainst(spec).ok());
  nlohmann::json j = v->ToJson();
  j["hc"] = {1.0, -0.5, 0.0, 0.0};
  Result<HrmVector> negative = HrmVector::FromJson(j);
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.status().message().find("'hc'") != std::string::npos);
  // The spec keeps its basis through JSON, and corrupt basis latencies are refused.
  Result<HrmSpec> spec_back = HrmSpec::FromJson(spec.ToJson());
  REQUIRE(spec_back.ok());
  CHECK(spec_back->Id() == spec.Id());
  nlohmann::json bad = spec.ToJson();
  bad["reference_cost_ms"][0][0] = -1.0;
  CHECK_FALSE(HrmSpec::FromJson(bad).ok());
  bad = spec.ToJson();
  bad["reference_cost_ms"].erase(0);
  CHECK_FALSE(HrmSpec::FromJson(bad).ok());
  bad = spec.ToJson();
  bad["cost_platform_ids"].erase(0);
  CHECK(HrmSpec::FromJson(bad).status().message().find("one id per cost platform") != std::string::npos);
}

TEST_CASE("HRM with family factors: a platform whose convolutions cost more than its mixture, round trip, checks", "[hrm]") {
  HrmSpec spec = MakeSpec(40);
  spec.cost_platforms = {"cpu-b", "cpu-c"};
  spec.cost_platform_ids = {"bbbbbbbbbbbbbbbb", "cccccccccccccccc"};
  spec.cost_families = CostFamilyNames();
  const Eigen::Index g = static_cast<Eigen::Index>(spec.cost_families.size());
  spec.reference_cost_ms.resize(40, 2);
  spec.reference_family_ms = Eigen::MatrixXd::Zero(40, 2 * g);
  SplitMix64 rng(9);
  HrmFitInput in{"cpu-new", "0123456789abcdef", {}};
  for (Eigen::Index i = 0; i < 40; ++i) {
    for (Eigen::Index k = 0; k < 2; ++k) {
      spec.reference_family_ms(i, k * g + 0) = 1 + 30 * rng.Unit();   // convolutions
      spec.reference_family_ms(i, k * g + 1) = 0.5 + 5 * rng.Unit();  // elementwise
      spec.reference_family_ms(i, k * g + 3) = 0.2 * rng.Unit();      // per layer
      spec.reference_cost_ms(i, k) = 0.1 + spec.reference_family_ms.row(i).segment(k * g, g).sum();
    }
    // Like cpu-b, but its convolutions cost 1.6x.
    in.latency_ms.push_back(spec.reference_cost_ms(i, 0) + 0.6 * spec.reference_family_ms(i, 0));
  }
  Result<HrmVector> v = FitHrm(spec, in);
  REQUIRE(v.ok());
  REQUIRE(v->hk.size() == 4);
  CHECK(v->hk[2] == 1);  // no fully connected layers to fit
  // The prior with the factors follows the references more closely than the mixture alone.
  double err_mixture = 0, err_prior = 0;
  for (Eigen::Index i = 0; i < 40; ++i) {
    const Eigen::VectorXd basis = spec.reference_cost_ms.row(i).transpose();
    const Eigen::VectorXd family = spec.reference_family_ms.row(i).transpose();
    const double y = in.latency_ms[static_cast<size_t>(i)];
    err_mixture += std::abs(MixtureLatency(v->hc, basis) / y - 1) / 40;
    err_prior += std::abs(PriorLatency(v->hc, v->hk, basis, family) / y - 1) / 40;
  }
  CHECK(err_prior < 0.5 * err_mixture);
  CHECK(err_prior < 0.05);  // the ridge (kFamilyFactorLambda) keeps a little of the gap at d = 40
  CHECK(v->CheckAgainst(spec).ok());
  // Round trips: the vector keeps hk, the spec its families.
  Result<HrmVector> back = HrmVector::Parse(v->ToCompactString());
  REQUIRE(back.ok());
  REQUIRE(back->hk.size() == 4);
  CHECK(back->hk[0] == Approx(v->hk[0]));
  Result<HrmSpec> spec_back = HrmSpec::FromJson(spec.ToJson());
  REQUIRE(spec_back.ok());
  CHECK(spec_back->Id() == spec.Id());
  CHECK(spec_back->cost_families == spec.cost_families);
  // A vector without hk does not fit a spec with families; a zero factor is refused.
  HrmVector no_hk = *v;
  no_hk.hk.clear();
  CHECK_FALSE(no_hk.CheckAgainst(spec).ok());
  nlohmann::json j = v->ToJson();
  j["hk"][1] = 0.0;
  CHECK(HrmVector::FromJson(j).status().message().find("'hk' factors must be > 0") != std::string::npos);
  // Corrupt specs: unknown family names, a family matrix of the wrong shape or with a negative
  // value, families without a basis.
  nlohmann::json bad = spec.ToJson();
  bad["cost_families"][0] = "attention";
  CHECK(HrmSpec::FromJson(bad).status().message().find("cost_families") != std::string::npos);
  bad = spec.ToJson();
  bad["reference_family_ms"][0].erase(0);
  CHECK_FALSE(HrmSpec::FromJson(bad).ok());
  bad = spec.ToJson();
  bad["reference_family_ms"][2][1] = -0.5;
  CHECK(HrmSpec::FromJson(bad).status().message().find("reference_family_ms") != std::string::npos);
  bad = spec.ToJson();
  bad.erase("cost_platforms");
  CHECK_FALSE(HrmSpec::FromJson(bad).ok());
}
