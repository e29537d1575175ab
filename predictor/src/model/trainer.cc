#include "acesniper/model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "acesniper/model/key_features.h"

namespace acesniper {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// FeatureDefs() indices of the named features; an unknown name is an error.
Result<std::vector<int>> FeatureColumns(const std::vector<std::string>& names) {
  std::vector<int> cols;
  for (const std::string& n : names) {
    const int col = FeatureIndex(n);
    if (col < 0) return Status::InvalidArgument("unknown feature '" + n + "'");
    cols.push_back(col);
  }
  return cols;
}

Standardizer Restrict(const Standardizer& s, const std::vector<int>& columns) {
  Standardizer r;
  r.mean.resize(static_cast<Eigen::Index>(columns.size()));
  r.scale.resize(static_cast<Eigen::Index>(columns.size()));
  for (size_t c = 0; c < columns.size(); ++c) {
    r.mean(static_cast<Eigen::Index>(c)) = s.mean(columns[c]);
    r.scale(static_cast<Eigen::Index>(c)) = s.scale(columns[c]);
  }
  return r;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

HrmFitInput ReferenceLatencies(const LatencyDataset& data, int platform, const HrmSpec& spec) {
  HrmFitInput in;
  in.platform = data.platforms[static_cast<size_t>(platform)];
  in.platform_id = data.platform_ids[static_cast<size_t>(platform)];
  for (const std::string& name : spec.reference_networks) {
    int i = data.FindNetwork(name);
    in.latency_ms.push_back(i < 0 ? kNaN : data.latency_ms(i, platform));
  }
  return in;
}

Result<LatencyModel> TrainLatencyModel(const LatencyDataset& data, const std::vector<int>& platforms,
                                       const std::vector<int>& networks, const TrainOptions& options,
                                       TrainReport* report) {
  TrainReport local;
  TrainReport& rep = report ? *report : local;
  if (platforms.empty()) return Status::InvalidArgument("training: no platforms");
  if (networks.empty()) return Status::InvalidArgument("training: no networks");
  if (options.reference_networks.size() < 3) return Status::InvalidArgument("training: need at least 3 reference networks");
  const auto start = std::chrono::steady_clock::now();
  LatencyModel model;
  model.feature_schema = kFeatureSchema;
  model.small_flops = options.small_flops;
  Eigen::MatrixXd raw = NetworkInputs(data);

  // 1. Network inputs: log1p features, standardised over the training networks.
  Eigen::MatrixXd train_raw(static_cast<Eigen::Index>(networks.size()), raw.cols());
  for (size_t k = 0; k < networks.size(); ++k) train_raw.row(static_cast<Eigen::Index>(k)) = raw.row(networks[k]);
  const Standardizer full_scaler = Standardizer::Fit(train_raw);
  Eigen::MatrixXd inputs = full_scaler.Apply(raw);
  Result<std::vector<int>> columns = FeatureColumns(options.network_features);
  if (!columns.ok()) return columns.status().WithContext("training: network features");
  model.network_columns = *columns;
  std::vector<int> structure_columns;  // every feature but the layer cost group
  for (size_t c = 0; c < FeatureDefs().size(); ++c)
    if (!IsLayerCostFeature(FeatureDefs()[c])) structure_columns.push_back(static_cast<int>(c));
  if (model.network_columns.empty()) model.network_columns = structure_columns;
  model.network_scaler = Restrict(full_scaler, model.network_columns);

  // 2. Key features: given, or Algorithm 1 on the pooled training pairs. Target: ln latency
  //    minus the platform's mean, so that platforms of different speed share one ranking.
  std::vector<std::pair<int, int>> pairs;  // (network, platform) with a latency
  for (int p : platforms)
    for (int i : networks)
      if (std::isfinite(data.latency_ms(i, p))) pairs.push_back({i, p});
  if (pairs.size() < 3) return Status::InvalidArgument("training: fewer than 3 measured (network, platform) pairs");
  if (options.hardware == HardwareEncoding::kReferenceLatencies) {
    model.key_columns.clear();
  } else if (!options.fixed_key_features.empty()) {
    Result<std::vector<int>> fixed = FeatureColumns(options.fixed_key_features);
    if (!fixed.ok()) return fixed.status().WithContext("training: key features");
    model.key_columns = *fixed;
  } else {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(pairs.size()), static_cast<Eigen::Index>(structure_columns.size()));
    Eigen::VectorXd t(static_cast<Eigen::Index>(pairs.size()));
    std::vector<double> mean(data.platforms.size(), 0.0), count(data.platforms.size(), 0.0);
    for (const auto& [i, p] : pairs) {
      mean[static_cast<size_t>(p)] += std::log(data.latency_ms(i, p));
      count[static_cast<size_t>(p)] += 1;
    }
    for (size_t k = 0; k < pairs.size(); ++k) {
      auto [i, p] = pairs[k];
      for (size_t c = 0; c < structure_columns.size(); ++c)
        x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(c)) = inputs(i, structure_columns[c]);
      t(static_cast<Eigen::Index>(k)) = std::log(data.latency_ms(i, p)) - mean[static_cast<size_t>(p)] / count[static_cast<size_t>(p)];
    }
    KeyFeatureOptions ko;
    ko.max_features = options.key_features;
    Result<KeyFeatureSelection> sel = ExtractKeyFeatures(x, t, ko);
    if (!sel.ok()) return sel.status().WithContext("training");
    model.key_columns.clear();
    for (int c : sel->columns) model.key_columns.push_back(structure_columns[static_cast<size_t>(c)]);
  }
  rep.key_feature_seconds = Seconds(start);
  rep.key_features.clear();
  for (int c : model.key_columns) rep.key_features.push_back(FeatureDefs()[static_cast<size_t>(c)].name);

  // 3. The HRM spec: reference networks, their key-feature inputs, and the singular networks.
  HrmSpec& spec = model.spec;
  spec.reference_networks = options.reference_networks;
  spec.hg_features = rep.key_features;
  const auto k = static_cast<Eigen::Index>(model.key_columns.size());
  spec.input_scaler = Restrict(full_scaler, model.key_columns);
  const auto d = static_cast<Eigen::Index>(spec.reference_networks.size());
  spec.reference_inputs.resize(d, k);
  std::vector<int> ref_rows;
  for (Eigen::Index r = 0; r < d; ++r) {
    int i = data.FindNetwork(spec.reference_networks[static_cast<size_t>(r)]);
    if (i < 0)
      return Status::NotFound("training: reference network '" + spec.reference_networks[static_cast<size_t>(r)] +
                              "' is not in the dataset");
    ref_rows.push_back(i);
    for (Eigen::Index c = 0; c < k; ++c) spec.reference_inputs(r, c) = inputs(i, model.key_columns[static_cast<size_t>(c)]);
  }
  {
    // Normalised latencies of the reference networks on the training platforms; a network not
    // measured everywhere cannot be singular.
    std::vector<int> complete;
    for (Eigen::Index r = 0; r < d; ++r) {
      bool all = true;
      for (int p : platforms) all = all && std::isfinite(data.latency_ms(ref_rows[static_cast<size_t>(r)], p));
      if (all) complete.push_back(static_cast<int>(r));
    }
    Eigen::MatrixXd z(static_cast<Eigen::Index>(platforms.size()), static_cast<Eigen::Index>(complete.size()));
    for (size_t pi = 0; pi < platforms.size(); ++pi) {
      double lo = std::numeric_limits<double>::infinity(), hi = 0;
      for (int r : complete) {
        double y = data.latency_ms(ref_rows[static_cast<size_t>(r)], platforms[pi]);
        lo = std::min(lo, y);
        hi = std::max(hi, y);
      }
      for (size_t c = 0; c < complete.size(); ++c)
        z(static_cast<Eigen::Index>(pi), static_cast<Eigen::Index>(c)) =
            hi > lo ? NormalizeLatency(data.latency_ms(ref_rows[static_cast<size_t>(complete[c])], platforms[pi]), lo, hi) : 0;
    }
    spec.singular.clear();
    if (options.hardware == HardwareEncoding::kReferenceLatencies) {
      for (Eigen::Index r = 0; r < d; ++r) spec.singular.push_back(static_cast<int>(r));
    } else {
      for (int c : SelectSingularNetworks(z, std::min<int>(options.singular, static_cast<int>(complete.size()))))
        spec.singular.push_back(complete[static_cast<size_t>(c)]);
    }
  }
  // 3b. The cost prior: each training platform's additive model, fitted on the training and
  //     reference networks, and its latencies of the reference networks (the basis a platform's
  //     mixture weights are fitted against).
  std::vector<Eigen::VectorXd> basis_of, family_of;  // per dataset row, filled for the training networks
  if (options.cost_prior) {
    std::vector<int> fit_rows = networks;
    for (int r : ref_rows)
      if (std::find(fit_rows.begin(), fit_rows.end(), r) == fit_rows.end()) fit_rows.push_back(r);
    Result<CostPrior> prior = FitCostPrior(data, platforms, fit_rows);
    if (!prior.ok()) return prior.status().WithContext("training");
    model.cost_prior = std::move(prior).value();
    spec.cost_platforms = model.cost_prior.platforms;
    spec.cost_platform_ids.clear();
    for (int p : platforms) spec.cost_platform_ids.push_back(data.platform_ids[static_cast<size_t>(p)]);
    spec.reference_cost_ms.resize(d, static_cast<Eigen::Index>(platforms.size()));
    for (Eigen::Index r = 0; r < d; ++r)
      spec.reference_cost_ms.row(r) = model.cost_prior.Basis(data.networks[static_cast<size_t>(ref_rows[static_cast<size_t>(r)])].values).transpose();
    if (options.family_factors) {
      spec.cost_families = CostFamilyNames();
      spec.reference_family_ms.resize(d, static_cast<Eigen::Index>(platforms.size() * spec.cost_families.size()));
      for (Eigen::Index r = 0; r < d; ++r)
        spec.reference_family_ms.row(r) =
            model.cost_prior.FamilyBasis(data.networks[static_cast<size_t>(ref_rows[static_cast<size_t>(r)])].values).transpose();
    }
    basis_of.resize(data.networks.size());
    family_of.resize(data.networks.size());
    for (int i : networks) {
      basis_of[static_cast<size_t>(i)] = model.cost_prior.Basis(data.networks[static_cast<size_t>(i)].values);
      if (options.family_factors) family_of[static_cast<size_t>(i)] = model.cost_prior.FamilyBasis(data.networks[static_cast<size_t>(i)].values);
    }
  }
  model.spec_id = spec.Id();  // the spec is final from here on
  rep.singular_networks.clear();
  for (int s : spec.singular) rep.singular_networks.push_back(spec.reference_networks[static_cast<size_t>(s)]);

  // 4. HRM vectors of the training platforms (with noisy variants), 5. the PCN's pairs.
  SplitMix64 rng(options.seed * 0x9e3779b97f4a7c15ULL + 17);
  PcnInputs in;
  std::vector<float> target, weight;
  for (int p : platforms) {
    HrmFitInput full = ReferenceLatencies(data, p, spec);
    for (int v = 0; v < std::max(1, options.hrm_variants); ++v) {
      HrmFitInput variant = full;
      if (v > 0)
        for (double& y : variant.latency_ms)
          if (rng.Unit() > options.variant_keep) y = kNaN;
      Result<HrmVector> h = FitHrm(spec, variant);
      if (!h.ok()) {
        if (v == 0) return h.status().WithContext("training platform '" + data.platforms[static_cast<size_t>(p)] + "'");
        continue;  // a variant left with too few latencies: skip it
      }
      const double span = std::log(h->max_ms) - std::log(h->min_ms);
      for (int i : networks) {
        double y = data.latency_ms(i, p);
        if (!std::isfinite(y)) continue;
        for (int c : model.network_columns) in.network.push_back(static_cast<float>(inputs(i, c)));
        for (int c : model.key_columns) in.key.push_back(static_cast<float>(inputs(i, c)));
        for (double x : h->hg) in.hg.push_back(static_cast<float>(x));
        for (double x : h->hs) in.hs.push_back(static_cast<float>(x));
        double z = NormalizeLatency(y, h->min_ms, h->max_ms);
        if (options.cost_prior)
          z -= NormalizeLatency(PriorLatency(h->hc, h->hk, basis_of[static_cast<size_t>(i)], family_of[static_cast<size_t>(i)]),
                                h->min_ms, h->max_ms);
        target.push_back(static_cast<float>(z));
        weight.push_back(static_cast<float>(span * span));
        ++in.n;
      }
    }
  }
  rep.pairs = in.n;
  nlohmann::json plats = nlohmann::json::array();
  for (int p : platforms) plats.push_back(data.platforms[static_cast<size_t>(p)]);
  model.training = {{"platforms", plats},
                    {"hardware", options.hardware == HardwareEncoding::kHrm ? "hrm" : "reference-latencies"},
                    {"cost_prior", options.cost_prior},
                    {"networks", networks.size()},
                    {"pairs", in.n},
                    {"hrm_variants", options.hrm_variants},
                    {"seed", options.seed}};
  if (options.cost_prior && !options.pcn_correction) {  // prior only
    model.training["seconds"] = Seconds(start);
    return model;
  }
  PcnDims dims{static_cast<int>(model.network_columns.size()), static_cast<int>(k), static_cast<int>(spec.singular.size())};
  Result<Pcn> pcn = Pcn::Create(dims, options.pcn);
  if (!pcn.ok()) return pcn.status().WithContext("training");
  Result<PcnTrainReport> trained = pcn->Train(in, target, weight);
  if (!trained.ok()) return trained.status().WithContext("training");
  rep.pcn = *trained;
  rep.pcn_parameter_count = pcn->parameter_count();
  ACESNIPER_RETURN_IF_ERROR(model.AttachPcn(pcn->ToJson()).WithContext("training"));

  model.training["pcn_epochs"] = trained->epochs;
  model.training["seconds"] = Seconds(start);
  return model;
}

}  // namespace acesniper
