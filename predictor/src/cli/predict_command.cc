// acesniper predict: latency of model files on platforms given by their HRM vectors. Without
// --model / --hrm it uses the shipped model and the HRM vectors of the platforms it was measured on.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/common/read_file.h"
#include "acesniper/model/latency_model.h"
#include "acesniper/torch/torchscript.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

namespace fs = std::filesystem;

struct PredictArgs {
  std::string model;
  std::vector<std::string> hrm_files;
  std::vector<std::string> files;
  std::string input_shape;
  bool json = false;
};

int RunPredict(const PredictArgs& a) {
  const char* me = "acesniper predict: ";
  const std::string dir = DefaultModelDir();
  Result<LatencyModel> model = LatencyModel::Load(a.model.empty() ? dir + "/latency-model.json" : a.model);
  if (!model.ok()) {
    std::cerr << me << model.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> hrm_files = a.hrm_files.empty() ? ShippedHrmFiles() : a.hrm_files;
  if (hrm_files.empty()) {
    std::cerr << me << "no --hrm given and no shipped HRM vectors in '" << dir << "/hrm'\n";
    return 2;
  }
  Result<std::vector<HrmVector>> loaded = LoadHrmVectors(hrm_files, model->spec);
  if (!loaded.ok()) {
    std::cerr << me << loaded.status().message() << "\n";
    return 1;
  }
  std::vector<HrmVector> hrms = std::move(loaded).value();
  ImportOptions opts;
  if (!a.input_shape.empty()) {
    Result<Shape> s = ParseShape(a.input_shape);
    if (!s.ok()) {
      std::cerr << me << "--input-shape: " << s.status().message() << "\n";
      return 2;
    }
    opts.input_shape = *s;
  }
  int failures = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& file : a.files) {
    Result<Graph> g = ImportModelFile(file, opts);
    if (!g.ok()) {
      std::cerr << me << g.status().message() << "\n";
      ++failures;
      continue;
    }
    std::vector<double> features = AnalyzeGraph(*g).values();
    std::vector<PredictionQuery> queries;
    for (const HrmVector& h : hrms) queries.push_back({&features, &h});
    Result<std::vector<LatencyPrediction>> p = model->Predict(queries);
    if (!p.ok()) {
      std::cerr << me << file << ": " << p.status().message() << "\n";
      ++failures;
      continue;
    }
    std::string name = fs::path(file).stem().string();
    for (size_t i = 0; i < hrms.size(); ++i) {
      const LatencyPrediction& r = (*p)[i];
      if (a.json) {
        out.push_back({{"network", name}, {"file", file}, {"platform", hrms[i].platform},
                       {"latency_ms", r.ms}, {"route", PredictionRouteName(r.route)}});
      } else {
        std::cout << std::left << std::setw(24) << name << std::setw(22) << hrms[i].platform << std::right
                  << std::fixed << std::setprecision(2) << std::setw(10) << r.ms << " ms  (" << PredictionRouteName(r.route)
                  << ")\n";
      }
    }
  }
  if (a.json) std::cout << out.dump(1) << "\n";
  return failures ? 1 : 0;
}

}  // namespace

void AddPredictCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<PredictArgs>();
  auto* cmd = app.add_subcommand("predict", "predict the latency of model files on platforms given by HRM vectors");
  cmd->add_option("files", a->files, "model files (.pt TorchScript, .onnx)")->required();
  cmd->add_option("--model", a->model, "latency model (default: the shipped one)");
  // One file per --hrm: a vector option would otherwise take the model files after it as HRM files.
  cmd->add_option("--hrm", a->hrm_files, "HRM vector JSON, one per --hrm, repeatable (default: the shipped ones)")
      ->allow_extra_args(false);
  cmd->add_option("--input-shape", a->input_shape, "N,C,H,W (default: the file's own, else 1,3,224,224)");
  cmd->add_flag("--json", a->json, "JSON array of predictions");
  cmd->callback([a, &exit_code]() { exit_code = RunPredict(*a); });
}

}  // namespace acesniper::cli
