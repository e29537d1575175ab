#include "acesniper/model/linear_fit.h"

#include <cmath>
#include <string>

namespace acesniper {

Standardizer Standardizer::Fit(const Eigen::MatrixXd& x) {
  Standardizer s;
  s.mean = x.colwise().mean();
  s.scale = Eigen::RowVectorXd::Ones(x.cols());
  if (x.rows() < 2) return s;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    double var = (x.col(j).array() - s.mean(j)).square().sum() / static_cast<double>(x.rows() - 1);
    double sd = std::sqrt(var);
    if (sd > 1e-12 * (1 + std::fabs(s.mean(j)))) s.scale(j) = sd;
  }
  return s;
}

Eigen::MatrixXd Standardizer::Apply(const Eigen::MatrixXd& x) const {
  return (x.rowwise() - mean).array().rowwise() / scale.array();
}

Eigen::VectorXd Standardizer::ApplyRow(const Eigen::VectorXd& row) const {
  return (row.transpose() - mean).cwiseQuotient(scale).transpose();
}

Result<LinearFit> FitLinear(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double ridge) {
  if (x.rows() != y.size())
    return Status::InvalidArgument("linear fit: " + std::to_string(x.rows()) + " rows of features but " +
                                   std::to_string(y.size()) + " targets");
  if (x.rows() == 0) return Status::InvalidArgument("linear fit: no rows");
  if (!(ridge >= 0)) return Status::InvalidArgument("linear fit: ridge must be >= 0");
  if (!x.allFinite() || !y.allFinite()) return Status::InvalidArgument("linear fit: non-finite feature or target");
  LinearFit fit;
  Eigen::RowVectorXd xm = x.colwise().mean();
  double ym = y.mean();
  Eigen::MatrixXd xc = x.rowwise() - xm;
  Eigen::VectorXd yc = y.array() - ym;
  if (x.cols() == 0) {
    fit.weights = Eigen::VectorXd(0);
  } else if (ridge > 0) {
    Eigen::MatrixXd a = xc.transpose() * xc;
    a.diagonal().array() += ridge;
    fit.weights = a.ldlt().solve(xc.transpose() * yc);
  } else {
    fit.weights = xc.colPivHouseholderQr().solve(yc);
  }
  if (!fit.weights.allFinite()) return Status::Internal("linear fit: solution is not finite");
  fit.intercept = ym - xm.dot(fit.weights);
  return fit;
}

}  // namespace acesniper
