#include "cli_util.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/common/read_file.h"
#include "acesniper/measure/reference_set.h"
#include "acesniper/measure/store.h"

namespace acesniper::cli {

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Result<LatencyDataset> LoadDataset(const std::vector<std::string>& stores, const std::string& features, int64_t batch) {
  std::vector<MeasurementRecord> all;
  for (const std::string& path : stores) {
    Result<std::vector<MeasurementRecord>> rows = ReadStore(path);
    if (!rows.ok()) return rows.status();
    all.insert(all.end(), rows->begin(), rows->end());
  }
  Result<std::vector<FeatureRow>> table = ReadFeatureTable(features);
  if (!table.ok()) return table.status();
  return BuildLatencyDataset(all, *table, batch);
}

namespace {

bool IsExtendedSpace(const std::string& name) {
  Result<GeneratedName> g = ParseGeneratedName(name);
  return g.ok() && g->options.extended;
}

}  // namespace

std::vector<std::string> MeasuredReferenceNames(const LatencyDataset& data, bool table_iv_only) {
  std::vector<std::string> names;
  for (const std::string& name : ReferenceSetNames())
    if (data.FindNetwork(name) >= 0 && !(table_iv_only && IsExtendedSpace(name))) names.push_back(name);
  return names;
}

size_t CountExtendedSpace(const std::vector<std::string>& names, size_t first) {
  size_t n = 0;
  for (size_t i = 0; i < std::min(first, names.size()); ++i) n += IsExtendedSpace(names[i]);
  return n;
}

std::string DefaultModelDir() {
  if (const char* env = std::getenv("ACESNIPER_MODEL_DIR"); env && *env) return env;
  std::error_code ec;
#ifdef ACESNIPER_SOURCE_MODEL_DIR
  if (std::filesystem::is_directory(ACESNIPER_SOURCE_MODEL_DIR, ec)) return ACESNIPER_SOURCE_MODEL_DIR;
#endif
  return "/usr/share/acesniper/models/default";
}

std::vector<std::string> ShippedHrmFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(DefaultModelDir() + "/hrm", ec))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<HrmVector>> LoadHrmVectors(const std::vector<std::string>& files, const HrmSpec& spec) {
  std::vector<HrmVector> hrms;
  for (const std::string& path : files) {
    Result<std::string> text = ReadTextFile(path);
    Result<HrmVector> v = text.ok() ? HrmVector::Parse(*text) : Result<HrmVector>(text.status());
    Status st = v.ok() ? v->CheckAgainst(spec) : v.status();
    if (!st.ok()) return Status::InvalidArgument(path + ": " + st.message());
    hrms.push_back(std::move(v).value());
  }
  return hrms;
}

std::string DefaultLatencyTablePath() { return DefaultModelDir() + "/../../docs/evaluation/evaluation.json"; }
std::string DefaultFeatureTablePath() { return DefaultModelDir() + "/../../data/features.csv.gz"; }
std::string DefaultBatchStorePath() { return DefaultModelDir() + "/../../data/zoo.csv.gz"; }

}  // namespace acesniper::cli
