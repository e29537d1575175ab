// acesniper-extender-bench: where a filter or prioritize call spends its time, in process (no
// HTTP): decoding the ExtenderArgs alone, then each whole verb. scripts/bench-extender.sh drives
// it beside wrk; docs/extender-benchmarks.md has the figures.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "acesniper/common/read_file.h"
#include "handlers/verbs.h"
#include "state/cluster_state.h"

namespace {

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

template <class F>
std::vector<double> Time(int repeat, F f) {
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    auto t = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace acesniper;
  using namespace acesniper::extender;
  CLI::App app{"acesniper-extender-bench: time the extender's verbs in process"};
  std::string model, catalogue, nodes_file, request_file;
  int repeat = 200;
  app.add_option("--model", model, "latency model JSON")->required();
  app.add_option("--catalogue", catalogue, "network catalogue")->required();
  app.add_option("--nodes-file", nodes_file, "v1.NodeList JSON for the node cache (NodeNames requests)");
  app.add_option("--request", request_file, "ExtenderArgs JSON body")->required();
  app.add_option("--repeat", repeat, "calls per measurement")->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);

  Result<std::shared_ptr<const ModelBundle>> bundle = LoadModelBundle(model, catalogue);
  Result<std::string> body = ReadTextFile(request_file);
  if (!bundle.ok() || !body.ok()) {
    std::cerr << "acesniper-extender-bench: " << (bundle.ok() ? body.status() : bundle.status()).message() << "\n";
    return 1;
  }
  ClusterSnapshot snap;
  snap.model = *bundle;
  if (!nodes_file.empty()) {
    Result<std::string> nodes = ReadTextFile(nodes_file);
    Result<std::shared_ptr<const NodeCache>> cache =
        nodes.ok() ? NodeCacheFromNodeList(*nodes, 125) : Result<std::shared_ptr<const NodeCache>>(nodes.status());
    if (!cache.ok()) {
      std::cerr << "acesniper-extender-bench: " << cache.status().message() << "\n";
      return 1;
    }
    snap.nodes = *cache;
  }
  DecideOptions o;
  const double now = 1795737600;
  VerbResponse check = HandleFilter(*body, snap, o, now);
  if (check.status != 200 || !check.decision.error.empty()) {
    std::cerr << "acesniper-extender-bench: the request does not decide: " << check.body.substr(0, 300) << "\n";
    return 1;
  }
  std::cout << "request " << request_file << ": " << body->size() << " bytes, " << check.candidates << " candidates ("
            << (check.nodes_mode ? "Nodes" : "NodeNames") << " mode), " << check.decision.predictions << " predictions\n";
  struct Row {
    const char* what;
    std::vector<double> ms;
  };
  std::vector<Row> rows;
  rows.push_back({"decode ExtenderArgs", Time(repeat, [&] { (void)ParseExtenderArgs(*body); })});
  rows.push_back({"filter (decode+decide+encode)", Time(repeat, [&] { (void)HandleFilter(*body, snap, o, now); })});
  rows.push_back({"prioritize (decode+decide+encode)", Time(repeat, [&] { (void)HandlePrioritize(*body, snap, o, now); })});
  std::cout << std::fixed << std::setprecision(3);
  for (const Row& r : rows)
    std::cout << std::left << std::setw(36) << r.what << " median " << Percentile(r.ms, 0.5) << " ms, p99 "
              << Percentile(r.ms, 0.99) << " ms (" << repeat << " calls)\n";
  return 0;
}
