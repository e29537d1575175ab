// acesniper features: the feature table of every network in measurement stores (DNN -> features,
// written down once for training and evaluation). Generated networks are rebuilt from their names
// (gen-SEED-INDEX, genx-SEED-INDEX), model files are read from --models; every network's structure hash must match
// the store's, so a table never pairs a latency with the wrong network.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/analyze/features.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/measure/reference_set.h"
#include "acesniper/measure/store.h"
#include "acesniper/torch/torchscript.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

namespace fs = std::filesystem;

struct FeaturesArgs {
  std::vector<std::string> stores;
  std::string models_dir;
  std::string out;
};

// The graph of a stored network: generated (by name) or a model file in models_dir.
Result<Graph> GraphOf(const std::string& name, const std::string& models_dir) {
  if (Result<GeneratedName> gen = ParseGeneratedName(name); gen.ok()) {
    Result<GeneratedNetwork> net = GenerateNetwork(gen->options, gen->index);
    if (!net.ok()) return net.status();
    return std::move(net->graph);
  }
  if (models_dir.empty())
    return Status::NotFound("network '" + name + "' is not generated; pass --models DIR holding " + name + ".onnx or .pt");
  for (const char* ext : {".onnx", ".pt"}) {
    fs::path p = fs::path(models_dir) / (name + ext);
    std::error_code ec;
    if (fs::exists(p, ec)) return ImportModelFile(p.string(), ImportOptions{});
  }
  return Status::NotFound("no model file " + name + ".onnx or " + name + ".pt in '" + models_dir + "'");
}

int RunFeatures(const FeaturesArgs& a) {
  const char* me = "acesniper features: ";
  if (a.out.size() > 3 && a.out.compare(a.out.size() - 3, 3, ".gz") == 0) {
    std::cerr << me << "--out writes plain CSV; compress it afterwards (gzip -9 -n)\n";
    return 2;
  }
  std::map<std::string, FeatureRow> rows;  // by hash
  std::error_code ec;
  if (fs::exists(a.out, ec)) {
    Result<std::vector<FeatureRow>> old = ReadFeatureTable(a.out);
    if (!old.ok()) {
      std::cerr << me << old.status().message() << " (move it away to start a new table)\n";
      return 1;
    }
    for (FeatureRow& r : *old) rows[r.network_hash] = std::move(r);
  }
  const size_t kept = rows.size();
  std::map<std::string, std::string> wanted;  // hash -> name
  for (const std::string& path : a.stores) {
    Result<std::vector<MeasurementRecord>> records = ReadStore(path);
    if (!records.ok()) {
      std::cerr << me << records.status().message() << "\n";
      return 1;
    }
    for (const MeasurementRecord& r : *records) wanted.emplace(r.network_hash, r.network);
  }
  int failures = 0;
  for (const auto& [hash, name] : wanted) {
    if (rows.count(hash)) continue;
    Result<Graph> g = GraphOf(name, a.models_dir);
    if (!g.ok()) {
      std::cerr << me << name << ": " << g.status().message() << "\n";
      ++failures;
      continue;
    }
    std::string actual = GraphStructureHash(*g);
    if (actual != hash) {
      std::cerr << me << name << ": the rebuilt network has hash " << actual << ", the store says " << hash
                << " (generator options or model file differ from the measured ones)\n";
      ++failures;
      continue;
    }
    rows[hash] = FeatureRow{name, hash, AnalyzeGraph(*g).values()};
  }
  if (failures) {
    std::cerr << me << failures << " network(s) failed; '" << a.out << "' left unchanged\n";
    return 1;
  }
  // Sorted by name (generated networks by seed and index) so that the file diffs well.
  std::vector<const FeatureRow*> order;
  for (const auto& [hash, row] : rows) order.push_back(&row);
  auto key = [](const std::string& n) {
    std::smatch m;
    static const std::regex generated(R"(gen-(\d+)-(\d+))");
    if (std::regex_match(n, m, generated)) return std::make_tuple(0, std::stoull(m[1].str()), std::stoull(m[2].str()), n);
    return std::make_tuple(1, 0ULL, 0ULL, n);
  };
  std::sort(order.begin(), order.end(), [&](const FeatureRow* x, const FeatureRow* y) { return key(x->network) < key(y->network); });
  const std::string tmp = a.out + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << FeatureTableHeader() << "\n";
    for (const FeatureRow* r : order) f << FormatFeatureRow(*r) << "\n";
    if (!f.flush()) {
      std::cerr << me << "cannot write '" << tmp << "'\n";
      return 1;
    }
  }
  fs::rename(tmp, a.out, ec);
  if (ec) {
    std::cerr << me << "cannot rename '" << tmp << "': " << ec.message() << "\n";
    return 1;
  }
  std::cout << a.out << ": " << rows.size() << " networks (" << rows.size() - kept << " new)\n";
  return 0;
}

}  // namespace

void AddFeaturesCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<FeaturesArgs>();
  auto* cmd = app.add_subcommand("features", "feature table (CSV) of every network in measurement stores");
  cmd->add_option("--store", a->stores, "measurement store (.csv or .csv.gz); repeatable")->required();
  cmd->add_option("--models", a->models_dir, "directory of NAME.onnx / NAME.pt for networks that are not generated");
  cmd->add_option("--out", a->out, "feature table to write; rows already in it are kept")->required();
  cmd->callback([a, &exit_code]() { exit_code = RunFeatures(*a); });
}

}  // namespace acesniper::cli
