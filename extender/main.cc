// acesniper-extender: the kube-scheduler HTTP extender. main only wires: config -> service ->
// HTTP server, then waits for SIGTERM/SIGINT. docs/extender.md is the operator's guide.
#include <csignal>
#include <iostream>
#include <mutex>

#include <CLI/CLI.hpp>

#include "config/extender_config.h"
#include "http/http_server.h"
#include "service/extender_service.h"

int main(int argc, char** argv) {
  using namespace acesniper::extender;
  CLI::App app{"acesniper-extender: kube-scheduler extender scoring nodes by predicted latency and deadline laxity"};
  std::string config_path;
  bool check_only = false;
  app.add_option("--config", config_path, "YAML configuration (docs/extender.md); without it, every default");
  app.add_flag("--check-config", check_only, "validate the configuration and the model files, then exit");
  CLI11_PARSE(app, argc, argv);

  ExtenderConfig config;
  if (!config_path.empty()) {
    acesniper::Result<ExtenderConfig> loaded = LoadExtenderConfig(config_path);
    if (!loaded.ok()) {
      std::cerr << "acesniper-extender: " << loaded.status().message() << "\n";
      return 2;
    }
    config = *loaded;
  }
  if (config.api_in_cluster) {
    acesniper::Result<acesniper::kube::ApiServerConfig> in_cluster = acesniper::kube::InClusterConfig();
    if (!in_cluster.ok()) {
      std::cerr << "acesniper-extender: cluster.apiServer: in-cluster: " << in_cluster.status().message() << "\n";
      return 2;
    }
    config.api = *in_cluster;
  }
  if (check_only) {
    acesniper::Result<std::shared_ptr<const ModelBundle>> b = LoadModelBundle(config.model_file, config.catalogue_file);
    if (!b.ok()) {
      std::cerr << "acesniper-extender: " << b.status().message() << "\n";
      return 1;
    }
    std::cout << "config ok; model spec " << (*b)->spec_id << ", " << (*b)->catalogue.features.size() << " networks\n";
    return 0;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  static std::mutex log_mu;
  ExtenderService service(config, [](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    std::cerr << line << "\n";
  });
  service.Refresh();  // a model that fails to load leaves /readyz at 503 until a good one appears
  service.StartRefresher();

  HttpServerOptions http;
  http.address = config.address;
  http.port = config.port;
  http.max_body_bytes = config.max_body_bytes;
  http.read_timeout_seconds = config.read_timeout_seconds;
  http.max_connections = config.max_connections;
  http.cert_file = config.tls.cert_file;
  http.key_file = config.tls.key_file;
  http.client_ca_file = config.tls.client_ca_file;
  acesniper::Result<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(http, [&service](HttpRequest r) { return service.Handle(std::move(r)); });
  if (!server.ok()) {
    std::cerr << "acesniper-extender: " << server.status().message() << "\n";
    return 1;
  }
  std::cerr << "{\"event\":\"listening\",\"address\":\"" << config.address << "\",\"port\":" << (*server)->port()
            << ",\"https\":" << (config.tls.enabled() ? "true" : "false") << ",\"prefix\":\"" << config.url_prefix << "\"}"
            << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cerr << "{\"event\":\"stopping\",\"signal\":" << sig << "}" << std::endl;
  server->reset();
  return 0;
}
