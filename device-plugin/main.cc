// acesniper-device-plugin: the node agent (a DaemonSet). Benchmarks this node's platform on the
// HRM reference set, fits its HRM vector, and publishes it as the Node's acesniper.io/hrm
// annotation and acesniper.io/ labels; then checks every checkSeconds and benchmarks again when
// the platform's fingerprint or the model's HRM spec changes, or on schedule.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "agent/agent_config.h"
#include "acesniper/measure/store.h"
#include "agent/agent_pass.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

double NowUnix() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Log(const nlohmann::json& event) {
  nlohmann::json line = {{"time", acesniper::UtcNowIso8601()}};
  line.update(event);
  std::cerr << line.dump() << std::endl;
}

// Sleeps in small steps so that SIGTERM ends the wait.
void Sleep(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// `acesniper` beside this binary (the image installs both in /usr/bin), else on PATH.
std::vector<std::string> DefaultWorker() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto sibling = self.parent_path() / "acesniper";
  if (!ec && std::filesystem::exists(sibling)) return {sibling.string(), "measure-worker"};
  return {"acesniper", "measure-worker"};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"acesniper-device-plugin: benchmarks this node and publishes its HRM vector on the Node"};
  std::string config_path;
  bool once = false, check_config = false, no_publish = false;
  app.add_option("--config", config_path, "agent configuration (YAML; device-plugin/config/example.yaml)")->required();
  app.add_flag("--once", once, "one pass (benchmark if needed, publish), then exit: 0 when the Node carries the vector");
  app.add_flag("--check-config", check_config, "validate the configuration and exit");
  app.add_flag("--no-publish", no_publish, "benchmark and fit only; print the annotations and labels it would set");
  CLI11_PARSE(app, argc, argv);

  const char* env_node = std::getenv("NODE_NAME");
  auto config = acesniper::agent::LoadAgentConfig(config_path, env_node ? env_node : "");
  if (!config.ok()) {
    std::cerr << "acesniper-device-plugin: " << config.status().message() << "\n";
    return 2;
  }
  if (check_config) {
    std::cout << config_path << ": ok (node " << config->node_name << ", platform " << config->platform << ")\n";
    return 0;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  acesniper::agent::PassEnvironment env;
  env.default_worker = DefaultWorker();
  env.sleep = Sleep;
  env.log = Log;
  while (true) {
    env.now_unix = NowUnix();
    auto pass = acesniper::agent::RunAgentPass(*config, env, !no_publish);
    if (!pass.ok()) Log({{"event", "pass-failed"}, {"error", pass.status().message()}});
    if (pass.ok() && no_publish) {
      auto d = acesniper::agent::DesiredMetadata(*config, pass->state);
      std::cout << nlohmann::json{{"annotations", d.annotations}, {"labels", d.labels}}.dump(1) << "\n";
    }
    if (once || no_publish) return pass.ok() ? 0 : 1;
    Sleep(config->check_seconds);
    if (g_stop) return 0;
  }
}
