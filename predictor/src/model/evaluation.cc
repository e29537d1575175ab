#include "acesniper/model/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>

#include "acesniper/analyze/features.h"
#include "acesniper/model/linear_fit.h"
#include "acesniper/model/time_spinner.h"

namespace acesniper {

namespace {

// Which set a test network belongs to: generated ("random"), NAS-Bench-201 ("nb201"), or the zoo.
std::string SetOf(const std::string& name) {
  if (name.rfind("gen-", 0) == 0) return "random";
  if (name.rfind("nb201-", 0) == 0) return "nb201";
  return "zoo";
}

ErrorMetrics Metrics(const std::vector<double>& p, const std::vector<double>& m) { return ComputeErrorMetrics(p, m); }

std::vector<ErrorMetrics> Quartiles(const std::vector<double>& p, const std::vector<double>& m) {
  std::vector<size_t> order(m.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m[a] < m[b]; });
  std::vector<ErrorMetrics> out;
  for (int q = 0; q < 4; ++q) {
    size_t lo = order.size() * static_cast<size_t>(q) / 4, hi = order.size() * static_cast<size_t>(q + 1) / 4;
    std::vector<double> pp, mm;
    for (size_t k = lo; k < hi; ++k) {
      pp.push_back(p[order[k]]);
      mm.push_back(m[order[k]]);
    }
    out.push_back(Metrics(pp, mm));
  }
  return out;
}

// ln y = a + b . log1p(features), fitted on the held-out platform's reference latencies.
Result<std::vector<double>> ReferenceRegression(const LatencyDataset& data, int platform, const std::vector<int>& refs,
                                                const std::vector<int>& tests, const std::vector<std::string>& features) {
  std::vector<int> cols;
  for (const std::string& f : features)
    for (size_t c = 0; c < FeatureDefs().size(); ++c)
      if (f == FeatureDefs()[c].name) cols.push_back(static_cast<int>(c));
  if (cols.size() != features.size()) return Status::InvalidArgument("reference regression: unknown feature");
  auto row = [&](int i) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(cols.size()));
    for (size_t c = 0; c < cols.size(); ++c)
      v(static_cast<Eigen::Index>(c)) = std::log1p(std::max(0.0, data.networks[static_cast<size_t>(i)].values[static_cast<size_t>(cols[c])]));
    return v;
  };
  std::vector<int> used;
  for (int i : refs)
    if (std::isfinite(data.latency_ms(i, platform))) used.push_back(i);
  if (used.size() < cols.size() + 1) return Status::InvalidArgument("reference regression: too few reference latencies");
  Eigen::MatrixXd x(static_cast<Eigen::Index>(used.size()), static_cast<Eigen::Index>(cols.size()));
  Eigen::VectorXd y(static_cast<Eigen::Index>(used.size()));
  for (size_t k = 0; k < used.size(); ++k) {
    x.row(static_cast<Eigen::Index>(k)) = row(used[k]).transpose();
    y(static_cast<Eigen::Index>(k)) = std::log(data.latency_ms(used[k], platform));
  }
  Result<LinearFit> fit = FitLinear(x, y);
  if (!fit.ok()) return fit.status();
  std::vector<double> out;
  for (int i : tests) out.push_back(std::exp(fit->Predict(row(i))));
  return out;
}

// The dataset's indices of `names`, or of every platform when `names` is empty. `what` names
// the list in the error.
Result<std::vector<int>> PlatformIndices(const LatencyDataset& data, const std::vector<std::string>& names,
                                         const std::string& what) {
  std::vector<int> out;
  if (names.empty())
    for (size_t p = 0; p < data.platforms.size(); ++p) out.push_back(static_cast<int>(p));
  for (const std::string& name : names) {
    int p = data.FindPlatform(name);
    if (p < 0) return Status::NotFound(what + " '" + name + "' is not in the dataset");
    out.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<EvalMethod> StandardMethods(const TrainOptions& base) {
  std::vector<EvalMethod> m;
  auto regression = [&](const std::string& name, std::vector<std::string> f) {
    EvalMethod e;
    e.name = name;
    e.kind = EvalMethod::Kind::kReferenceRegression;
    e.regression_features = std::move(f);
    m.push_back(e);
  };
  // Only Ace-Sniper's method and its ablations get the cost prior: it reads per-layer costs,
  // which would turn a FLOPs baseline into something else.
  auto trained = [&](const std::string& name, std::vector<std::string> net, std::vector<std::string> keys,
                     HardwareEncoding hw, bool cost_prior = false, bool pcn = true, bool sweep = false) {
    EvalMethod e;
    e.name = name;
    e.train = base;
    e.train.network_features = std::move(net);
    e.train.fixed_key_features = std::move(keys);
    e.train.hardware = hw;
    e.train.cost_prior = cost_prior;
    e.train.pcn_correction = pcn;
    e.sweep_d = sweep;
    m.push_back(e);
  };
  regression("FLOPs", {"flops_total"});
  regression("FLOPs&AMC", {"flops_total", "amc_bytes"});
  // HELP encodes the architecture itself, not NNS features; its closest analogue for arbitrary
  // networks is their size: FLOPs, parameters and layer count.
  trained("HELP-style", {"flops_total", "params_total", "struct_layers"}, {}, HardwareEncoding::kReferenceLatencies);
  trained("NNS+HELP", {}, {}, HardwareEncoding::kReferenceLatencies);
  trained("FLOPs+HRM", {"flops_total"}, {"flops_total"}, HardwareEncoding::kHrm);
  trained("FLOPs&AMC+HRM", {"flops_total", "amc_bytes"}, {"flops_total", "amc_bytes"}, HardwareEncoding::kHrm);
  trained(kPaperMethod, {}, {}, HardwareEncoding::kHrm, false, true, true);
  trained(kDefaultMethod, {}, {}, HardwareEncoding::kHrm, true, false, true);
  trained("LayerCost+NNS+HRM", {}, {}, HardwareEncoding::kHrm, true, true);
  return m;
}

Result<std::vector<EvalCell>> EvaluateLeaveOnePlatformOut(const LatencyDataset& data, const std::vector<EvalMethod>& methods,
                                                         const EvalOptions& options) {
  Result<std::vector<int>> held = PlatformIndices(data, options.held_out, "evaluation: platform");
  if (!held.ok()) return held.status();
  const std::vector<int>& held_out = *held;
  std::set<int> train_set(options.train_networks.begin(), options.train_networks.end());
  for (int t : options.test_networks)
    if (train_set.count(t)) return Status::InvalidArgument("evaluation: network '" + data.networks[static_cast<size_t>(t)].network + "' is both a training and a test network");
  std::vector<int> fixed_train;  // empty: all platforms but the held-out one
  if (!options.train_platforms.empty()) {
    Result<std::vector<int>> fixed = PlatformIndices(data, options.train_platforms, "evaluation: training platform");
    if (!fixed.ok()) return fixed.status();
    fixed_train = *fixed;
  }
  for (int p : fixed_train)
    if (std::find(held_out.begin(), held_out.end(), p) != held_out.end())
      return Status::InvalidArgument("evaluation: platform '" + data.platforms[static_cast<size_t>(p)] +
                                     "' is both held out and a training platform");
  std::vector<int> pool;
  for (const std::string& name : options.reference_pool) {
    int i = data.FindNetwork(name);
    if (i < 0) return Status::NotFound("evaluation: reference network '" + name + "' is not in the dataset");
    pool.push_back(i);
  }
  std::vector<EvalCell> cells;
  for (const EvalMethod& method : methods) {
    std::vector<int> ds = {options.baseline_d};
    if (method.sweep_d) ds = options.d_values;
    for (int d : ds) {
      if (d > static_cast<int>(pool.size()))
        return Status::InvalidArgument("evaluation: d = " + std::to_string(d) + " exceeds the " + std::to_string(pool.size()) +
                                       " reference networks");
      std::vector<int> refs(pool.begin(), pool.begin() + d);
      std::optional<LatencyModel> shared;  // trained once when the training platforms are fixed
      double shared_seconds = 0;
      for (int h : held_out) {
        std::vector<int> train_platforms;
        if (!fixed_train.empty()) {
          train_platforms = fixed_train;
        } else {
          for (size_t p = 0; p < data.platforms.size(); ++p)
            if (static_cast<int>(p) != h) train_platforms.push_back(static_cast<int>(p));
        }
        std::vector<int> tests;
        for (int t : options.test_networks)
          if (std::isfinite(data.latency_ms(t, h))) tests.push_back(t);
        std::vector<double> predicted;
        auto start = std::chrono::steady_clock::now();
        if (method.kind == EvalMethod::Kind::kReferenceRegression) {
          Result<std::vector<double>> p = ReferenceRegression(data, h, refs, tests, method.regression_features);
          if (!p.ok()) return p.status().WithContext(method.name + " on " + data.platforms[static_cast<size_t>(h)]);
          predicted = *p;
        } else {
          TrainOptions o = method.train;
          o.reference_networks.clear();
          for (int r : refs) o.reference_networks.push_back(data.networks[static_cast<size_t>(r)].network);
          std::optional<LatencyModel> own;
          if (!shared || fixed_train.empty()) {
            Result<LatencyModel> trained = TrainLatencyModel(data, train_platforms, options.train_networks, o);
            if (!trained.ok()) return trained.status().WithContext(method.name + " without " + data.platforms[static_cast<size_t>(h)]);
            (fixed_train.empty() ? own : shared).emplace(std::move(trained).value());
            if (!fixed_train.empty())
              shared_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          }
          const LatencyModel* model = own ? &*own : &*shared;
          Result<HrmVector> hrm = FitHrm(model->spec, ReferenceLatencies(data, h, model->spec));
          if (!hrm.ok()) return hrm.status().WithContext(method.name + " on " + data.platforms[static_cast<size_t>(h)]);
          std::vector<PredictionQuery> q;
          for (int t : tests) q.push_back({&data.networks[static_cast<size_t>(t)].values, &*hrm});
          Result<std::vector<LatencyPrediction>> p = model->Predict(q);
          if (!p.ok()) return p.status();
          for (const LatencyPrediction& x : *p) predicted.push_back(x.ms);
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!fixed_train.empty() && method.kind == EvalMethod::Kind::kTrained) seconds = shared_seconds;
        for (const char* set : {"random", "zoo", "nb201"}) {
          EvalCell c;
          c.method = method.name;
          c.platform = data.platforms[static_cast<size_t>(h)];
          c.network_set = set;
          c.d = d;
          c.train_seconds = seconds;
          for (size_t k = 0; k < tests.size(); ++k) {
            const std::string& name = data.networks[static_cast<size_t>(tests[k])].network;
            if (SetOf(name) != set) continue;
            c.networks.push_back(name);
            c.predicted_ms.push_back(predicted[k]);
            c.measured_ms.push_back(data.latency_ms(tests[k], h));
          }
          if (c.networks.empty()) continue;
          c.metrics = Metrics(c.predicted_ms, c.measured_ms);
          c.quartiles = Quartiles(c.predicted_ms, c.measured_ms);
          cells.push_back(std::move(c));
        }
      }
    }
  }
  return cells;
}

Result<DriftResult> EvaluateDrift(const LatencyDataset& data, const TrainOptions& train, const EvalOptions& options,
                                  const std::string& from, const std::string& to, const std::vector<int>& feedback) {
  int pf = data.FindPlatform(from), pt = data.FindPlatform(to);
  if (pf < 0 || pt < 0) return Status::NotFound("drift: platform '" + (pf < 0 ? from : to) + "' is not in the dataset");
  if (feedback.empty()) return Status::InvalidArgument("drift: no feedback counts");
  if (pf == pt) return Status::InvalidArgument("drift: the stale and the new platform are the same ('" + from + "')");
  // The training platforms (all, or the fixed ones), without the two.
  Result<std::vector<int>> train_platforms = PlatformIndices(data, options.train_platforms, "drift: training platform");
  if (!train_platforms.ok()) return train_platforms.status();
  std::vector<int> platforms = *train_platforms;
  platforms.erase(std::remove_if(platforms.begin(), platforms.end(), [&](int p) { return p == pf || p == pt; }),
                  platforms.end());
  TrainOptions o = train;
  o.reference_networks.assign(options.reference_pool.begin(),
                              options.reference_pool.begin() + std::min<size_t>(options.reference_pool.size(),
                                                                                 static_cast<size_t>(options.baseline_d)));
  Result<LatencyModel> model = TrainLatencyModel(data, platforms, options.train_networks, o);
  if (!model.ok()) return model.status().WithContext("drift");
  Result<HrmVector> stale = FitHrm(model->spec, ReferenceLatencies(data, pf, model->spec));
  Result<HrmVector> fresh = FitHrm(model->spec, ReferenceLatencies(data, pt, model->spec));
  if (!stale.ok()) return stale.status().WithContext("drift");
  if (!fresh.ok()) return fresh.status().WithContext("drift");
  std::vector<int> tests;
  for (int t : options.test_networks)
    if (std::isfinite(data.latency_ms(t, pt)) && SetOf(data.networks[static_cast<size_t>(t)].network) != "zoo") tests.push_back(t);
  const size_t most = static_cast<size_t>(*std::max_element(feedback.begin(), feedback.end()));
  if (tests.size() < most + 10) return Status::InvalidArgument("drift: too few test networks for the feedback counts");
  auto predict = [&](const HrmVector& h) -> Result<std::vector<double>> {
    std::vector<PredictionQuery> q;
    for (int t : tests) q.push_back({&data.networks[static_cast<size_t>(t)].values, &h});
    Result<std::vector<LatencyPrediction>> p = model->Predict(q);
    if (!p.ok()) return p.status();
    std::vector<double> ms;
    for (const LatencyPrediction& x : *p) ms.push_back(x.ms);
    return ms;
  };
  Result<std::vector<double>> stale_ms = predict(*stale), fresh_ms = predict(*fresh);
  if (!stale_ms.ok()) return stale_ms.status();
  if (!fresh_ms.ok()) return fresh_ms.status();
  DriftResult r;
  r.from = from;
  r.to = to;
  r.scored = tests.size() - most;
  std::vector<double> measured, fresh_scored;
  for (size_t k = most; k < tests.size(); ++k) {
    measured.push_back(data.latency_ms(tests[k], pt));
    fresh_scored.push_back((*fresh_ms)[k]);
  }
  r.fresh_hrm = Metrics(fresh_scored, measured);
  for (int count : feedback) {
    TimeSpinner spinner;
    for (size_t k = 0; k < static_cast<size_t>(count); ++k)
      spinner.Observe(data.networks[static_cast<size_t>(tests[k])].values, (*stale_ms)[k], data.latency_ms(tests[k], pt));
    std::vector<double> corrected;
    for (size_t k = most; k < tests.size(); ++k)
      corrected.push_back(spinner.Correct(data.networks[static_cast<size_t>(tests[k])].values, (*stale_ms)[k]));
    r.feedback.push_back(count);
    r.metrics.push_back(Metrics(corrected, measured));
    r.features.push_back(spinner.feature());
  }
  return r;
}

std::vector<NoiseFloor> MeasureNoiseFloor(const LatencyDataset& first, const LatencyDataset& second) {
  std::vector<NoiseFloor> out;
  for (size_t p = 0; p < second.platforms.size(); ++p) {
    int q = first.FindPlatform(second.platforms[p]);
    if (q < 0) continue;
    NoiseFloor n;
    n.platform = second.platforms[p];
    std::vector<double> diffs;
    for (size_t i = 0; i < second.networks.size(); ++i) {
      int j = first.FindNetwork(second.networks[i].network);
      if (j < 0) continue;
      double a = first.latency_ms(j, q), b = second.latency_ms(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(p));
      if (!std::isfinite(a) || !std::isfinite(b)) continue;
      double diff = std::fabs(b / a - 1);
      diffs.push_back(diff);
      n.within_5 += diff <= 0.05;
      n.within_10 += diff <= 0.10;
      n.within_15 += diff <= 0.15;
    }
    n.networks = diffs.size();
    if (n.networks == 0) continue;
    n.within_5 /= static_cast<double>(n.networks);
    n.within_10 /= static_cast<double>(n.networks);
    n.within_15 /= static_cast<double>(n.networks);
    n.median_abs_diff = MedianOf(diffs);
    out.push_back(n);
  }
  return out;
}

}  // namespace acesniper
