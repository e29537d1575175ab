#include <filesystem>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/torch/torchscript.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct AnalyzeArgs {
  std::vector<std::string> files;
  std::string input_shape;
  bool json = false;
  bool layers = false;
  bool summary = false;
  bool structure = false;
};

void PrintLayers(const Graph& g) {
  for (size_t i = 0; i < g.size(); ++i) {
    const Node& n = g.node(static_cast<int>(i));
    std::cout << "  #" << i << " " << OpKindName(n.op);
    if (n.op == OpKind::kActivation) std::cout << ":" << ActKindName(n.act);
    if (n.op == OpKind::kConv)
      std::cout << " k" << n.conv.kernel_h << "x" << n.conv.kernel_w << " s" << n.conv.stride_h << " p" << n.conv.pad_h
                << " d" << n.conv.dilation_h << " g" << n.conv.groups;
    std::cout << " " << ShapeToString(n.out) << " <-";
    for (int j : n.inputs) std::cout << " #" << j;
    if (!n.source_op.empty()) std::cout << "  (" << n.source_op << ")";
    if (n.extra_params) std::cout << "  +" << n.extra_params << " params";
    std::cout << "\n";
  }
}

int RunAnalyze(const AnalyzeArgs& a) {
  ImportOptions opts;
  if (!a.input_shape.empty()) {
    auto s = ParseShape(a.input_shape);
    if (!s.ok()) {
      std::cerr << "acesniper analyze: --input-shape: " << s.status().ToString() << "\n";
      return 2;
    }
    opts.input_shape = s.value();
  }
  int failures = 0;
  int header_printed = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& path : a.files) {
    auto g = ImportModelFile(path, opts);
    if (!g.ok()) {
      std::cerr << "acesniper analyze: " << g.status().ToString() << "\n";
      ++failures;
      continue;
    }
    if (a.structure) {
      std::cout << path << ": network_hash " << GraphStructureHash(*g) << "\n" << GraphStructureText(*g);
      continue;
    }
    if (a.layers) {
      std::cout << path << ": " << g->size() << " layers (canonical graph)\n";
      PrintLayers(g.value());
      continue;
    }
    Features f = AnalyzeGraph(g.value());
    std::string name = std::filesystem::path(path).stem().string();
    if (a.summary) {
      if (!header_printed++)
        std::cout << std::left << std::setw(22) << "model" << std::setw(18) << "input" << std::right << std::setw(10)
                  << "GMACs" << std::setw(12) << "params" << std::setw(8) << "layers" << std::setw(9) << "cp_lay"
                  << std::setw(9) << "branch" << "\n";
      std::cout << std::left << std::setw(22) << name << std::setw(18) << ShapeToString(g->input_shape()) << std::right
                << std::fixed << std::setprecision(3) << std::setw(10) << f.Get("flops_total") / 2e9
                << std::setprecision(0) << std::setw(12) << f.Get("params_total") << std::setw(8) << f.Get("struct_layers")
                << std::setw(9) << f.Get("struct_cp_layers") << std::setw(9) << f.Get("struct_max_branches") << "\n"
                << std::defaultfloat << std::setprecision(6);
      continue;
    }
    if (a.json) {
      nlohmann::json feats = nlohmann::json::object();
      for (const auto& [k, v] : f.Named()) feats[k] = v;
      out.push_back({{"name", name}, {"file", path}, {"schema", kFeatureSchema},
                     {"network_hash", GraphStructureHash(*g)}, {"input_shape", g->input_shape()}, {"features", feats}});
    } else {
      std::cout << name << " (" << path << ", input " << ShapeToString(g->input_shape()) << ", " << kFeatureSchema
                << ", network_hash " << GraphStructureHash(*g) << ")\n";
      for (const auto& [k, v] : f.Named()) std::cout << "  " << std::left << std::setw(28) << k << " " << v << "\n";
    }
  }
  if (a.json) std::cout << out.dump(1) << "\n";
  return failures ? 1 : 0;
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  auto* cmd = app.add_subcommand("analyze", "structure features (Table III) of TorchScript or ONNX models");
  cmd->add_option("files", args->files, "model files (.pt TorchScript, .onnx)")->required();
  cmd->add_option("--input-shape", args->input_shape, "N,C,H,W (default: the file's own, else 1,3,224,224)");
  cmd->add_flag("--json", args->json, "one JSON object per model");
  cmd->add_flag("--layers", args->layers, "print the canonical layer graph instead of features");
  cmd->add_flag("--structure", args->structure, "print the network's identity (network_hash) and the canonical text it hashes");
  cmd->add_flag("--summary", args->summary, "one line per model: GMACs, parameters, layers");
  cmd->callback([args, &exit_code]() { exit_code = RunAnalyze(*args); });
}

}  // namespace acesniper::cli
