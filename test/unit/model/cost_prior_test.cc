#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "acesniper/model/cost_prior.h"
#include "acesniper/model/nonnegative_fit.h"

using namespace acesniper;

TEST_CASE("non-negative relative fit recovers non-negative costs and clips a negative one", "[cost-prior]") {
  SplitMix64 rng(3);
  Eigen::MatrixXd x(200, 3);
  Eigen::VectorXd y(200);
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < 3; ++j) x(i, j) = 10 * rng.Unit();
    y(i) = 0.5 + 2 * x(i, 0) + 0.25 * x(i, 2);
  }
  NonNegativeFitOptions options;
  options.lambda = 0;
  options.iterations = 20000;
  Result<NonNegativeFit> fit = FitNonNegativeRelative(x, y, options);
  REQUIRE(fit.ok());
  CHECK(fit->weights(0) == Approx(2).epsilon(0.01));
  CHECK(fit->weights(1) == Approx(0).margin(0.01));
  CHECK(fit->weights(2) == Approx(0.25).epsilon(0.03));
  CHECK(fit->intercept == Approx(0.5).epsilon(0.1));
  // y = 5 - x: the best non-negative weight is 0, never negative.
  Eigen::MatrixXd one(50, 1);
  Eigen::VectorXd down(50);
  for (int i = 0; i < 50; ++i) {
    one(i, 0) = i * 0.08;
    down(i) = 5 - one(i, 0);
  }
  Result<NonNegativeFit> clipped = FitNonNegativeRelative(one, down);
  REQUIRE(clipped.ok());
  CHECK(clipped->weights(0) == 0);
  CHECK(clipped->intercept > 0);
}

TEST_CASE("non-negative relative fit refuses bad input with a clear error", "[cost-prior]") {
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(3, 2);
  CHECK(FitNonNegativeRelative(x, Eigen::VectorXd::Ones(2)).status().message().find("row counts") != std::string::npos);
  CHECK(FitNonNegativeRelative(Eigen::MatrixXd(0, 2), Eigen::VectorXd(0)).status().message().find("no rows") != std::string::npos);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(3);
  y(1) = 0;
  CHECK(FitNonNegativeRelative(x, y).status().message().find("> 0") != std::string::npos);
  x(0, 0) = -1;
  CHECK(FitNonNegativeRelative(x, Eigen::VectorXd::Ones(3)).status().message().find(">= 0") != std::string::npos);
  x(0, 0) = std::nan("");
  CHECK(FitNonNegativeRelative(x, Eigen::VectorXd::Ones(3)).status().message().find("non-finite") != std::string::npos);
}

TEST_CASE("cost prior: every term is a feature, basis latencies, mixture and JSON checks", "[cost-prior]") {
  for (const std::string& name : CostTermNames()) {
    bool found = false;
    for (const FeatureDef& d : FeatureDefs()) found = found || name == d.name;
    CHECK(found);
  }
  Result<CostPrior> p = CostPrior::FromJson(
      {{"terms", {"cost_conv_flops_k3", "count_add"}}, {"platforms", {"a", "b"}}, {"weights", {{1e-6, 0.5, 2.0}, {2e-6, 0.0, 1.0}}}});
  REQUIRE(p.ok());
  std::vector<double> features(FeatureDefs().size(), 0.0);
  for (size_t c = 0; c < FeatureDefs().size(); ++c) {
    if (std::string(FeatureDefs()[c].name) == "cost_conv_flops_k3") features[c] = 1e6;
    if (std::string(FeatureDefs()[c].name) == "count_add") features[c] = 4;
  }
  Eigen::VectorXd basis = p->Basis(features);
  CHECK(basis(0) == Approx(1 + 2 + 2));
  CHECK(basis(1) == Approx(2 + 0 + 1));
  CHECK(MixtureLatency({0.5, 1.0, 2.0}, basis) == Approx(0.5 + 5 + 6));
  CHECK(MixtureLatency({0.0, 0.0, 0.0}, basis) > 0);  // never zero: it enters in log space
  Result<std::vector<double>> hc = FitCostMixture(Eigen::MatrixXd::Ones(2, 2), Eigen::VectorXd::Ones(2), {true, true});
  CHECK(hc.status().message().find("at least 3") != std::string::npos);
  CHECK(CostPrior::FromJson({{"terms", {"no_such_feature"}}, {"platforms", {"a"}}, {"weights", {{1, 1}}}})
            .status().message().find("unknown feature 'no_such_feature'") != std::string::npos);
  CHECK_FALSE(CostPrior::FromJson({{"terms", {"count_add"}}, {"platforms", {"a"}}, {"weights", {{-1, 1}}}}).ok());
  CHECK_FALSE(CostPrior::FromJson({{"terms", {"count_add"}}, {"platforms", {"a", "b"}}, {"weights", {{1, 1}}}}).ok());
  CHECK_FALSE(CostPrior::FromJson({{"terms", "count_add"}, {"platforms", {"a"}}, {"weights", {{1, 1}}}}).ok());
}

TEST_CASE("cost prior families: every term has one, the basis splits by family, PriorLatency adds the factors", "[cost-prior]") {
  REQUIRE(CostFamilyNames().size() == 4);
  for (const std::string& name : CostTermNames()) CHECK(CostTermFamily(name) >= 0);
  CHECK(CostTermFamily("cost_conv_flops_k3") == 0);
  CHECK(CostTermFamily("cost_elements_add") == 1);
  CHECK(CostTermFamily("flops_matmul") == 2);
  CHECK(CostTermFamily("count_add") == 3);
  CHECK(CostTermFamily("flops_total") == -1);  // a feature, but no cost term
  CHECK(CostPrior::FromJson({{"terms", {"flops_total"}}, {"platforms", {"a"}}, {"weights", {{1, 1}}}})
            .status().message().find("'flops_total' is not a cost term") != std::string::npos);
  Result<CostPrior> p = CostPrior::FromJson(
      {{"terms", {"cost_conv_flops_k3", "count_add"}}, {"platforms", {"a", "b"}}, {"weights", {{1e-6, 0.5, 2.0}, {2e-6, 0.0, 1.0}}}});
  REQUIRE(p.ok());
  std::vector<double> features(FeatureDefs().size(), 0.0);
  features[static_cast<size_t>(FeatureIndex("cost_conv_flops_k3"))] = 1e6;
  features[static_cast<size_t>(FeatureIndex("count_add"))] = 4;
  const Eigen::VectorXd basis = p->Basis(features);
  const Eigen::VectorXd family = p->FamilyBasis(features);
  REQUIRE(family.size() == 2 * 4);
  CHECK(family(0) == Approx(1));      // a: convolutions
  CHECK(family(3) == Approx(2));      // a: per layer
  CHECK(family(4) == Approx(2));      // b: convolutions
  CHECK(family(7) == Approx(0));      // b: per layer
  CHECK(family(1) + family(2) + family(5) + family(6) == 0);
  const std::vector<double> hc = {0.5, 1.0, 2.0};
  const Eigen::VectorXd by_family = MixtureFamilies(hc, family);
  CHECK(by_family(0) == Approx(1 + 4));
  CHECK(by_family(3) == Approx(2));
  CHECK(PriorLatency(hc, {}, basis, family) == Approx(MixtureLatency(hc, basis)));
  CHECK(PriorLatency(hc, {1, 1, 1, 1}, basis, family) == Approx(MixtureLatency(hc, basis)));
  // Convolutions 1.5x, per-layer cost halved: + 0.5 x 5 - 0.5 x 2.
  CHECK(PriorLatency(hc, {1.5, 1, 1, 0.5}, basis, family) == Approx(MixtureLatency(hc, basis) + 2.5 - 1));
}

TEST_CASE("family factors: a family priced differently from the mixture is recovered, bad input refused", "[cost-prior]") {
  SplitMix64 rng(11);
  const int n = 120;
  Eigen::VectorXd mixture(n), y(n);
  Eigen::MatrixXd by_family = Eigen::MatrixXd::Zero(n, 4);
  for (int i = 0; i < n; ++i) {
    by_family(i, 0) = 1 + 20 * rng.Unit();  // convolutions
    by_family(i, 1) = 0.2 + 2 * rng.Unit();  // elementwise
    by_family(i, 3) = 0.1 + 0.5 * rng.Unit();
    mixture(i) = 0.05 + by_family.row(i).sum();
    // The platform's convolutions cost 1.4x what the mixture says; the rest as it says.
    y(i) = mixture(i) + 0.4 * by_family(i, 0);
  }
  Result<std::vector<double>> hk = FitFamilyFactors(mixture, by_family, y);
  REQUIRE(hk.ok());
  REQUIRE(hk->size() == 4);
  CHECK((*hk)[0] == Approx(1.4).epsilon(0.03));  // the ridge shrinks a little towards 1
  CHECK((*hk)[1] == Approx(1).margin(0.1));
  CHECK((*hk)[2] == 1);  // no fully connected layers in the references: nothing to fit
  CHECK((*hk)[3] == Approx(1).margin(0.2));
  // With a strong penalty, three references cannot move the factors far from 1.
  Result<std::vector<double>> few = FitFamilyFactors(mixture.head(3), by_family.topRows(3), y.head(3), 100.0);
  REQUIRE(few.ok());
  for (double f : *few) CHECK(std::abs(f - 1) < 0.05);
  // A platform far cheaper than the mixture: factors never fall below 0.1.
  Result<std::vector<double>> cheap = FitFamilyFactors(mixture * 50, by_family * 50, y, 1e-6);
  REQUIRE(cheap.ok());
  for (double f : *cheap) CHECK(f >= 0.1);
  CHECK(FitFamilyFactors(mixture, by_family, y.head(5)).status().message().find("shapes disagree") != std::string::npos);
  Eigen::VectorXd bad = y;
  bad(3) = 0;
  CHECK(FitFamilyFactors(mixture, by_family, bad).status().message().find("finite and > 0") != std::string::npos);
  CHECK(FitFamilyFactors(mixture, by_family, y, 0).status().message().find("lambda") != std::string::npos);
}
