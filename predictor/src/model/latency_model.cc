#include "acesniper/model/latency_model.h"

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "acesniper/analyze/features.h"
#include "acesniper/common/read_file.h"
#include "acesniper/model/json_eigen.h"
#include "acesniper/model/latency_dataset.h"
#include "acesniper/model/structure_checker.h"

namespace acesniper {

namespace {

// FeatureDefs() indices of a JSON array of feature names.
Result<std::vector<int>> ColumnsOf(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return Status::InvalidArgument("'" + key + "' must be an array of feature names");
  std::vector<int> cols;
  for (const nlohmann::json& n : *it) {
    if (!n.is_string()) return Status::InvalidArgument("'" + key + "' must be an array of feature names");
    const int col = FeatureIndex(n.get<std::string>());
    if (col < 0) return Status::InvalidArgument("'" + key + "': unknown feature '" + n.get<std::string>() + "'");
    cols.push_back(col);
  }
  return cols;
}

}  // namespace

const char* PredictionRouteName(PredictionRoute r) {
  switch (r) {
    case PredictionRoute::kPcn: return "pcn";
    case PredictionRoute::kLinear: return "linear";
    case PredictionRoute::kPrior: return "prior";
    case PredictionRoute::kNotRunnable: return "not-runnable";
  }
  return "?";
}

namespace {

// Selected entries of a full network input row (NetworkInputRow).
Eigen::VectorXd Select(const Eigen::VectorXd& all, const std::vector<int>& columns) {
  Eigen::VectorXd raw(static_cast<Eigen::Index>(columns.size()));
  for (size_t k = 0; k < columns.size(); ++k) raw(static_cast<Eigen::Index>(k)) = all(columns[k]);
  return raw;
}

}  // namespace

Status LatencyModel::AttachPcn(nlohmann::json parameters) {
  Result<PcnInference> fast = PcnInference::FromJson(parameters);
  if (!fast.ok()) return fast.status();
  pcn_parameters = std::move(parameters);
  inference = std::make_shared<const PcnInference>(std::move(fast).value());
  return Status::Ok();
}

Result<std::vector<LatencyPrediction>> LatencyModel::Predict(const std::vector<PredictionQuery>& queries) const {
  if (!inference && cost_prior.empty()) return Status::Internal("latency model has no PCN");
  const size_t f = FeatureDefs().size();
  int flops_column = -1;
  for (size_t j = 0; j < f; ++j)
    if (std::string(FeatureDefs()[j].name) == "flops_total") flops_column = static_cast<int>(j);
  const std::string id = spec_id.empty() ? spec.Id() : spec_id;
  std::vector<LatencyPrediction> out(queries.size());
  std::vector<size_t> pcn_rows;
  PcnInputs in;
  // A batch usually asks about few networks on many platforms (one pod, every node): each
  // network's model inputs are computed once.
  struct NetworkInputs {
    Eigen::VectorXd key, basis_ms, family_ms;
    Eigen::VectorXf key_f, net;
  };
  std::vector<double> prior_z;  // per PCN row: the prior, normalised (cost prior only)
  std::unordered_map<const std::vector<double>*, NetworkInputs> inputs_of;
  for (size_t q = 0; q < queries.size(); ++q) {
    const PredictionQuery& query = queries[q];
    if (!query.features || !query.hrm) return Status::InvalidArgument("prediction query " + std::to_string(q) + " is empty");
    if (query.features->size() != f)
      return Status::InvalidArgument("prediction query " + std::to_string(q) + ": " + std::to_string(query.features->size()) +
                                     " features, the model's schema " + feature_schema + " has " + std::to_string(f));
    const HrmVector& h = *query.hrm;
    if (h.spec_id != id) return h.CheckAgainst(spec);  // names both spec ids
    if (Status sizes = h.CheckSizes(spec); !sizes.ok()) return sizes;
    if (!IsRunnable(*query.features, h.unsupported)) {
      out[q] = {std::numeric_limits<double>::infinity(), PredictionRoute::kNotRunnable};
      continue;
    }
    auto [it, fresh] = inputs_of.try_emplace(query.features);
    if (fresh) {
      const Eigen::VectorXd all = NetworkInputRow(*query.features);
      it->second.key = spec.input_scaler.ApplyRow(Select(all, key_columns));
      it->second.key_f = it->second.key.cast<float>();
      it->second.net = network_scaler.ApplyRow(Select(all, network_columns)).cast<float>();
      if (!spec.cost_families.empty()) {
        it->second.family_ms = cost_prior.FamilyBasis(*query.features);
        it->second.basis_ms = cost_prior.BasisFromFamilies(it->second.family_ms);
      } else if (!cost_prior.empty()) {
        it->second.basis_ms = cost_prior.Basis(*query.features);
      }
    }
    const Eigen::VectorXd& key = it->second.key;
    // The prior, normalised (0 without one): hg, hs and the PCN all describe the departure from it.
    const double prior =
        cost_prior.empty() ? 0.0 : NormalizeLatency(PriorLatency(h.hc, h.hk, it->second.basis_ms, it->second.family_ms), h.min_ms, h.max_ms);
    if ((*query.features)[static_cast<size_t>(flops_column)] < small_flops) {
      double z = prior + h.hg[0];
      for (Eigen::Index k = 0; k < key.size(); ++k) z += h.hg[static_cast<size_t>(k) + 1] * key(k);
      out[q] = {DenormalizeLatency(z, h.min_ms, h.max_ms), PredictionRoute::kLinear};
      continue;
    }
    if (!inference) {  // prior only
      out[q] = {DenormalizeLatency(prior, h.min_ms, h.max_ms), PredictionRoute::kPrior};
      continue;
    }
    if (!cost_prior.empty()) prior_z.push_back(prior);
    const Eigen::VectorXf& net = it->second.net;
    in.network.insert(in.network.end(), net.data(), net.data() + net.size());
    in.key.insert(in.key.end(), it->second.key_f.data(), it->second.key_f.data() + key.size());
    for (double v : h.hg) in.hg.push_back(static_cast<float>(v));
    for (double v : h.hs) in.hs.push_back(static_cast<float>(v));
    pcn_rows.push_back(q);
  }
  in.n = pcn_rows.size();
  if (in.n > 0) {
    Result<std::vector<double>> z = inference->Predict(in);
    if (!z.ok()) return z.status();
    for (size_t r = 0; r < pcn_rows.size(); ++r) {
      const HrmVector& h = *queries[pcn_rows[r]].hrm;
      const double correction_base = prior_z.empty() ? 0.0 : prior_z[r];
      out[pcn_rows[r]] = {DenormalizeLatency(correction_base + (*z)[r], h.min_ms, h.max_ms), PredictionRoute::kPcn};
    }
  }
  return out;
}

nlohmann::json LatencyModel::ToJson() const {
  nlohmann::json j;
  j["schema"] = kLatencyModelSchema;
  j["feature_schema"] = feature_schema;
  std::vector<std::string> net_names;
  for (int c : network_columns) net_names.push_back(FeatureDefs()[static_cast<size_t>(c)].name);
  j["network_features"] = net_names;
  j["network_mean"] = VectorToJson(network_scaler.mean.transpose());
  j["network_scale"] = VectorToJson(network_scaler.scale.transpose());
  std::vector<std::string> keys;
  for (int c : key_columns) keys.push_back(FeatureDefs()[static_cast<size_t>(c)].name);
  j["key_features"] = keys;
  j["hrm_spec"] = spec.ToJson();
  j["small_flops"] = small_flops;
  j["training"] = training;
  if (inference) j["pcn"] = pcn_parameters;
  if (!cost_prior.empty()) j["cost_prior"] = cost_prior.ToJson();
  if (!inference && !cost_prior.empty()) j["prior_only"] = true;
  return j;
}

Result<LatencyModel> LatencyModel::FromJson(const nlohmann::json& j) {
  auto fail = [](const Status& s) { return s.WithContext("latency model"); };
  Result<std::string> schema = JsonString(j, "schema");
  if (!schema.ok()) return fail(schema.status());
  if (*schema != kLatencyModelSchema)
    return Status::InvalidArgument("latency model: schema '" + *schema + "' is not " + kLatencyModelSchema);
  LatencyModel m;
  Result<std::string> fs = JsonString(j, "feature_schema");
  if (!fs.ok()) return fail(fs.status());
  if (*fs != kFeatureSchema)
    return Status::InvalidArgument("latency model: trained on feature schema '" + *fs + "', this build analyses " +
                                   kFeatureSchema);
  m.feature_schema = *fs;
  Result<std::vector<int>> net_cols = ColumnsOf(j, "network_features");
  if (!net_cols.ok()) return fail(net_cols.status());
  m.network_columns = *net_cols;
  const auto f = static_cast<Eigen::Index>(m.network_columns.size());
  Result<Eigen::VectorXd> mean = JsonVector(j, "network_mean", f);
  Result<Eigen::VectorXd> scale = JsonVector(j, "network_scale", f);
  if (!mean.ok()) return fail(mean.status());
  if (!scale.ok()) return fail(scale.status());
  if ((scale->array() <= 0).any()) return Status::InvalidArgument("latency model: network_scale must be > 0");
  m.network_scaler.mean = mean->transpose();
  m.network_scaler.scale = scale->transpose();
  Result<std::vector<int>> key_cols = ColumnsOf(j, "key_features");
  if (!key_cols.ok()) return fail(key_cols.status());
  m.key_columns = *key_cols;
  std::vector<std::string> keys = j["key_features"].get<std::vector<std::string>>();
  auto spec_it = j.find("hrm_spec");
  if (spec_it == j.end()) return Status::InvalidArgument("latency model: missing 'hrm_spec'");
  Result<HrmSpec> spec = HrmSpec::FromJson(*spec_it);
  if (!spec.ok()) return fail(spec.status());
  m.spec = std::move(spec).value();
  m.spec_id = m.spec.Id();
  if (m.spec.hg_features != keys)
    return Status::InvalidArgument("latency model: hrm_spec.hg_features differ from key_features");
  Result<double> small = JsonNumber(j, "small_flops");
  if (!small.ok()) return fail(small.status());
  m.small_flops = *small;
  m.training = j.value("training", nlohmann::json::object());
  if (auto prior_it = j.find("cost_prior"); prior_it != j.end()) {
    Result<CostPrior> prior = CostPrior::FromJson(*prior_it);
    if (!prior.ok()) return fail(prior.status());
    if (prior->platforms != m.spec.cost_platforms)
      return Status::InvalidArgument("latency model: cost_prior.platforms differ from hrm_spec.cost_platforms");
    m.cost_prior = std::move(prior).value();
  } else if (!m.spec.cost_platforms.empty()) {
    return Status::InvalidArgument("latency model: hrm_spec has cost_platforms but the model has no 'cost_prior'");
  }
  auto pcn_it = j.find("pcn");
  auto only_it = j.find("prior_only");
  if (only_it != j.end() && !only_it->is_boolean()) return Status::InvalidArgument("latency model: 'prior_only' must be true or false");
  if (only_it != j.end() && only_it->get<bool>()) {
    if (m.cost_prior.empty()) return Status::InvalidArgument("latency model: 'prior_only' without a 'cost_prior'");
    if (pcn_it != j.end()) return Status::InvalidArgument("latency model: 'prior_only' with a 'pcn'");
    return m;
  }
  if (pcn_it == j.end()) return Status::InvalidArgument("latency model: missing 'pcn'");
  Result<PcnInference> pcn = PcnInference::FromJson(*pcn_it);
  if (!pcn.ok()) return fail(pcn.status());
  const PcnDims& d = pcn->dims();
  if (d.network_features != f || d.key_features != static_cast<int>(keys.size()) ||
      d.singular != static_cast<int>(m.spec.singular.size()))
    return Status::InvalidArgument("latency model: the PCN's input sizes do not match its features and HRM spec");
  m.pcn_parameters = *pcn_it;
  m.inference = std::make_shared<const PcnInference>(std::move(pcn).value());
  return m;
}

Status LatencyModel::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write '" + tmp + "'");
    out << ToJson().dump() << "\n";
    out.flush();
    if (!out) return Status::IOError("cannot write '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename '" + tmp + "' to '" + path + "'");
  return Status::Ok();
}

Result<LatencyModel> LatencyModel::Load(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("'" + path + "' is not a latency model: not valid JSON");
  Result<LatencyModel> m = FromJson(j);
  if (!m.ok()) return m.status().WithContext("'" + path + "'");
  return m;
}

}  // namespace acesniper
