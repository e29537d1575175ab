#include "acesniper/model/cost_prior.h"

#include <algorithm>
#include <cmath>

#include "acesniper/analyze/features.h"
#include "acesniper/model/json_eigen.h"
#include "acesniper/model/nonnegative_fit.h"

namespace acesniper {

namespace {

std::vector<std::string> BuildCostTermNames() {
  std::vector<std::string> names;
  for (const FeatureDef& d : FeatureDefs())
    if (IsLayerCostFeature(d)) names.push_back(d.name);
  // Fully connected FLOPs enter as cost_fc_reuse_flops (a layer cost term, schema v4), not as
  // flops_fc: a platform trained on batch-1 classifiers alone would price a transformer's
  // products by the FLOPs of its weight reads (docs/model.md, "Training on both machines").
  for (const char* n : {"flops_matmul", "struct_layers", "count_fc", "count_batchnorm", "count_layernorm",
                        "count_activation", "count_add", "count_mul", "count_concat", "count_pool_avg", "count_pool_max",
                        "count_softmax", "count_matmul", "count_other", "count_layout"})
    names.push_back(n);
  return names;
}

Result<int> FeatureColumn(const std::string& name) {
  const int c = FeatureIndex(name);
  if (c < 0) return Status::InvalidArgument("unknown feature '" + name + "'");
  return c;
}

Eigen::VectorXd Terms(const std::vector<int>& columns, const std::vector<double>& features) {
  Eigen::VectorXd t(static_cast<Eigen::Index>(columns.size()));
  for (size_t j = 0; j < columns.size(); ++j)
    t(static_cast<Eigen::Index>(j)) = std::max(0.0, features[static_cast<size_t>(columns[j])]);
  return t;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// a_0 + sum_k a_k basis_k, unclamped.
double MixtureSum(const std::vector<double>& hc, const Eigen::VectorXd& basis_ms) {
  double ms = hc.empty() ? 0 : hc[0];
  for (Eigen::Index k = 0; k < basis_ms.size() && static_cast<size_t>(k) + 1 < hc.size(); ++k)
    ms += hc[static_cast<size_t>(k) + 1] * basis_ms(k);
  return ms;
}

}  // namespace

const std::vector<std::string>& CostTermNames() {
  static const std::vector<std::string> names = BuildCostTermNames();
  return names;
}

const std::vector<std::string>& CostFamilyNames() {
  static const std::vector<std::string> names = {"conv", "elementwise", "fc_matmul", "per_layer"};
  return names;
}

int CostTermFamily(const std::string& term) {
  const std::vector<std::string>& terms = CostTermNames();
  if (std::find(terms.begin(), terms.end(), term) == terms.end()) return -1;
  if (StartsWith(term, "cost_conv_")) return 0;
  if (StartsWith(term, "cost_elements_")) return 1;
  if (term == "flops_matmul" || StartsWith(term, "cost_fc_")) return 2;
  return 3;  // layer counts: a fixed cost per layer
}

Eigen::VectorXd CostPrior::Basis(const std::vector<double>& features) const {
  const Eigen::VectorXd t = Terms(columns, features);
  const auto m = static_cast<Eigen::Index>(columns.size());
  return weights.leftCols(m) * t + weights.col(m);
}

Eigen::VectorXd CostPrior::FamilyBasis(const std::vector<double>& features) const {
  const Eigen::VectorXd t = Terms(columns, features);
  const auto g = static_cast<Eigen::Index>(CostFamilyNames().size());
  const auto m = static_cast<Eigen::Index>(columns.size());
  // Each term's cost on every basis model (K x m), summed into its family's column (K x G).
  const Eigen::MatrixXd cost = weights.leftCols(m).array().rowwise() * t.transpose().array();
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out = Eigen::MatrixXd::Zero(weights.rows(), g);
  for (Eigen::Index j = 0; j < m; ++j) out.col(families[static_cast<size_t>(j)]) += cost.col(j);
  return Eigen::Map<const Eigen::VectorXd>(out.data(), out.size());  // entry k * G + g
}

Eigen::VectorXd CostPrior::BasisFromFamilies(const Eigen::VectorXd& family_ms) const {
  const auto g = static_cast<Eigen::Index>(CostFamilyNames().size());
  Eigen::VectorXd basis = weights.col(static_cast<Eigen::Index>(columns.size()));
  for (Eigen::Index k = 0; k < basis.size(); ++k) basis(k) += family_ms.segment(k * g, g).sum();
  return basis;
}

nlohmann::json CostPrior::ToJson() const {
  std::vector<std::string> names;
  for (int c : columns) names.push_back(FeatureDefs()[static_cast<size_t>(c)].name);
  return {{"terms", names}, {"platforms", platforms}, {"weights", MatrixToJson(weights)}};
}

Result<CostPrior> CostPrior::FromJson(const nlohmann::json& j) {
  auto fail = [](const Status& s) { return s.WithContext("cost prior"); };
  if (!j.is_object()) return Status::InvalidArgument("cost prior: expected a JSON object");
  CostPrior p;
  try {
    for (const std::string& name : j.at("terms").get<std::vector<std::string>>()) {
      Result<int> c = FeatureColumn(name);
      if (!c.ok()) return fail(c.status());
      const int family = CostTermFamily(name);
      if (family < 0) return Status::InvalidArgument("cost prior: '" + name + "' is not a cost term");
      p.columns.push_back(*c);
      p.families.push_back(family);
    }
    p.platforms = j.at("platforms").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("cost prior: 'terms' and 'platforms' must be arrays of names: ") + e.what());
  }
  if (p.platforms.empty()) return Status::InvalidArgument("cost prior: no platforms");
  Result<Eigen::MatrixXd> w = JsonMatrix(j, "weights", static_cast<Eigen::Index>(p.platforms.size()),
                                         static_cast<Eigen::Index>(p.columns.size() + 1));
  if (!w.ok()) return fail(w.status());
  if (!w->allFinite() || (w->array() < 0).any()) return Status::InvalidArgument("cost prior: weights must be finite and >= 0");
  p.weights = *w;
  return p;
}

Result<CostPrior> FitCostPrior(const LatencyDataset& data, const std::vector<int>& platforms,
                               const std::vector<int>& networks) {
  CostPrior p;
  for (const std::string& name : CostTermNames()) {
    Result<int> c = FeatureColumn(name);
    if (!c.ok()) return c.status().WithContext("cost prior");
    p.columns.push_back(*c);
    p.families.push_back(CostTermFamily(name));
  }
  const auto m = static_cast<Eigen::Index>(p.columns.size());
  p.weights.resize(static_cast<Eigen::Index>(platforms.size()), m + 1);
  for (size_t k = 0; k < platforms.size(); ++k) {
    std::vector<int> rows;
    for (int i : networks)
      if (std::isfinite(data.latency_ms(i, platforms[k])) && data.latency_ms(i, platforms[k]) > 0) rows.push_back(i);
    const std::string& name = data.platforms[static_cast<size_t>(platforms[k])];
    if (rows.size() < 10)
      return Status::InvalidArgument("cost prior: platform '" + name + "' has " + std::to_string(rows.size()) +
                                     " measured training networks; need at least 10");
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), m);
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    for (size_t r = 0; r < rows.size(); ++r) {
      x.row(static_cast<Eigen::Index>(r)) = Terms(p.columns, data.networks[static_cast<size_t>(rows[r])].values).transpose();
      y(static_cast<Eigen::Index>(r)) = data.latency_ms(rows[r], platforms[k]);
    }
    Result<NonNegativeFit> fit = FitNonNegativeRelative(x, y);
    if (!fit.ok()) return fit.status().WithContext("cost prior of platform '" + name + "'");
    p.weights.row(static_cast<Eigen::Index>(k)).head(m) = fit->weights.transpose();
    p.weights(static_cast<Eigen::Index>(k), m) = fit->intercept;
    p.platforms.push_back(name);
  }
  return p;
}

Result<std::vector<double>> FitCostMixture(const Eigen::MatrixXd& basis_ms, const Eigen::VectorXd& y,
                                           const std::vector<bool>& use) {
  if (basis_ms.rows() != y.size() || static_cast<size_t>(basis_ms.cols()) != use.size())
    return Status::InvalidArgument("cost mixture: shapes disagree");
  if (basis_ms.rows() < 3) return Status::InvalidArgument("cost mixture: need at least 3 reference latencies");
  std::vector<Eigen::Index> used;
  for (size_t k = 0; k < use.size(); ++k)
    if (use[k]) used.push_back(static_cast<Eigen::Index>(k));
  Eigen::MatrixXd x(basis_ms.rows(), static_cast<Eigen::Index>(used.size()));
  for (size_t c = 0; c < used.size(); ++c) x.col(static_cast<Eigen::Index>(c)) = basis_ms.col(used[c]).cwiseMax(0.0);
  NonNegativeFitOptions options;
  options.lambda = 1e-3;
  Result<NonNegativeFit> fit = FitNonNegativeRelative(x, y, options);
  if (!fit.ok()) return fit.status().WithContext("cost mixture");
  std::vector<double> hc(use.size() + 1, 0.0);
  hc[0] = fit->intercept;
  for (size_t c = 0; c < used.size(); ++c) hc[static_cast<size_t>(used[c]) + 1] = fit->weights(static_cast<Eigen::Index>(c));
  return hc;
}

double MixtureLatency(const std::vector<double>& hc, const Eigen::VectorXd& basis_ms) {
  return std::max(MixtureSum(hc, basis_ms), 1e-3);
}

Eigen::VectorXd MixtureFamilies(const std::vector<double>& hc, const Eigen::VectorXd& family_ms) {
  const auto g = static_cast<Eigen::Index>(CostFamilyNames().size());
  Eigen::VectorXd out = Eigen::VectorXd::Zero(g);
  for (Eigen::Index k = 0; (k + 1) * g <= family_ms.size() && static_cast<size_t>(k) + 1 < hc.size(); ++k)
    out += hc[static_cast<size_t>(k) + 1] * family_ms.segment(k * g, g);
  return out;
}

double PriorLatency(const std::vector<double>& hc, const std::vector<double>& hk, const Eigen::VectorXd& basis_ms,
                    const Eigen::VectorXd& family_ms) {
  if (hk.empty()) return MixtureLatency(hc, basis_ms);
  double ms = MixtureSum(hc, basis_ms);
  // sum_g (hk_g - 1) sum_k a_k family_kg, without a temporary: this runs once per (network, node).
  const auto g = static_cast<Eigen::Index>(hk.size());
  for (Eigen::Index k = 0; (k + 1) * g <= family_ms.size() && static_cast<size_t>(k) + 1 < hc.size(); ++k) {
    double extra = 0;
    for (Eigen::Index f = 0; f < g; ++f) extra += (hk[static_cast<size_t>(f)] - 1) * family_ms(k * g + f);
    ms += hc[static_cast<size_t>(k) + 1] * extra;
  }
  return std::max(ms, 1e-3);
}

Result<std::vector<double>> FitFamilyFactors(const Eigen::VectorXd& mixture_ms, const Eigen::MatrixXd& mixture_family_ms,
                                             const Eigen::VectorXd& y, double lambda) {
  if (mixture_ms.size() != y.size() || mixture_family_ms.rows() != y.size())
    return Status::InvalidArgument("family factors: shapes disagree");
  if (!(lambda > 0)) return Status::InvalidArgument("family factors: lambda must be > 0");
  if (!mixture_ms.allFinite() || !mixture_family_ms.allFinite() || !y.allFinite() || (y.array() <= 0).any())
    return Status::InvalidArgument("family factors: latencies must be finite and > 0");
  // Relative residual r = (y - m) / y against shares m_g / y: e solves (A'A + lambda I) e = A'r.
  const Eigen::MatrixXd a = mixture_family_ms.array().colwise() / y.array();
  const Eigen::VectorXd r = ((y - mixture_ms).array() / y.array()).matrix();
  const Eigen::MatrixXd lhs = a.transpose() * a + lambda * Eigen::MatrixXd::Identity(a.cols(), a.cols());
  const Eigen::VectorXd e = lhs.ldlt().solve(a.transpose() * r);
  std::vector<double> hk;
  for (Eigen::Index g = 0; g < e.size(); ++g) hk.push_back(std::isfinite(e(g)) ? std::max(0.1, 1 + e(g)) : 1.0);
  return hk;
}

}  // namespace acesniper
