// A non-negative linear fit on relative error: y ~ b + x w with b >= 0 and w >= 0, minimising
// sum_i ((b + x_i w - y_i) / y_i)^2 + lambda |w'|^2 (w' the weights of unit-norm columns).
// Used where every term is a cost that can only add latency: the per-layer cost models of the
// cost prior (cost_prior.h) and the new platform's mixture of them (hrm.h). Relative error,
// because latencies span four decades and every network counts alike.
#pragma once

#include <Eigen/Dense>

#include "acesniper/common/status.h"

namespace acesniper {

struct NonNegativeFit {
  double intercept = 0;     // >= 0
  Eigen::VectorXd weights;  // >= 0

  double Predict(const Eigen::VectorXd& row) const { return intercept + row.dot(weights); }
};

struct NonNegativeFitOptions {
  double lambda = 1e-4;
  int iterations = 3000;  // projected gradient steps
};

// Errors: x.rows() != y.size(), no rows, a non-finite value, a y <= 0, or a negative x.
Result<NonNegativeFit> FitNonNegativeRelative(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                              const NonNegativeFitOptions& options = {});

}  // namespace acesniper
