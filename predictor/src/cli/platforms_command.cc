#include <iostream>

#include <nlohmann/json.hpp>

#include "acesniper/measure/platform.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct PlatformsArgs {
  std::string platforms_file;
  bool json = false;
};

int RunPlatforms(const PlatformsArgs& a) {
  std::vector<PlatformConfig> all = BuiltinPlatforms();
  if (!a.platforms_file.empty()) {
    auto more = LoadPlatformsFile(a.platforms_file);
    if (!more.ok()) {
      std::cerr << "acesniper platforms: " << more.status().message() << "\n";
      return 1;
    }
    for (auto& p : *more) all.push_back(p);
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : all) {
    Status here = PlatformAvailableHere(p);
    if (a.json) {
      nlohmann::json j = PlatformToJson(p);
      j["description"] = p.description;
      j["available"] = here.ok();
      if (!here.ok()) j["unavailable_because"] = here.message();
      out.push_back(j);
    } else {
      std::cout << (here.ok() ? "  " : "- ") << p.name << "  [" << RunnerKindName(p.runner) << ", " << p.threads
                << (p.threads == 1 ? " thread" : " threads") << "]  " << p.description;
      if (!here.ok()) std::cout << "  (unavailable here: " << here.message() << ")";
      std::cout << "\n";
    }
  }
  if (a.json) std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

void AddPlatformsCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PlatformsArgs>();
  auto* cmd = app.add_subcommand("platforms", "list the platform configurations (runner settings) available here");
  cmd->add_option("--platforms-file", args->platforms_file, "JSON file with more platforms (exec runners and others)");
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args, &exit_code]() { exit_code = RunPlatforms(*args); });
}

}  // namespace acesniper::cli
