// Bayesian ridge regression (MacKay's evidence maximisation): the "traditional" per-platform
// latency model of section IV-B, fitted on the key features. Weights have a Gaussian prior with
// precision lambda, noise has precision alpha; both get Gamma hyperpriors and are re-estimated
// until the weights stop moving. Columns are standardised inside, so one prior fits features of
// very different scales (FLOPs ~1e9 next to layer counts ~10).
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/model/linear_fit.h"

namespace acesniper {

struct BayesianRidgeOptions {
  int max_iterations = 300;
  double tolerance = 1e-6;  // stop when the L1 change of the weights falls below this
  double alpha_1 = 1e-6, alpha_2 = 1e-6;    // Gamma hyperprior of the noise precision
  double lambda_1 = 1e-6, lambda_2 = 1e-6;  // Gamma hyperprior of the weight precision
  bool standardize = true;
};

class BayesianRidge {
 public:
  // Errors: sizes differ, fewer than 2 rows, non-finite input.
  static Result<BayesianRidge> Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const BayesianRidgeOptions& options = {});

  double Predict(const Eigen::VectorXd& row) const;
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const;
  // Standard deviation of the predictive distribution (weight uncertainty plus noise).
  double PredictStd(const Eigen::VectorXd& row) const;

  double alpha() const { return alpha_; }    // noise precision
  double lambda() const { return lambda_; }  // weight precision
  int iterations() const { return iterations_; }
  // In the standardised space when options.standardize (the space the prior lives in).
  const Eigen::VectorXd& weights() const { return weights_; }
  double intercept() const { return intercept_; }

  nlohmann::json ToJson() const;
  static Result<BayesianRidge> FromJson(const nlohmann::json& j);

 private:
  Eigen::VectorXd Transform(const Eigen::VectorXd& row) const;
  bool standardized_ = false;
  Standardizer scaler_;
  Eigen::VectorXd weights_;
  double intercept_ = 0;
  Eigen::MatrixXd sigma_;  // posterior covariance of the weights
  double alpha_ = 1, lambda_ = 1;
  int iterations_ = 0;
};

}  // namespace acesniper
