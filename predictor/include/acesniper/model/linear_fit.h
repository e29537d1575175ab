// Least-squares and ridge fits with an intercept, and the column standardiser they share.
// Used by key feature extraction (Algorithm 1), HRM's general part (eq. 8-9) and the time spinner.
#pragma once

#include <Eigen/Dense>

#include "acesniper/common/status.h"

namespace acesniper {

// Per-column mean and scale (standard deviation; 1 for a constant column, so it maps to 0).
struct Standardizer {
  Eigen::RowVectorXd mean;
  Eigen::RowVectorXd scale;

  static Standardizer Fit(const Eigen::MatrixXd& x);
  Eigen::MatrixXd Apply(const Eigen::MatrixXd& x) const;
  Eigen::VectorXd ApplyRow(const Eigen::VectorXd& row) const;
};

// y ~ intercept + x * weights.
struct LinearFit {
  double intercept = 0;
  Eigen::VectorXd weights;

  double Predict(const Eigen::VectorXd& row) const { return intercept + row.dot(weights); }
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const {
    return (x * weights).array() + intercept;
  }
};

// Minimises |y - b - x w|^2 + ridge * |w|^2 (the intercept is not penalised). ridge = 0 is
// ordinary least squares, solved by column-pivoted QR, so collinear columns do not blow up.
// Errors: x.rows() != y.size(), no rows, non-finite input, or ridge < 0.
Result<LinearFit> FitLinear(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double ridge = 0);

}  // namespace acesniper
