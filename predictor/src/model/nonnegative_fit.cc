#include "acesniper/model/nonnegative_fit.h"

#include <algorithm>
#include <cmath>

namespace acesniper {

Result<NonNegativeFit> FitNonNegativeRelative(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                              const NonNegativeFitOptions& options) {
  if (x.rows() != y.size()) return Status::InvalidArgument("non-negative fit: x and y have different row counts");
  if (x.rows() == 0) return Status::InvalidArgument("non-negative fit: no rows");
  if (!x.allFinite() || !y.allFinite()) return Status::InvalidArgument("non-negative fit: non-finite input");
  if ((y.array() <= 0).any()) return Status::InvalidArgument("non-negative fit: every y must be > 0");
  if ((x.array() < 0).any()) return Status::InvalidArgument("non-negative fit: every x must be >= 0");
  if (options.lambda < 0 || options.iterations < 1) return Status::InvalidArgument("non-negative fit: bad options");
  const Eigen::Index n = x.rows(), m = x.cols() + 1;
  // a = [x, 1] / y, rows scaled by the target so the residual is relative; columns to unit
  // norm so one step size suits every term. The problem is then |a w - 1|^2 + lambda |w|^2.
  Eigen::MatrixXd a(n, m);
  a.leftCols(x.cols()) = x;
  a.col(m - 1).setOnes();
  a.array().colwise() /= y.array();
  Eigen::VectorXd scale = a.colwise().norm().transpose();
  for (Eigen::Index j = 0; j < m; ++j) scale(j) = scale(j) > 0 ? scale(j) : 1.0;
  a = a * scale.cwiseInverse().asDiagonal();
  const Eigen::MatrixXd gram = a.transpose() * a;
  const Eigen::VectorXd target = a.transpose() * Eigen::VectorXd::Ones(n);
  const double lipschitz = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
  const double step = 1.0 / (std::max(lipschitz, 0.0) + options.lambda + 1e-12);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(m);
  for (int it = 0; it < options.iterations; ++it)
    w = (w - step * (gram * w - target + options.lambda * w)).cwiseMax(0.0);
  w = w.cwiseQuotient(scale);
  NonNegativeFit fit;
  fit.weights = w.head(x.cols());
  fit.intercept = w(m - 1);
  return fit;
}

}  // namespace acesniper
