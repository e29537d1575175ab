#include <catch2/catch.hpp>

#include "acesniper/generate/generator.h"
#include "acesniper/model/bayesian_ridge.h"

using namespace acesniper;

namespace {

struct Problem {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

Problem MakeProblem(int n, double noise_sd, uint64_t seed) {
  SplitMix64 rng(seed);
  Problem p{Eigen::MatrixXd(n, 4), Eigen::VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 4; ++j) p.x(i, j) = rng.Normal() * (j + 1);
    p.y(i) = 10 + 2 * p.x(i, 0) - 0.5 * p.x(i, 2) + noise_sd * rng.Normal();
  }
  return p;
}

}  // namespace

TEST_CASE("Bayesian ridge: the weights are the closed-form posterior mean at the fitted alpha and lambda", "[bayesian-ridge]") {
  Problem p = MakeProblem(200, 0.3, 3);
  BayesianRidgeOptions o;
  o.standardize = false;
  Result<BayesianRidge> m = BayesianRidge::Fit(p.x, p.y, o);
  REQUIRE(m.ok());
  // Closed form: w = (X^T X + lambda/alpha I)^-1 X^T y on centred data.
  Eigen::MatrixXd xc = p.x.rowwise() - p.x.colwise().mean();
  Eigen::VectorXd yc = p.y.array() - p.y.mean();
  Eigen::MatrixXd a = xc.transpose() * xc;
  a.diagonal().array() += m->lambda() / m->alpha();
  Eigen::VectorXd w = a.ldlt().solve(xc.transpose() * yc);
  CHECK((w - m->weights()).cwiseAbs().maxCoeff() < 1e-9);
  CHECK(m->weights()(0) == Approx(2).margin(0.05));
  CHECK(m->weights()(2) == Approx(-0.5).margin(0.05));
  CHECK(m->intercept() == Approx(10).margin(0.1));
  // The noise precision converges to about 1 / 0.3^2.
  CHECK(m->alpha() == Approx(1 / 0.09).epsilon(0.25));
  // Evidence fixed point for lambda: lambda = (gamma + 2 l1) / (|w|^2 + 2 l2).
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(xc.transpose() * xc);
  double gamma = (m->alpha() * es.eigenvalues().array() / (m->lambda() + m->alpha() * es.eigenvalues().array())).sum();
  CHECK(m->lambda() == Approx((gamma + 2e-6) / (m->weights().squaredNorm() + 2e-6)).epsilon(1e-3));
}

TEST_CASE("Bayesian ridge: standardised fit predicts the same function, with an honest spread", "[bayesian-ridge]") {
  Problem p = MakeProblem(300, 0.5, 5);
  Result<BayesianRidge> m = BayesianRidge::Fit(p.x, p.y);
  REQUIRE(m.ok());
  Eigen::VectorXd row(4);
  row << 1, 0, 2, 0;
  CHECK(m->Predict(row) == Approx(10 + 2 - 1).margin(0.15));
  CHECK(m->PredictStd(row) == Approx(0.5).epsilon(0.3));
  // Far outside the data the weight uncertainty adds to the noise.
  Eigen::VectorXd far(4);
  far << 100, 100, 100, 100;
  CHECK(m->PredictStd(far) > m->PredictStd(row));
  // A JSON round trip predicts identically.
  Result<BayesianRidge> back = BayesianRidge::FromJson(m->ToJson());
  REQUIRE(back.ok());
  CHECK(back->Predict(row) == Approx(m->Predict(row)));
  CHECK(back->PredictStd(far) == Approx(m->PredictStd(far)));
}

TEST_CASE("Bayesian ridge: bad input and corrupt JSON give errors naming the problem", "[bayesian-ridge]") {
  CHECK_FALSE(BayesianRidge::Fit(Eigen::MatrixXd::Zero(5, 2), Eigen::VectorXd::Zero(4)).ok());
  CHECK_FALSE(BayesianRidge::Fit(Eigen::MatrixXd::Zero(1, 2), Eigen::VectorXd::Zero(1)).ok());
  Problem p = MakeProblem(50, 0.1, 8);
  nlohmann::json j = BayesianRidge::Fit(p.x, p.y)->ToJson();
  j["weights"][1] = "x";
  Result<BayesianRidge> bad = BayesianRidge::FromJson(j);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("weights") != std::string::npos);
  nlohmann::json k = BayesianRidge::Fit(p.x, p.y)->ToJson();
  k["sigma"].erase(0);
  CHECK(BayesianRidge::FromJson(k).status().message().find("sigma") != std::string::npos);
  k = BayesianRidge::Fit(p.x, p.y)->ToJson();
  k["alpha"] = -1;
  CHECK_FALSE(BayesianRidge::FromJson(k).ok());
}
