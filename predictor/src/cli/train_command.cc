// acesniper train: the offline training phase (section IV-C) from measurement stores.
#include <iomanip>
#include <iostream>

#include "acesniper/model/trainer.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct TrainArgs {
  std::vector<std::string> stores;
  std::string features;
  std::string out;
  std::string platforms;
  size_t d = 120;
  bool table_iv_references = false;
  TrainOptions options;
};

int RunTrain(const TrainArgs& a) {
  const char* me = "acesniper train: ";
  Result<LatencyDataset> data = LoadDataset(a.stores, a.features);
  if (!data.ok()) {
    std::cerr << me << data.status().message() << "\n";
    return 1;
  }
  std::vector<int> platforms, networks;
  if (a.platforms.empty()) {
    for (size_t p = 0; p < data->platforms.size(); ++p) platforms.push_back(static_cast<int>(p));
  } else {
    for (const std::string& name : SplitCommas(a.platforms)) {
      int p = data->FindPlatform(name);
      if (p < 0) {
        std::cerr << me << "platform '" << name << "' has no measurements in the given stores\n";
        return 2;
      }
      platforms.push_back(p);
    }
  }
  for (size_t i = 0; i < data->networks.size(); ++i) networks.push_back(static_cast<int>(i));
  TrainOptions o = a.options;
  o.reference_networks = MeasuredReferenceNames(*data, a.table_iv_references);
  if (o.reference_networks.size() < a.d) {
    std::cerr << me << "--d " << a.d << ": the stores have " << o.reference_networks.size()
              << " networks of the reference set (acesniper measure --reference-set)\n";
    return 2;
  }
  o.reference_networks.resize(a.d);
  TrainReport report;
  Result<LatencyModel> model = TrainLatencyModel(*data, platforms, networks, o, &report);
  if (!model.ok()) {
    std::cerr << me << model.status().message() << "\n";
    return 1;
  }
  Status saved = model->Save(a.out);
  if (!saved.ok()) {
    std::cerr << me << saved.message() << "\n";
    return 1;
  }
  std::cout << "reference networks: " << o.reference_networks.size() << " (" << CountExtendedSpace(o.reference_networks)
            << " of the extended space)\n";
  std::cout << "platforms:";
  for (int p : platforms) std::cout << " " << data->platforms[static_cast<size_t>(p)];
  std::cout << "\nnetworks: " << networks.size() << ", pairs: " << report.pairs << "\nkey features:";
  for (const std::string& k : report.key_features) std::cout << " " << k;
  std::cout << "\nsingular networks:";
  for (const std::string& s : report.singular_networks) std::cout << " " << s;
  if (!model->cost_prior.empty())
    std::cout << "\ncost prior: " << model->cost_prior.columns.size() << " layer cost terms x "
              << model->cost_prior.platforms.size() << " platform cost models";
  if (!model->inference) {
    std::cout << "\nPCN: none (the cost prior alone; --pcn-correction adds one)\nwrote " << a.out << "\n";
    return 0;
  }
  std::cout << "\nPCN: " << report.pcn_parameter_count << " parameters, " << report.pcn.epochs << " epochs, "
            << std::fixed << std::setprecision(1) << report.pcn.seconds << " s, loss "
            << std::setprecision(5) << (report.pcn.epoch_loss.empty() ? 0 : report.pcn.epoch_loss.front()) << " -> "
            << (report.pcn.epoch_loss.empty() ? 0 : report.pcn.epoch_loss.back()) << "\nwrote " << a.out << "\n";
  return 0;
}

}  // namespace

void AddTrainCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "train the latency model (key features, HRM spec, PCN) on measured data");
  cmd->add_option("--data", a->stores, "measurement store (.csv or .csv.gz); repeatable")->required();
  cmd->add_option("--features", a->features, "feature table of the stores' networks (acesniper features)")->required();
  cmd->add_option("--out", a->out, "model file to write (JSON)")->required();
  cmd->add_option("--platform", a->platforms, "platforms to train on, comma-separated (default: all in the stores)");
  cmd->add_option("--d", a->d, "reference networks per platform (the first d of the reference set that the stores have)")
      ->check(CLI::Range(3, 1000));
  cmd->add_flag("--table-iv-references", a->table_iv_references,
                "version 1 of the reference set: its Table IV networks only, no extended-space ones");
  cmd->add_option("--key-features", a->options.key_features, "K of Algorithm 1")->check(CLI::Range(1, 64));
  cmd->add_option("--singular", a->options.singular, "singular networks in Hs")->check(CLI::Range(0, 1000));
  cmd->add_option("--hrm-variants", a->options.hrm_variants, "HRM vectors per training platform")->check(CLI::Range(1, 100));
  cmd->add_option("--small-flops", a->options.small_flops, "structure checker: below this, the Bayesian ridge path");
  cmd->add_option("--seed", a->options.seed, "training seed");
  cmd->add_flag_callback("--no-cost-prior", [a] { a->options.cost_prior = false; },
                         "no per-layer cost prior: the PCN predicts the whole latency (the paper's form, NNS+HRM)");
  cmd->add_flag_callback("--no-family-factors", [a] { a->options.family_factors = false; },
                         "with the cost prior, no per-family factors in HRM vectors (the form before 2026-11-28)");
  cmd->add_flag_callback("--pcn-correction", [a] { a->options.pcn_correction = true; },
                         "with the cost prior, also train the PCN on the departure from it (LayerCost+NNS+HRM)");
  cmd->add_option("--epochs", a->options.pcn.epochs, "PCN epochs")->check(CLI::Range(0, 100000));
  cmd->add_option("--threads", a->options.pcn.threads, "intra-op threads")->check(CLI::Range(1, 256));
  cmd->add_option("--max-seconds", a->options.pcn.max_seconds, "stop PCN training after this wall time (0: none)");
  cmd->callback([a, &exit_code]() { exit_code = RunTrain(*a); });
}

}  // namespace acesniper::cli
