// acesniper evaluate-public: HELP's published protocol on the public NAS-Bench-201 latency data
// (../shared/datasets/public-latency/README.md): train on 9 devices, give each of 6 unseen test
// devices 10 measured networks (HELP's hardware-embedding indices), predict the rest.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/common/read_file.h"
#include "acesniper/generate/nasbench201.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/model/evaluation.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

namespace fs = std::filesystem;

struct PublicArgs {
  std::string csv;
  std::string embedding_index;
  std::string out_dir = "evaluation-public";
  std::string train_devices = "1080ti_1,1080ti_32,1080ti_256,silver_4114,silver_4210r,samsung_a50,pixel3,essential_ph_1,samsung_s7";
  std::string test_devices = "titan_rtx_256,gold_6226,fpga,pixel2,raspi4,eyeriss";
  std::string methods = "all";
  std::string cell = "every-edge";
  size_t pool = 900;
  TrainOptions train;
};

// HELP's published Spearman rho with 10 samples (README of the public data).
const std::map<std::string, double> kHelpRho = {{"titan_rtx_256", 0.987}, {"gold_6226", 0.989}, {"pixel2", 0.802},
                                                {"raspi4", 0.890},        {"eyeriss", 0.940},   {"fpga", 0.985}};

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string c; std::getline(in, c, ',');) out.push_back(c);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

int RunPublic(const PublicArgs& a) {
  const char* me = "acesniper evaluate-public: ";
  if (a.cell != "every-edge" && a.cell != "live-only") {
    std::cerr << me << "--nb201-cell must be every-edge or live-only, not '" << a.cell << "'\n";
    return 2;
  }
  const Nb201Cell form = a.cell == "every-edge" ? Nb201Cell::kEveryEdge : Nb201Cell::kLiveOnly;
  Result<std::string> text = ReadTextFile(a.csv);
  if (!text.ok()) {
    std::cerr << me << text.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> train_devices = SplitCommas(a.train_devices), test_devices = SplitCommas(a.test_devices);
  std::vector<std::string> devices = train_devices;
  devices.insert(devices.end(), test_devices.begin(), test_devices.end());
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header = SplitCsvLine(line);
  if (header.size() < 3 || header[0] != "nb201_index" || header[1] != "arch_str") {
    std::cerr << me << "'" << a.csv << "' is not nb201_latency_ms.csv (header must start nb201_index,arch_str)\n";
    return 1;
  }
  std::vector<size_t> column;
  for (const std::string& d : devices) {
    auto it = std::find(header.begin(), header.end(), "help:" + d);
    if (it == header.end()) {
      std::cerr << me << "no column help:" << d << " in '" << a.csv << "'\n";
      return 2;
    }
    column.push_back(static_cast<size_t>(it - header.begin()));
  }
  LatencyDataset data;
  data.platforms = devices;
  // Each device is its own platform: the cost mixture leaves out only the basis model whose id is
  // the held-out device's own, so the ids must differ.
  for (const std::string& d : devices) data.platform_ids.push_back("help:" + d);
  std::vector<std::vector<double>> latency;
  std::vector<bool> connected;
  for (int no = 2; std::getline(in, line); ++no) {
    if (line.empty()) continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    if (cells.size() != header.size()) {
      std::cerr << me << a.csv << " line " << no << ": " << cells.size() << " columns, expected " << header.size() << "\n";
      return 1;
    }
    Result<Graph> g = BuildNasBench201(cells[1], form);
    Result<bool> conn = NasBench201Connected(cells[1]);
    if (!g.ok() || !conn.ok()) {
      std::cerr << me << a.csv << " line " << no << ": " << (g.ok() ? conn.status() : g.status()).message() << "\n";
      return 1;
    }
    data.networks.push_back({"nb201-" + cells[0], GraphStructureHash(*g), AnalyzeGraph(*g).values()});
    connected.push_back(*conn);
    std::vector<double> row;
    for (size_t c : column) {
      char* end = nullptr;
      double v = cells[c].empty() ? NAN : std::strtod(cells[c].c_str(), &end);
      row.push_back(std::isfinite(v) && v > 0 ? v : NAN);
    }
    latency.push_back(row);
  }
  const auto n = static_cast<Eigen::Index>(data.networks.size()), p = static_cast<Eigen::Index>(devices.size());
  data.latency_ms.resize(n, p);
  data.status = Eigen::Matrix<int8_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(n, p);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < p; ++j) data.latency_ms(i, j) = latency[static_cast<size_t>(i)][static_cast<size_t>(j)];

  // Reference networks: HELP's 10 hardware-embedding indices.
  Result<std::string> idx_text = ReadTextFile(a.embedding_index);
  nlohmann::json idx = idx_text.ok() ? nlohmann::json::parse(*idx_text, nullptr, false) : nlohmann::json();
  if (!idx.is_object() || !idx.contains("nasbench201") || !idx["nasbench201"].is_array()) {
    std::cerr << me << "'" << a.embedding_index << "' must be a JSON object with a \"nasbench201\" index array\n";
    return 1;
  }
  EvalOptions o;
  o.train_platforms = train_devices;
  o.held_out = test_devices;
  std::set<int> refs;
  for (const nlohmann::json& v : idx["nasbench201"]) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= n) {
      std::cerr << me << "hardware embedding index out of range\n";
      return 1;
    }
    o.reference_pool.push_back("nb201-" + std::to_string(v.get<int64_t>()));
    refs.insert(static_cast<int>(v.get<int64_t>()));
  }
  o.baseline_d = static_cast<int>(o.reference_pool.size());
  o.d_values = {o.baseline_d};
  // Training pool: the first `pool` indices, less the 10 % fastest and 10 % slowest by mean log
  // latency over the training devices (HELP's rule). Tests: every other connected cell.
  std::vector<std::pair<double, int>> by_speed;
  for (int i = 0; i < static_cast<int>(std::min<size_t>(a.pool, data.networks.size())); ++i) {
    double s = 0;
    int k = 0;
    for (size_t j = 0; j < train_devices.size(); ++j)
      if (std::isfinite(data.latency_ms(i, static_cast<Eigen::Index>(j)))) s += std::log(data.latency_ms(i, static_cast<Eigen::Index>(j))), ++k;
    if (k > 0 && connected[static_cast<size_t>(i)]) by_speed.push_back({s / k, i});
  }
  std::sort(by_speed.begin(), by_speed.end());
  size_t cut = by_speed.size() / 10;
  for (size_t k = cut; k + cut < by_speed.size(); ++k) o.train_networks.push_back(by_speed[k].second);
  for (int r : refs)
    if (std::find(o.train_networks.begin(), o.train_networks.end(), r) == o.train_networks.end()) o.train_networks.push_back(r);
  for (int i = static_cast<int>(a.pool); i < static_cast<int>(n); ++i)
    if (connected[static_cast<size_t>(i)] && !refs.count(i)) o.test_networks.push_back(i);

  std::vector<EvalMethod> methods = StandardMethods(a.train);
  if (a.methods != "all") {
    std::vector<std::string> wanted = SplitCommas(a.methods);
    methods.erase(std::remove_if(methods.begin(), methods.end(),
                                 [&](const EvalMethod& m) { return std::find(wanted.begin(), wanted.end(), m.name) == wanted.end(); }),
                  methods.end());
  }
  Result<std::vector<EvalCell>> cells = EvaluateLeaveOnePlatformOut(data, methods, o);
  if (!cells.ok()) {
    std::cerr << me << cells.status().message() << "\n";
    return 1;
  }
  std::error_code ec;
  fs::create_directories(a.out_dir, ec);
  std::ostringstream md;
  md << "# HELP's protocol on NAS-Bench-201 (public data)\n\n"
     << "Train devices: " << a.train_devices << ". Test devices (never trained on), each given the " << o.baseline_d
     << " networks of HELP's hardware embedding: " << a.test_devices << ". Training networks: " << o.train_networks.size()
     << " (first " << a.pool << " indices, less the 10 % fastest and slowest); test networks: " << o.test_networks.size()
     << " per device (all other connected cells). Cells built as `--nb201-cell " << a.cell
     << "`. Data: HELP (MIT), see the dataset's README and licences.\n\n"
     << "Spearman rho per test device (HELP's published value in the last row):\n\n| method |";
  for (const std::string& d : test_devices) md << " " << d << " |";
  md << " mean |\n|---|";
  for (size_t i = 0; i <= test_devices.size(); ++i) md << "---|";
  md << "\n";
  std::vector<std::string> order;
  for (const EvalCell& c : *cells)
    if (std::find(order.begin(), order.end(), c.method) == order.end()) order.push_back(c.method);
  nlohmann::json j;
  for (const std::string& m : order) {
    md << "| " << m << " |";
    double sum = 0;
    int k = 0;
    for (const std::string& d : test_devices)
      for (const EvalCell& c : *cells)
        if (c.method == m && c.platform == d) {
          md << " " << std::fixed << std::setprecision(3) << c.metrics.spearman << " |";
          sum += c.metrics.spearman;
          ++k;
          j["results"].push_back({{"method", m}, {"device", d}, {"n", c.metrics.n}, {"spearman", c.metrics.spearman},
                                  {"mape", c.metrics.mape}, {"within_10", c.metrics.within_10},
                                  {"within_15", c.metrics.within_15}, {"seconds", c.train_seconds}});
          std::cout << std::left << std::setw(15) << m << std::setw(16) << d << std::right << " rho " << std::fixed
                    << std::setprecision(3) << c.metrics.spearman << "  MAPE " << std::setprecision(1)
                    << 100 * c.metrics.mape << " %  within10 " << 100 * c.metrics.within_10 << " %\n";
        }
    md << " " << std::setprecision(3) << (k ? sum / k : NAN) << " |\n";
  }
  md << "| HELP (published) |";
  double help_sum = 0;
  for (const std::string& d : test_devices) {
    auto it = kHelpRho.find(d);
    md << " " << (it == kHelpRho.end() ? std::string("-") : std::to_string(it->second).substr(0, 5)) << " |";
    if (it != kHelpRho.end()) help_sum += it->second;
  }
  md << " " << std::setprecision(3) << help_sum / static_cast<double>(test_devices.size()) << " |\n\n"
     << "MAPE and share within 10 % / 15 % per test device:\n\n| method | device | MAPE | within 10 % | within 15 % |\n|---|---|---|---|---|\n";
  for (const EvalCell& c : *cells)
    md << "| " << c.method << " | " << c.platform << " | " << std::setprecision(1) << 100 * c.metrics.mape << " % | "
       << 100 * c.metrics.within_10 << " % | " << 100 * c.metrics.within_15 << " % |\n";
  std::ofstream(fs::path(a.out_dir) / "evaluation-public.md") << md.str();
  std::ofstream(fs::path(a.out_dir) / "evaluation-public.json") << j.dump(1) << "\n";
  std::cout << "wrote " << a.out_dir << "/evaluation-public.{md,json}\n";
  return 0;
}

}  // namespace

void AddEvaluatePublicCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<PublicArgs>();
  a->train.pcn.epochs = 30;
  a->train.pcn.max_seconds = 60;
  auto* cmd = app.add_subcommand("evaluate-public", "HELP's protocol on the public NAS-Bench-201 latency data");
  cmd->add_option("--nb201", a->csv, "nb201_latency_ms.csv")->required();
  cmd->add_option("--embedding-index", a->embedding_index, "hardware_embedding_index.json")->required();
  cmd->add_option("--out-dir", a->out_dir, "where evaluation-public.{md,json} go");
  cmd->add_option("--train-devices", a->train_devices, "HELP device names to train on");
  cmd->add_option("--test-devices", a->test_devices, "HELP device names to test on");
  cmd->add_option("--methods", a->methods, "comma-separated subset, or all");
  cmd->add_option("--pool", a->pool, "training pool: the first N indices");
  cmd->add_option("--nb201-cell", a->cell,
                  "every-edge (NB201's InferCell: every edge runs, none is x*0) or live-only (only work that reaches the "
                  "cell output)");
  cmd->add_option("--epochs", a->train.pcn.epochs, "PCN epochs");
  cmd->add_option("--seed", a->train.seed, "training seed");
  cmd->callback([a, &exit_code]() { exit_code = RunPublic(*a); });
}

}  // namespace acesniper::cli
