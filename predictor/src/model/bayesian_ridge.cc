#include "acesniper/model/bayesian_ridge.h"

#include <cmath>
#include <string>
#include <vector>

#include "acesniper/model/json_eigen.h"

namespace acesniper {

Result<BayesianRidge> BayesianRidge::Fit(const Eigen::MatrixXd& x_in, const Eigen::VectorXd& y,
                                         const BayesianRidgeOptions& options) {
  if (x_in.rows() != y.size())
    return Status::InvalidArgument("bayesian ridge: " + std::to_string(x_in.rows()) + " rows but " +
                                   std::to_string(y.size()) + " targets");
  if (x_in.rows() < 2) return Status::InvalidArgument("bayesian ridge: need at least 2 rows");
  if (!x_in.allFinite() || !y.allFinite()) return Status::InvalidArgument("bayesian ridge: non-finite input");

  BayesianRidge m;
  m.standardized_ = options.standardize;
  Eigen::MatrixXd x = x_in;
  if (m.standardized_) {
    m.scaler_ = Standardizer::Fit(x_in);
    x = m.scaler_.Apply(x_in);
  }
  // The intercept is not regularised: centre both sides and add it back at the end.
  Eigen::RowVectorXd xm = x.colwise().mean();
  double ym = y.mean();
  Eigen::MatrixXd xc = x.rowwise() - xm;
  Eigen::VectorXd yc = y.array() - ym;
  const double n = static_cast<double>(x.rows());
  const Eigen::Index p = x.cols();

  Eigen::JacobiSVD<Eigen::MatrixXd> svd(xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
  Eigen::VectorXd eig = svd.singularValues().array().square();
  Eigen::MatrixXd v = svd.matrixV();  // p x r
  Eigen::VectorXd xty = xc.transpose() * yc;

  double var_y = yc.squaredNorm() / n;
  double alpha = 1.0 / (var_y + 1e-12 * (1 + ym * ym));
  double lambda = 1.0;
  auto solve = [&](double a, double l) -> Eigen::VectorXd {
    // w = V diag(1 / (eig + l/a)) V^T X^T y (the part of w outside span(V) is zero)
    Eigen::VectorXd proj = v.transpose() * xty;
    proj.array() /= (eig.array() + l / a);
    return v * proj;
  };
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p), w_old;
  int it = 0;
  for (; it < options.max_iterations; ++it) {
    w = solve(alpha, lambda);
    double rss = (yc - xc * w).squaredNorm();
    double gamma = (alpha * eig.array() / (lambda + alpha * eig.array())).sum();
    lambda = (gamma + 2 * options.lambda_1) / (w.squaredNorm() + 2 * options.lambda_2);
    alpha = (n - gamma + 2 * options.alpha_1) / (rss + 2 * options.alpha_2);
    if (it > 0 && (w_old - w).cwiseAbs().sum() < options.tolerance) break;
    w_old = w;
  }
  m.iterations_ = it + 1;
  m.alpha_ = alpha;
  m.lambda_ = lambda;
  m.weights_ = solve(alpha, lambda);
  m.intercept_ = ym - xm.dot(m.weights_);
  // Posterior covariance (X^T X alpha + lambda I)^-1, full rank even when X is not.
  Eigen::MatrixXd a = alpha * (xc.transpose() * xc);
  a.diagonal().array() += lambda;
  m.sigma_ = a.ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  if (!m.weights_.allFinite() || !m.sigma_.allFinite()) return Status::Internal("bayesian ridge: fit diverged");
  return m;
}

Eigen::VectorXd BayesianRidge::Transform(const Eigen::VectorXd& row) const {
  return standardized_ ? scaler_.ApplyRow(row) : row;
}

double BayesianRidge::Predict(const Eigen::VectorXd& row) const { return intercept_ + Transform(row).dot(weights_); }

Eigen::VectorXd BayesianRidge::Predict(const Eigen::MatrixXd& x) const {
  Eigen::MatrixXd t = standardized_ ? scaler_.Apply(x) : x;
  return (t * weights_).array() + intercept_;
}

double BayesianRidge::PredictStd(const Eigen::VectorXd& row) const {
  Eigen::VectorXd t = Transform(row);
  return std::sqrt(t.dot(sigma_ * t) + 1.0 / alpha_);
}

nlohmann::json BayesianRidge::ToJson() const {
  nlohmann::json j;
  j["standardized"] = standardized_;
  if (standardized_) {
    j["mean"] = VectorToJson(scaler_.mean.transpose());
    j["scale"] = VectorToJson(scaler_.scale.transpose());
  }
  j["weights"] = VectorToJson(weights_);
  j["intercept"] = intercept_;
  j["alpha"] = alpha_;
  j["lambda"] = lambda_;
  j["sigma"] = MatrixToJson(sigma_);
  return j;
}

Result<BayesianRidge> BayesianRidge::FromJson(const nlohmann::json& j) {
  BayesianRidge m;
  if (!j.is_object()) return Status::InvalidArgument("bayesian ridge: expected a JSON object");
  Result<bool> standardized = JsonBool(j, "standardized");
  if (!standardized.ok()) return standardized.status().WithContext("bayesian ridge");
  m.standardized_ = *standardized;
  Result<Eigen::VectorXd> w = JsonVector(j, "weights");
  if (!w.ok()) return w.status().WithContext("bayesian ridge");
  m.weights_ = *w;
  const Eigen::Index p = m.weights_.size();
  if (m.standardized_) {
    Result<Eigen::VectorXd> mean = JsonVector(j, "mean", p);
    Result<Eigen::VectorXd> scale = JsonVector(j, "scale", p);
    if (!mean.ok()) return mean.status().WithContext("bayesian ridge");
    if (!scale.ok()) return scale.status().WithContext("bayesian ridge");
    if ((scale->array() <= 0).any()) return Status::InvalidArgument("bayesian ridge: scale must be > 0");
    m.scaler_.mean = mean->transpose();
    m.scaler_.scale = scale->transpose();
  }
  Result<double> intercept = JsonNumber(j, "intercept");
  Result<double> alpha = JsonNumber(j, "alpha");
  Result<double> lambda = JsonNumber(j, "lambda");
  for (const Result<double>* r : {&intercept, &alpha, &lambda})
    if (!r->ok()) return r->status().WithContext("bayesian ridge");
  if (!(*alpha > 0) || !(*lambda > 0)) return Status::InvalidArgument("bayesian ridge: alpha and lambda must be > 0");
  m.intercept_ = *intercept;
  m.alpha_ = *alpha;
  m.lambda_ = *lambda;
  Result<Eigen::MatrixXd> sigma = JsonMatrix(j, "sigma", p, p);
  if (!sigma.ok()) return sigma.status().WithContext("bayesian ridge");
  m.sigma_ = *sigma;
  return m;
}

}  // namespace acesniper
