#include "acesniper/simulate/workload.h"

#include <cmath>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "acesniper/common/read_file.h"

namespace acesniper {

int LatencyTable::FindPlatform(const std::string& name) const {
  for (size_t i = 0; i < platforms.size(); ++i)
    if (platforms[i] == name) return static_cast<int>(i);
  return -1;
}

Result<LatencyTable> LatencyTableFromEvaluation(const std::string& path, const std::string& method, int d) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("'" + path + "' is not JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
    return Status::InvalidArgument("'" + path + "' has no 'results' array (is it `acesniper evaluate` output?)");
  // platform -> network -> (measured, predicted)
  std::map<std::string, std::map<std::string, std::pair<double, double>>> cells;
  std::map<std::string, std::string> set_of;  // network -> its test set
  try {
    for (const nlohmann::json& r : j["results"]) {
      if (r.at("method").get<std::string>() != method || r.at("d").get<int>() != d) continue;
      const std::string platform = r.at("platform").get<std::string>();
      const std::string set = r.value("network_set", std::string("random"));
      const auto names = r.at("networks").get<std::vector<std::string>>();
      const auto measured = r.at("measured_ms").get<std::vector<double>>();
      const auto predicted = r.at("predicted_ms").get<std::vector<double>>();
      if (names.size() != measured.size() || names.size() != predicted.size())
        return Status::InvalidArgument("'" + path + "': result for " + platform + " has lists of different lengths");
      for (size_t i = 0; i < names.size(); ++i) {
        if (!(measured[i] > 0) || !(predicted[i] > 0) || !std::isfinite(measured[i]) || !std::isfinite(predicted[i]))
          continue;  // not runnable there, or not measured: the network is dropped below
        cells[platform][names[i]] = {measured[i], predicted[i]};
        set_of[names[i]] = set;
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("'" + path + "': a result is malformed: " + e.what());
  }
  if (cells.empty())
    return Status::NotFound("'" + path + "' has no results for method '" + method + "' at d = " + std::to_string(d));
  LatencyTable t;
  t.source = path + " (method " + method + ", d = " + std::to_string(d) + ")";
  for (const auto& [platform, nets] : cells) t.platforms.push_back(platform);
  for (const auto& [name, value] : cells.begin()->second) {
    bool everywhere = true;
    for (const auto& [platform, nets] : cells) everywhere = everywhere && nets.count(name);
    if (everywhere) {
      t.networks.push_back(name);
      t.network_sets.push_back(set_of.at(name));
      t.measured_batch.push_back(1);
    }
  }
  if (t.networks.empty()) return Status::NotFound("'" + path + "': no network has results on every platform");
  const auto rows = static_cast<Eigen::Index>(t.networks.size()), cols = static_cast<Eigen::Index>(t.platforms.size());
  t.measured_ms.resize(rows, cols);
  t.predicted_ms.resize(rows, cols);
  for (Eigen::Index p = 0; p < cols; ++p) {
    const auto& nets = cells.at(t.platforms[static_cast<size_t>(p)]);
    for (Eigen::Index n = 0; n < rows; ++n) {
      const auto& v = nets.at(t.networks[static_cast<size_t>(n)]);
      t.measured_ms(n, p) = v.first;
      t.predicted_ms(n, p) = v.second;
    }
  }
  return t;
}

Result<LatencyTable> CombineLatencyTables(const std::vector<LatencyTable>& parts) {
  if (parts.empty()) return Status::InvalidArgument("no latency table to combine");
  if (parts.size() == 1) return parts.front();
  LatencyTable out;
  std::map<std::string, std::string> source_of;  // platform -> the table it came from
  for (const LatencyTable& t : parts) {
    out.source += (out.source.empty() ? "" : " + ") + t.source;
    for (const std::string& p : t.platforms) {
      auto [it, fresh] = source_of.emplace(p, t.source);
      if (!fresh) return Status::InvalidArgument("platform '" + p + "' is in two latency tables: " + it->second + " and " + t.source);
      out.platforms.push_back(p);
    }
  }
  // (table, row) of each network kept, per table
  std::vector<std::map<std::string, Eigen::Index>> row_of(parts.size());
  for (size_t k = 0; k < parts.size(); ++k)
    for (size_t n = 0; n < parts[k].networks.size(); ++n) row_of[k][parts[k].networks[n]] = static_cast<Eigen::Index>(n);
  const LatencyTable& first = parts.front();
  for (size_t n = 0; n < first.networks.size(); ++n) {
    bool everywhere = true;
    for (size_t k = 1; k < parts.size(); ++k) everywhere = everywhere && row_of[k].count(first.networks[n]);
    if (!everywhere) continue;
    out.networks.push_back(first.networks[n]);
    out.network_sets.push_back(n < first.network_sets.size() ? first.network_sets[n] : "random");
    out.measured_batch.push_back(1);
  }
  if (out.networks.empty()) return Status::NotFound("the latency tables " + out.source + " have no network in common");
  out.measured_ms.resize(static_cast<Eigen::Index>(out.networks.size()), static_cast<Eigen::Index>(out.platforms.size()));
  out.predicted_ms.resizeLike(out.measured_ms);
  Eigen::Index col = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    for (Eigen::Index p = 0; p < static_cast<Eigen::Index>(parts[k].platforms.size()); ++p, ++col) {
      for (size_t n = 0; n < out.networks.size(); ++n) {
        const Eigen::Index row = row_of[k].at(out.networks[n]);
        out.measured_ms(static_cast<Eigen::Index>(n), col) = parts[k].measured_ms(row, p);
        out.predicted_ms(static_cast<Eigen::Index>(n), col) = parts[k].predicted_ms(row, p);
      }
    }
  }
  return out;
}

namespace {

// The rows `keep` of `t`, in that order; `note` is added to the source.
LatencyTable KeepRows(const LatencyTable& t, const std::vector<Eigen::Index>& keep, const std::string& note) {
  LatencyTable out;
  out.platforms = t.platforms;
  out.source = t.source + ", " + note;
  const auto rows = static_cast<Eigen::Index>(keep.size());
  out.measured_ms.resize(rows, t.measured_ms.cols());
  out.predicted_ms.resize(rows, t.predicted_ms.cols());
  for (Eigen::Index k = 0; k < rows; ++k) {
    const Eigen::Index n = keep[static_cast<size_t>(k)];
    const size_t i = static_cast<size_t>(n);
    out.networks.push_back(t.networks[i]);
    out.network_sets.push_back(i < t.network_sets.size() ? t.network_sets[i] : "random");
    out.measured_batch.push_back(i < t.measured_batch.size() ? t.measured_batch[i] : 1);
    if (!t.features.empty()) out.features.push_back(t.features[i]);
    out.measured_ms.row(k) = t.measured_ms.row(n);
    out.predicted_ms.row(k) = t.predicted_ms.row(n);
  }
  return out;
}

}  // namespace

Result<LatencyTable> SelectNetworks(const LatencyTable& t, const std::string& set) {
  if (set != "all" && set != "random" && set != "zoo")
    return Status::InvalidArgument("network set '" + set + "' is not one of all, random, zoo");
  if (set == "all") return t;
  std::vector<Eigen::Index> keep;
  for (size_t n = 0; n < t.networks.size(); ++n)
    if (n < t.network_sets.size() && t.network_sets[n] == set) keep.push_back(static_cast<Eigen::Index>(n));
  if (keep.empty()) return Status::NotFound("the latency table (" + t.source + ") has no " + set + " networks");
  return KeepRows(t, keep, set + " networks");
}

size_t UseBatchLatencies(LatencyTable* t, const BatchLatencies& batch_ms, int batch) {
  if (batch < 1) return 0;
  LatencyTable batched = *t;  // measured_ms becomes per-inference batch latency where known everywhere
  std::vector<Eigen::Index> keep;
  for (size_t n = 0; n < t->networks.size(); ++n) {
    size_t known = 0;
    for (size_t p = 0; p < t->platforms.size(); ++p, ++known) {
      auto it = batch_ms.find({t->networks[n], t->platforms[p]});
      if (it == batch_ms.end() || !(it->second > 0) || !std::isfinite(it->second)) break;
      batched.measured_ms(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p)) = it->second / batch;
    }
    if (known == t->platforms.size()) keep.push_back(static_cast<Eigen::Index>(n));
  }
  *t = KeepRows(batched, keep, "measured at batch " + std::to_string(batch));
  t->measured_batch.assign(keep.size(), batch);
  return keep.size();
}

double ZeroWaitSeconds(const Workload& w, int network, const TaskTemplate& tt) {
  Task t;
  t.inferences = tt.inferences;
  t.input_mb = tt.inferences * tt.input_mb_per_inference;
  t.result_mb = tt.inferences * tt.result_mb_per_inference;
  double best = std::numeric_limits<double>::infinity();
  for (const ClusterNode& n : w.nodes) {
    double s = TransferInSeconds(t, n) + tt.inferences * w.table.measured_ms(network, n.platform) / 1000.0 +
               TransferBackSeconds(t, n);
    best = std::min(best, s);
  }
  return best;
}

}  // namespace acesniper
