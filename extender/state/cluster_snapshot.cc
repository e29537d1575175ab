#include "state/cluster_snapshot.h"

#include <nlohmann/json.hpp>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/common/read_file.h"

namespace acesniper::extender {

namespace {

Result<NetworkCatalogue> LoadJsonCatalogue(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status().WithContext("network catalogue");
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&path](const std::string& what) { return Status::InvalidArgument("network catalogue '" + path + "': " + what); };
  if (j.is_discarded()) return bad("not JSON");
  if (!j.is_array()) return bad("not an array (the output of `acesniper analyze --json`)");
  NetworkCatalogue c;
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    const std::string where = "entry " + std::to_string(i);
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || e["name"].get<std::string>().empty())
      return bad(where + ": needs a non-empty string 'name'");
    std::string key = e["name"].get<std::string>();
    if (e.contains("input_shape")) {
      const nlohmann::json& shape = e["input_shape"];
      if (!shape.is_array() || shape.empty() || !shape[0].is_number_integer() || shape[0].get<long>() < 1)
        return bad(where + " (" + key + "): input_shape must be an array starting with the batch size");
      if (shape[0].get<long>() > 1) key += "@b" + std::to_string(shape[0].get<long>());
    }
    Result<std::vector<double>> f = kube::FeaturesFromAnalyzeObject(e);
    if (!f.ok()) return bad(where + " (" + key + "): " + f.status().message());
    if (!c.features.emplace(key, std::move(f).value()).second) return bad("network '" + key + "' appears twice");
  }
  return c;
}

}  // namespace

Result<NetworkCatalogue> NetworkCatalogue::Load(const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return LoadJsonCatalogue(path);
  Result<std::vector<FeatureRow>> rows = ReadFeatureTable(path);
  if (!rows.ok()) return rows.status().WithContext("network catalogue");
  NetworkCatalogue c;
  for (FeatureRow& r : *rows) {
    if (c.features.count(r.network))
      return Status::InvalidArgument("network catalogue '" + path + "': network '" + r.network + "' appears twice");
    c.features.emplace(r.network, std::move(r.values));
  }
  return c;
}

NodeRecord NodeRecord::FromAnnotations(const kube::Annotations& annotations, double default_bandwidth_mb_s) {
  NodeRecord r;
  Result<HrmVector> h = kube::ParseNodeHrm(annotations);
  if (h.ok()) {
    r.hrm = std::move(h).value();
    const std::string& text = annotations.at(kube::kNodeHrm);
    r.hrm_key = Fingerprint64(text.data(), text.size());
  } else {
    r.hrm_status = h.status();
  }
  Result<double> bw = kube::ParseNodeBandwidth(annotations, default_bandwidth_mb_s);
  r.bandwidth_mb_s = bw.ok() ? *bw : default_bandwidth_mb_s;
  if (!bw.ok() && r.hrm_status.ok()) r.hrm_status = bw.status();
  return r;
}

Result<std::shared_ptr<const ModelBundle>> LoadModelBundle(const std::string& model_path, const std::string& catalogue_path) {
  auto b = std::make_shared<ModelBundle>();
  Result<LatencyModel> m = LatencyModel::Load(model_path);
  if (!m.ok()) return m.status();
  b->model = std::move(m).value();
  b->spec_id = b->model.spec.Id();
  Result<NetworkCatalogue> c = NetworkCatalogue::Load(catalogue_path);
  if (!c.ok()) return c.status();
  b->catalogue = std::move(c).value();
  b->model_path = model_path;
  b->catalogue_path = catalogue_path;
  return std::shared_ptr<const ModelBundle>(std::move(b));
}

}  // namespace acesniper::extender
