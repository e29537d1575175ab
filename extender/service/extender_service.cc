#include "service/extender_service.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "acesniper/common/read_file.h"
#include "acesniper/kube/api_client.h"
#include "handlers/verbs.h"
#include "state/cluster_state.h"

namespace acesniper::extender {

double SystemClock() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ExtenderService::ExtenderService(ExtenderConfig config, LogSink log, Clock clock)
    : config_(std::move(config)), log_(std::move(log)), clock_(std::move(clock)) {}

ExtenderService::~ExtenderService() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

ExtenderService::FileStamp ExtenderService::Stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

void ExtenderService::Refresh() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  auto event = [this](const char* what, const std::string& detail) {
    log_(nlohmann::json{{"ts", clock_()}, {"event", what}, {"detail", detail}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
  const FileStamp m = Stamp(config_.model_file), c = Stamp(config_.catalogue_file);
  if (!(m == model_stamp_ && c == catalogue_stamp_)) {
    Result<std::shared_ptr<const ModelBundle>> bundle = LoadModelBundle(config_.model_file, config_.catalogue_file);
    metrics_.ModelReloaded(bundle.ok());
    if (bundle.ok()) {
      snapshot_.SetModel(*bundle);
      event("model-loaded", config_.model_file + " (spec " + (*bundle)->spec_id + "), " +
                                std::to_string((*bundle)->catalogue.features.size()) + " networks in " + config_.catalogue_file);
    } else {
      event("model-load-failed", bundle.status().message());
    }
    model_stamp_ = m;  // a broken file is retried when it changes again, not every second
    catalogue_stamp_ = c;
  }
  // Node and pod lists: from the API server, or from files; the same decoders either way.
  auto list = [this](const std::string& file, const char* api_path) -> Result<std::string> {
    if (config_.uses_api_server()) return kube::ApiGet(config_.api, api_path);
    return ReadTextFile(file);
  };
  if (config_.uses_api_server() || !config_.nodes_file.empty()) {
    Result<std::string> text = list(config_.nodes_file, "/api/v1/nodes");
    Result<std::shared_ptr<const NodeCache>> nodes =
        text.ok() ? NodeCacheFromNodeList(*text, config_.decide.default_bandwidth_mb_s) : Result<std::shared_ptr<const NodeCache>>(text.status());
    if (nodes.ok()) snapshot_.SetNodes(*nodes);
    else event("nodes-refresh-failed", nodes.status().message());
  }
  const ClusterSnapshot now = snapshot_.Get();
  if ((config_.uses_api_server() || !config_.pods_file.empty()) && now.model) {
    // Unfinished pods only: the API server filters by phase.
    Result<std::string> text = list(config_.pods_file, "/api/v1/pods?fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed");
    Result<std::shared_ptr<const NodeLoads>> loads =
        text.ok() ? NodeLoadsFromPodList(*text, *now.model, *now.nodes, config_.decide, clock_())
                  : Result<std::shared_ptr<const NodeLoads>>(text.status());
    if (loads.ok()) snapshot_.SetLoads(*loads);
    else event("pods-refresh-failed", loads.status().message());
  }
}

void ExtenderService::StartRefresher() {
  const double period = std::min(config_.reload_seconds, config_.refresh_seconds);
  refresher_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::duration<double>(period), [this] { return stopping_; })) {
      lock.unlock();
      Refresh();
      lock.lock();
    }
  });
}

HttpReply ExtenderService::Handle(HttpRequest request) {
  const auto start = std::chrono::steady_clock::now();
  std::string verb = "other";
  HttpReply reply;
  VerbResponse verb_response;
  bool decided = false;
  std::string path = request.target.substr(0, request.target.find('?'));
  const std::string& prefix = config_.url_prefix;
  const bool under_prefix = path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/';
  const std::string sub = under_prefix ? path.substr(prefix.size()) : "";
  if (request.method == "GET" && path == "/healthz") {
    verb = "healthz";
    reply = {200, "text/plain; charset=utf-8", "ok\n"};
  } else if (request.method == "GET" && path == "/readyz") {
    verb = "readyz";
    reply = ready() ? HttpReply{200, "text/plain; charset=utf-8", "ready\n"}
                    : HttpReply{503, "text/plain; charset=utf-8", "latency model not loaded\n"};
  } else if (request.method == "GET" && path == "/metrics") {
    verb = "metrics";
    reply = {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.Render()};
  } else if (sub == "/filter" || sub == "/prioritize") {
    verb = sub.substr(1);
    if (request.method != "POST") {
      reply = {405, "text/plain; charset=utf-8", "use POST\n"};
    } else {
      const ClusterSnapshot snapshot = snapshot_.Get();
      verb_response = verb == "filter" ? HandleFilter(std::move(request.body), snapshot, config_.decide, clock_())
                                       : HandlePrioritize(std::move(request.body), snapshot, config_.decide, clock_());
      decided = true;
      reply = {verb_response.status, "application/json", verb_response.body};
    }
  } else {
    reply = {404, "text/plain; charset=utf-8", "not found: " + path + " (verbs: " + prefix + "/filter, " + prefix + "/prioritize)\n"};
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.ObserveRequest(verb, reply.status, seconds);
  if (decided) {
    const PodDecision& d = verb_response.decision;
    metrics_.AddPredictions(d.predictions, d.cache_hits);
    if (verb == "filter") {
      metrics_.AddFilteredForDeadline(d.filtered_for_deadline);
      if (!d.error.empty()) metrics_.AddPodErrors(1);
    }
    if (config_.log_requests) {
      int passed = 0;
      int best = -1;
      for (size_t i = 0; i < d.nodes.size(); ++i) {
        passed += d.nodes[i].pass;
        if (d.nodes[i].pass && (best < 0 || d.nodes[i].score > d.nodes[static_cast<size_t>(best)].score)) best = static_cast<int>(i);
      }
      nlohmann::json line = {{"ts", clock_()}, {"verb", verb}, {"code", reply.status}, {"pod", verb_response.pod},
                             {"mode", verb_response.nodes_mode ? "Nodes" : "NodeNames"}, {"candidates", verb_response.candidates},
                             {"passed", passed}, {"opted_in", d.opted_in}, {"predictions", d.predictions}, {"cache_hits", d.cache_hits},
                             {"filtered_for_deadline", d.filtered_for_deadline}, {"ms", seconds * 1000}};
      if (d.opted_in && best >= 0 && d.error.empty()) line["best"] = d.nodes[static_cast<size_t>(best)].name;
      if (!d.error.empty()) line["error"] = d.error;
      if (reply.status != 200) line["error"] = verb_response.body;
      log_(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  return reply;
}

}  // namespace acesniper::extender
