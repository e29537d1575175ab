#include "acesniper/hrm/hrm.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>

#include "acesniper/common/sha256.h"
#include "acesniper/model/bayesian_ridge.h"
#include "acesniper/model/cost_prior.h"
#include "acesniper/model/json_eigen.h"

namespace acesniper {

namespace {

// Six significant digits keeps a vector short enough for an annotation and far below the
// measurement noise (about 1 %).
double Round6(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

nlohmann::json Rounded(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(Round6(x));
  return a;
}

Result<std::vector<double>> JsonStdVector(const nlohmann::json& j, const std::string& key) {
  Result<Eigen::VectorXd> v = JsonVector(j, key);
  if (!v.ok()) return v.status();
  return std::vector<double>(v->data(), v->data() + v->size());
}

}  // namespace

double NormalizeLatency(double ms, double min_ms, double max_ms) {
  return (std::log(ms) - std::log(min_ms)) / (std::log(max_ms) - std::log(min_ms));
}

double DenormalizeLatency(double z, double min_ms, double max_ms) {
  return std::exp(std::log(min_ms) + z * (std::log(max_ms) - std::log(min_ms)));
}

std::string HrmSpec::Id() const { return Sha256Hex(ToJson().dump()).substr(0, 16); }

nlohmann::json HrmSpec::ToJson() const {
  nlohmann::json j;
  j["schema"] = kHrmSpecSchema;
  j["reference_networks"] = reference_networks;
  j["hg_features"] = hg_features;
  j["input_mean"] = VectorToJson(input_scaler.mean.transpose());
  j["input_scale"] = VectorToJson(input_scaler.scale.transpose());
  j["reference_inputs"] = MatrixToJson(reference_inputs);
  j["singular"] = singular;
  if (!cost_platforms.empty()) {
    j["cost_platforms"] = cost_platforms;
    j["cost_platform_ids"] = cost_platform_ids;
    j["reference_cost_ms"] = MatrixToJson(reference_cost_ms);
    if (!cost_families.empty()) {
      j["cost_families"] = cost_families;
      j["reference_family_ms"] = MatrixToJson(reference_family_ms);
    }
  }
  return j;
}

Result<HrmSpec> HrmSpec::FromJson(const nlohmann::json& j) {
  auto fail = [](const Status& s) { return s.WithContext("HRM spec"); };
  Result<std::string> schema = JsonString(j, "schema");
  if (!schema.ok()) return fail(schema.status());
  if (*schema != kHrmSpecSchema)
    return Status::InvalidArgument("HRM spec: schema '" + *schema + "' is not " + kHrmSpecSchema);
  HrmSpec s;
  try {
    s.reference_networks = j.at("reference_networks").get<std::vector<std::string>>();
    s.hg_features = j.at("hg_features").get<std::vector<std::string>>();
    s.singular = j.at("singular").get<std::vector<int>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("HRM spec: reference_networks, hg_features or singular: ") + e.what());
  }
  if (s.reference_networks.empty()) return Status::InvalidArgument("HRM spec: no reference networks");
  const auto d = static_cast<Eigen::Index>(s.reference_networks.size());
  const auto f = static_cast<Eigen::Index>(s.hg_features.size());
  Result<Eigen::VectorXd> mean = JsonVector(j, "input_mean", f);
  Result<Eigen::VectorXd> scale = JsonVector(j, "input_scale", f);
  if (!mean.ok()) return fail(mean.status());
  if (!scale.ok()) return fail(scale.status());
  if ((scale->array() <= 0).any()) return Status::InvalidArgument("HRM spec: input_scale must be > 0");
  s.input_scaler.mean = mean->transpose();
  s.input_scaler.scale = scale->transpose();
  Result<Eigen::MatrixXd> inputs = JsonMatrix(j, "reference_inputs", d, f);
  if (!inputs.ok()) return fail(inputs.status());
  s.reference_inputs = *inputs;
  for (int i : s.singular)
    if (i < 0 || i >= d) return Status::InvalidArgument("HRM spec: singular index " + std::to_string(i) + " out of range");
  if (j.contains("cost_platforms")) {
    try {
      s.cost_platforms = j.at("cost_platforms").get<std::vector<std::string>>();
      s.cost_platform_ids = j.at("cost_platform_ids").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(std::string("HRM spec: cost_platforms and cost_platform_ids: ") + e.what());
    }
    if (s.cost_platforms.empty()) return Status::InvalidArgument("HRM spec: cost_platforms is empty");
    if (s.cost_platform_ids.size() != s.cost_platforms.size())
      return Status::InvalidArgument("HRM spec: cost_platform_ids must name one id per cost platform");
    Result<Eigen::MatrixXd> cost = JsonMatrix(j, "reference_cost_ms", d, static_cast<Eigen::Index>(s.cost_platforms.size()));
    if (!cost.ok()) return fail(cost.status());
    if (!cost->allFinite() || (cost->array() < 0).any())
      return Status::InvalidArgument("HRM spec: reference_cost_ms must be finite and >= 0");
    s.reference_cost_ms = *cost;
    if (j.contains("cost_families")) {
      try {
        s.cost_families = j.at("cost_families").get<std::vector<std::string>>();
      } catch (const nlohmann::json::exception& e) {
        return Status::InvalidArgument(std::string("HRM spec: cost_families: ") + e.what());
      }
      if (s.cost_families != CostFamilyNames())
        return Status::InvalidArgument("HRM spec: cost_families must be exactly the families this version knows");
      const auto columns = static_cast<Eigen::Index>(s.cost_platforms.size() * s.cost_families.size());
      Result<Eigen::MatrixXd> family = JsonMatrix(j, "reference_family_ms", d, columns);
      if (!family.ok()) return fail(family.status());
      if (!family->allFinite() || (family->array() < 0).any())
        return Status::InvalidArgument("HRM spec: reference_family_ms must be finite and >= 0");
      s.reference_family_ms = *family;
    }
  } else if (j.contains("cost_families")) {
    return Status::InvalidArgument("HRM spec: cost_families without cost_platforms");
  }
  return s;
}

std::vector<double> HrmVector::Concatenated() const {
  std::vector<double> v = hg;
  v.insert(v.end(), hs.begin(), hs.end());
  return v;
}

nlohmann::json HrmVector::ToJson() const {
  nlohmann::json j;
  j["schema"] = kHrmSchema;
  j["spec"] = spec_id;
  j["platform"] = platform;
  j["platform_id"] = platform_id;
  j["measured"] = measured;
  j["range_ms"] = {Round6(min_ms), Round6(max_ms)};
  j["hg"] = Rounded(hg);
  j["hs"] = Rounded(hs);
  if (!hc.empty()) j["hc"] = Rounded(hc);
  if (!hk.empty()) j["hk"] = Rounded(hk);
  if (!unsupported.empty()) j["unsupported"] = unsupported;
  return j;
}

std::string HrmVector::ToCompactString() const { return ToJson().dump(); }

Result<HrmVector> HrmVector::FromJson(const nlohmann::json& j) {
  auto fail = [](const Status& s) { return s.WithContext("HRM vector"); };
  if (!j.is_object()) return Status::InvalidArgument("HRM vector: expected a JSON object");
  Result<std::string> schema = JsonString(j, "schema");
  if (!schema.ok()) return fail(schema.status());
  if (*schema != kHrmSchema)
    return Status::InvalidArgument("HRM vector: schema '" + *schema + "' is not " + kHrmSchema);
  HrmVector v;
  Result<std::string> spec = JsonString(j, "spec");
  Result<std::string> platform = JsonString(j, "platform");
  Result<std::string> platform_id = JsonString(j, "platform_id");
  for (const Result<std::string>* r : {&spec, &platform, &platform_id})
    if (!r->ok()) return fail(r->status());
  v.spec_id = *spec;
  v.platform = *platform;
  v.platform_id = *platform_id;
  Result<int64_t> measured = JsonInteger(j, "measured");
  if (!measured.ok()) return fail(measured.status());
  if (*measured < 3 || *measured > 1000000) return Status::InvalidArgument("HRM vector: 'measured' out of range");
  v.measured = static_cast<int>(*measured);
  Result<Eigen::VectorXd> range = JsonVector(j, "range_ms", 2);
  if (!range.ok()) return fail(range.status());
  v.min_ms = (*range)(0);
  v.max_ms = (*range)(1);
  if (!(v.min_ms > 0) || !(v.max_ms > v.min_ms))
    return Status::InvalidArgument("HRM vector: range_ms must satisfy 0 < min < max");
  Result<std::vector<double>> hg = JsonStdVector(j, "hg");
  Result<std::vector<double>> hs = JsonStdVector(j, "hs");
  if (!hg.ok()) return fail(hg.status());
  if (!hs.ok()) return fail(hs.status());
  if (hg->empty()) return Status::InvalidArgument("HRM vector: 'hg' is empty");
  v.hg = *hg;
  v.hs = *hs;
  if (j.contains("hc")) {
    Result<std::vector<double>> hc = JsonStdVector(j, "hc");
    if (!hc.ok()) return fail(hc.status());
    for (double x : *hc)
      if (!(x >= 0)) return Status::InvalidArgument("HRM vector: 'hc' weights must be >= 0");
    if (hc->size() < 2) return Status::InvalidArgument("HRM vector: 'hc' needs an intercept and at least one weight");
    v.hc = *hc;
  }
  if (j.contains("hk")) {
    Result<std::vector<double>> hk = JsonStdVector(j, "hk");
    if (!hk.ok()) return fail(hk.status());
    if (hk->empty()) return Status::InvalidArgument("HRM vector: 'hk' is empty");
    for (double x : *hk)
      if (!(x > 0)) return Status::InvalidArgument("HRM vector: 'hk' factors must be > 0");
    v.hk = *hk;
  }
  if (auto u = j.find("unsupported"); u != j.end()) {
    if (!u->is_array()) return Status::InvalidArgument("HRM vector: 'unsupported' must be an array of feature names");
    for (const nlohmann::json& name : *u) {
      if (!name.is_string() || name.get<std::string>().rfind("count_", 0) != 0)
        return Status::InvalidArgument("HRM vector: 'unsupported' entries must be count_* feature names");
      v.unsupported.push_back(name.get<std::string>());
    }
  }
  return v;
}

Result<HrmVector> HrmVector::Parse(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("HRM vector: not valid JSON");
  return FromJson(j);
}

Status HrmVector::CheckAgainst(const HrmSpec& spec) const {
  if (spec_id != spec.Id())
    return Status::InvalidArgument("HRM vector of platform '" + platform + "' was fitted for spec " + spec_id +
                                   ", the model's spec is " + spec.Id() + ": re-run the reference benchmark");
  return CheckSizes(spec);
}

Status HrmVector::CheckSizes(const HrmSpec& spec) const {
  if (hg.size() != spec.hg_features.size() + 1 || hs.size() != spec.singular.size() ||
      hc.size() != spec.hc_size() || hk.size() != spec.cost_families.size())
    return Status::InvalidArgument("HRM vector of platform '" + platform + "' has the wrong number of values");
  return Status::Ok();
}

Result<HrmVector> FitHrm(const HrmSpec& spec, const HrmFitInput& input) {
  const size_t d = spec.d();
  if (input.latency_ms.size() != d)
    return Status::InvalidArgument("HRM fit: " + std::to_string(input.latency_ms.size()) + " latencies for " +
                                   std::to_string(d) + " reference networks");
  std::vector<int> rows;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (size_t i = 0; i < d; ++i) {
    double y = input.latency_ms[i];
    if (std::isfinite(y) && y > 0) {
      rows.push_back(static_cast<int>(i));
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
  }
  if (rows.size() < 3)
    return Status::InvalidArgument("HRM fit: platform '" + input.platform + "' has " + std::to_string(rows.size()) +
                                   " measured reference networks; need at least 3");
  if (!(hi > lo)) return Status::InvalidArgument("HRM fit: all reference latencies are equal");
  HrmVector v;
  v.spec_id = spec.Id();
  v.platform = input.platform;
  v.platform_id = input.platform_id;
  v.measured = static_cast<int>(rows.size());
  v.min_ms = lo;
  v.max_ms = hi;
  // With a cost prior: first the mixture weights (hc), then Hg and Hs describe the platform's
  // departure from its prior, y* - prior*, instead of y* itself.
  std::vector<double> prior_z(d, 0.0);
  if (!spec.cost_platforms.empty()) {
    Eigen::MatrixXd basis(static_cast<Eigen::Index>(rows.size()), spec.reference_cost_ms.cols());
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    for (size_t k = 0; k < rows.size(); ++k) {
      basis.row(static_cast<Eigen::Index>(k)) = spec.reference_cost_ms.row(rows[k]);
      y(static_cast<Eigen::Index>(k)) = input.latency_ms[static_cast<size_t>(rows[k])];
    }
    std::vector<bool> use;
    for (const std::string& id : spec.cost_platform_ids) use.push_back(input.platform_id.empty() || id != input.platform_id);
    Result<std::vector<double>> hc = FitCostMixture(basis, y, use);
    if (!hc.ok()) return hc.status().WithContext("HRM fit");
    v.hc = *hc;
    auto family_row = [&](size_t r) -> Eigen::VectorXd {
      if (spec.cost_families.empty()) return Eigen::VectorXd();
      return spec.reference_family_ms.row(static_cast<Eigen::Index>(r)).transpose();
    };
    if (!spec.cost_families.empty()) {
      Eigen::VectorXd mixture(static_cast<Eigen::Index>(rows.size()));
      Eigen::MatrixXd by_family(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(spec.cost_families.size()));
      for (size_t k = 0; k < rows.size(); ++k) {
        const auto r = static_cast<size_t>(rows[k]);
        mixture(static_cast<Eigen::Index>(k)) = MixtureLatency(v.hc, spec.reference_cost_ms.row(static_cast<Eigen::Index>(r)).transpose());
        by_family.row(static_cast<Eigen::Index>(k)) = MixtureFamilies(v.hc, family_row(r)).transpose();
      }
      Result<std::vector<double>> hk = FitFamilyFactors(mixture, by_family, y);
      if (!hk.ok()) return hk.status().WithContext("HRM fit");
      v.hk = *hk;
    }
    for (size_t r = 0; r < d; ++r)
      prior_z[r] = NormalizeLatency(PriorLatency(v.hc, v.hk, spec.reference_cost_ms.row(static_cast<Eigen::Index>(r)).transpose(), family_row(r)), lo, hi);
  }
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), spec.reference_inputs.cols());
  Eigen::VectorXd z(static_cast<Eigen::Index>(rows.size()));
  for (size_t k = 0; k < rows.size(); ++k) {
    x.row(static_cast<Eigen::Index>(k)) = spec.reference_inputs.row(rows[k]);
    z(static_cast<Eigen::Index>(k)) = NormalizeLatency(input.latency_ms[static_cast<size_t>(rows[k])], lo, hi) -
                                      prior_z[static_cast<size_t>(rows[k])];
  }
  // The spec's inputs are standardised already: the prior applies to them as they are. Without
  // key features (HELP's encoding) the general part is just the mean.
  std::function<double(int)> general = [&](int) { return z.mean(); };
  std::optional<BayesianRidge> fit;
  if (x.cols() == 0) {
    v.hg.push_back(z.mean());
  } else {
    BayesianRidgeOptions options;
    options.standardize = false;
    Result<BayesianRidge> r = BayesianRidge::Fit(x, z, options);
    if (!r.ok()) return r.status().WithContext("HRM fit");
    fit.emplace(std::move(r).value());
    v.hg.push_back(fit->intercept());
    for (Eigen::Index i = 0; i < fit->weights().size(); ++i) v.hg.push_back(fit->weights()(i));
    general = [&](int row) { return fit->Predict(Eigen::VectorXd(spec.reference_inputs.row(row).transpose())); };
  }
  for (int s : spec.singular) {
    double y = input.latency_ms[static_cast<size_t>(s)];
    v.hs.push_back(std::isfinite(y) && y > 0 ? NormalizeLatency(y, lo, hi) - prior_z[static_cast<size_t>(s)] : general(s));
  }
  return v;
}

std::vector<int> SelectSingularNetworks(const Eigen::MatrixXd& normalized_latency, int count) {
  std::vector<int> picked;
  const Eigen::Index d = normalized_latency.cols();
  if (normalized_latency.rows() < 2 || d == 0 || count <= 0) return picked;
  Eigen::MatrixXd centered = normalized_latency.rowwise() - normalized_latency.colwise().mean();
  Eigen::MatrixXd r = centered.transpose() * centered / static_cast<double>(normalized_latency.rows() - 1);
  std::vector<bool> used(static_cast<size_t>(d), false);
  const double floor = 1e-12 * std::max(1.0, r.diagonal().maxCoeff());
  for (int k = 0; k < count && k < d; ++k) {
    Eigen::Index best = -1;
    double best_v = floor;
    for (Eigen::Index j = 0; j < d; ++j)
      if (!used[static_cast<size_t>(j)] && r(j, j) > best_v) {
        best_v = r(j, j);
        best = j;
      }
    if (best < 0) break;
    used[static_cast<size_t>(best)] = true;
    picked.push_back(static_cast<int>(best));
    Eigen::VectorXd c = r.col(best);
    r -= c * c.transpose() / best_v;
  }
  return picked;
}

}  // namespace acesniper
