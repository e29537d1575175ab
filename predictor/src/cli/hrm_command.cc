// acesniper hrm: a platform's HRM vector from its measured reference latencies (eq. 6-11).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "acesniper/model/latency_model.h"
#include "acesniper/measure/hrm_from_store.h"
#include "acesniper/measure/store.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct HrmArgs {
  std::string model;
  std::vector<std::string> stores;
  std::string platform;
  std::string out;
};

int RunHrm(const HrmArgs& a) {
  const char* me = "acesniper hrm: ";
  std::string model_path = a.model.empty() ? DefaultModelDir() + "/latency-model.json" : a.model;
  Result<LatencyModel> model = LatencyModel::Load(model_path);
  if (!model.ok()) {
    std::cerr << me << model.status().message() << "\n";
    return 1;
  }
  std::vector<MeasurementRecord> all;
  for (const std::string& path : a.stores) {
    Result<std::vector<MeasurementRecord>> rows = ReadStore(path);
    if (!rows.ok()) {
      std::cerr << me << rows.status().message() << "\n";
      return 1;
    }
    all.insert(all.end(), rows->begin(), rows->end());
  }
  Result<HrmFitInput> in = ReferenceLatencies(model->spec, all, a.platform);
  if (!in.ok()) {
    std::cerr << me << in.status().message() << "\n";
    return 1;
  }
  Result<HrmVector> v = FitHrm(model->spec, *in);
  if (!v.ok()) {
    std::cerr << me << v.status().message() << "\n";
    return 1;
  }
  std::string text = v->ToJson().dump(1) + "\n";
  if (a.out.empty() || a.out == "-") {
    std::cout << text;
    return 0;
  }
  std::ofstream f(a.out + ".tmp", std::ios::trunc);
  f << text;
  f.close();
  if (!f || std::rename((a.out + ".tmp").c_str(), a.out.c_str()) != 0) {
    std::cerr << me << "cannot write '" << a.out << "'\n";
    return 1;
  }
  std::cout << a.out << ": " << a.platform << ", " << v->measured << " of " << model->spec.d()
            << " reference networks, range " << v->min_ms << "-" << v->max_ms << " ms\n";
  return 0;
}

}  // namespace

void AddHrmCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<HrmArgs>();
  auto* cmd = app.add_subcommand("hrm", "fit a platform's HRM vector from its measured reference networks");
  cmd->add_option("--model", a->model, "latency model (default: the shipped one)");
  cmd->add_option("--data", a->stores, "measurement store(s) holding the platform's reference networks")->required();
  cmd->add_option("--platform", a->platform, "platform name in the stores")->required();
  cmd->add_option("--out", a->out, "HRM JSON to write (default: stdout)");
  cmd->callback([a, &exit_code]() { exit_code = RunHrm(*a); });
}

}  // namespace acesniper::cli
