#include "agent/agent_pass.h"

#include <cstdio>
#include <filesystem>

#include "acesniper/kube/annotations.h"
#include "acesniper/measure/benchmark.h"
#include "acesniper/measure/fingerprint.h"
#include "acesniper/measure/hrm_from_store.h"
#include "acesniper/measure/store.h"
#include "acesniper/model/latency_model.h"

namespace acesniper::agent {

namespace fs = std::filesystem;

namespace {

// The spec's reference networks, as benchmark jobs (batch 1). Any generated name rebuilds, so a
// model trained on another version of the reference set is measured as it was trained.
Result<std::vector<BenchmarkNetwork>> ReferenceNetworks(const HrmSpec& spec) {
  auto nets = NamedBenchmarkNetworks(spec.reference_networks, {1});
  if (!nets.ok())
    return Status::InvalidArgument("the model's HRM spec names a network the generator does not make: " +
                                   nets.status().message());
  return nets;
}

// The state file; a corrupt one is moved aside (kept for inspection) and the agent starts over.
AgentState LoadOrStartState(const std::string& path, const PassEnvironment& env) {
  Result<AgentState> s = LoadAgentState(path);
  if (s.ok()) return *s;
  if (s.status().code() != Status::Code::kNotFound) {
    const std::string aside = path + ".corrupt";
    std::error_code ec;
    fs::rename(path, aside, ec);
    env.log({{"event", "state-corrupt"}, {"error", s.status().message()}, {"moved_to", aside}});
  }
  return AgentState{};
}

// Why this pass benchmarks; kind kNone: it does not.
struct BenchmarkDecision {
  enum class Kind { kNone, kFirst, kChanged, kScheduled } kind = Kind::kNone;
  std::string reason;  // for the log and the pass report
};

BenchmarkDecision DecideBenchmark(const AgentConfig& c, const AgentState& s, const std::string& platform_id,
                                  const std::string& spec_id, double now) {
  using Kind = BenchmarkDecision::Kind;
  // The state is saved only with a fitted vector, so a benchmark killed before its fit starts over
  // here as a first one (and resumes its store).
  if (s.hrm.empty()) return {Kind::kFirst, "first benchmark"};
  if (s.platform != c.platform) return {Kind::kChanged, "platform changed from " + s.platform + " to " + c.platform};
  if (s.platform_id != platform_id)
    return {Kind::kChanged, "fingerprint changed from " + s.platform_id + " to " + platform_id};
  if (s.spec_id != spec_id) return {Kind::kChanged, "HRM spec changed from " + s.spec_id + " to " + spec_id};
  if (c.rebenchmark_hours > 0 && now - s.benchmarked_unix > c.rebenchmark_hours * 3600)
    return {Kind::kScheduled, "scheduled re-benchmark"};
  return {};
}

}  // namespace

kube::DesiredNodeMetadata DesiredMetadata(const AgentConfig& c, const AgentState& state) {
  kube::DesiredNodeMetadata d;
  d.annotations[kube::kNodeHrm] = state.hrm;
  if (c.bandwidth_mb_s > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", c.bandwidth_mb_s);
    d.annotations[kube::kNodeBandwidthMbS] = buf;
  }
  d.labels = c.extra_labels;
  d.labels[kube::kLabelPlatform] = c.platform_label.empty() ? c.platform : c.platform_label;
  d.labels[kube::kLabelHrmSpec] = state.spec_id;
  d.labels[kube::kLabelHrmVersion] = "v1";
  return d;
}

Result<PassReport> RunAgentPass(const AgentConfig& c, const PassEnvironment& env, bool publish) {
  PassReport report;
  Result<LatencyModel> model = LatencyModel::Load(c.model_file);
  if (!model.ok()) return model.status().WithContext("latency model");
  const std::string spec_id = model->spec.Id();
  Result<PlatformConfig> platform = FindPlatform(c.platform, c.platforms_file);
  if (!platform.ok()) return platform.status();
  std::error_code ec;
  const std::string scratch = c.state_dir + "/scratch";
  fs::create_directories(scratch, ec);
  if (ec) return Status::IOError("cannot create the state directory '" + scratch + "': " + ec.message());
  const std::string state_path = c.state_dir + "/state.json";
  AgentState state = LoadOrStartState(state_path, env);

  BenchmarkOptions o;
  o.platform = *platform;
  o.worker_command = c.worker.empty() ? env.default_worker : c.worker;
  o.worker_command.insert(o.worker_command.end(), {"--scratch-dir", scratch});
  o.network_timeout_seconds = c.network_timeout_seconds;
  Result<nlohmann::json> fingerprint = ProbeFingerprint(o);
  if (!fingerprint.ok()) return fingerprint.status().WithContext("probing platform '" + c.platform + "'");
  const std::string platform_id = FingerprintId(*fingerprint);

  const BenchmarkDecision decision = DecideBenchmark(c, state, platform_id, spec_id, env.now_unix);
  report.benchmark_reason = decision.reason;
  if (decision.kind != BenchmarkDecision::Kind::kNone) {
    env.log({{"event", "benchmark-start"}, {"reason", report.benchmark_reason}, {"platform", c.platform},
             {"platform_id", platform_id}, {"spec_id", spec_id}});
    const std::string store_path = c.state_dir + "/reference-" + platform_id + ".csv";
    if (decision.kind == BenchmarkDecision::Kind::kScheduled) {  // a fresh measurement, the old one kept
      fs::rename(store_path, store_path + ".previous", ec);
      fs::rename(store_path + ".platforms.jsonl", store_path + ".previous.platforms.jsonl", ec);
    }
    auto networks = ReferenceNetworks(model->spec);
    if (!networks.ok()) return networks.status();
    auto store = MeasurementStore::Open(store_path);
    if (!store.ok()) return store.status();
    size_t logged = 0;  // a line per 10 networks or so (progress arrives per block of networks)
    o.on_progress = [&](const BenchmarkProgress& p) {
      const size_t done = p.done + p.skipped;
      if (done < logged + 10 && done != p.total) return;
      logged = done;
      env.log({{"event", "benchmark-progress"}, {"done", done}, {"total", p.total}, {"seconds", p.seconds}});
    };
    Result<BenchmarkReport> bench = RunBenchmark(*networks, o, *store);
    if (!bench.ok()) return bench.status().WithContext("benchmark");
    report.measured = bench->ok + bench->unsupported + bench->failed + bench->timeout + bench->crashed;
    report.skipped = bench->skipped;
    report.benchmark_seconds = bench->seconds;
    auto rows = ReadStore(store_path);
    if (!rows.ok()) return rows.status();
    auto input = ReferenceLatencies(model->spec, *rows, c.platform);
    if (!input.ok()) return input.status();
    Result<HrmVector> v = FitHrm(model->spec, *input);
    if (!v.ok()) return v.status().WithContext("fitting the HRM vector");
    state.node = c.node_name;
    state.platform = c.platform;
    state.platform_id = platform_id;
    state.spec_id = spec_id;
    state.hrm = v->ToCompactString();
    state.benchmarked_at = UtcNowIso8601();
    state.benchmarked_unix = env.now_unix;
    state.benchmark_seconds = bench->seconds;
    ACESNIPER_RETURN_IF_ERROR(SaveAgentState(state_path, state));
    env.log({{"event", "hrm-fitted"}, {"measured", v->measured}, {"of", model->spec.d()}, {"min_ms", v->min_ms},
             {"max_ms", v->max_ms}, {"seconds", bench->seconds}, {"bytes", state.hrm.size()}});
  }
  report.state = state;
  if (!publish) return report;

  Result<kube::ApiServerConfig> api = ResolveApiServer(c);
  if (!api.ok()) return api.status().WithContext("API server");
  Result<PublishReport> pub = PublishNodeMetadata(*api, c.node_name, DesiredMetadata(c, state), c.retry, env.sleep);
  if (!pub.ok()) return pub.status();  // the vector stays in the state file; the next pass publishes it
  report.published = pub->patched;
  if (state.published_hrm != state.hrm || pub->patched) {
    state.published_hrm = state.hrm;
    state.published_at = UtcNowIso8601();
    ACESNIPER_RETURN_IF_ERROR(SaveAgentState(state_path, state));
  }
  report.state = state;
  env.log({{"event", pub->patched ? "published" : "up-to-date"}, {"node", c.node_name}, {"attempts", pub->attempts},
           {"conflicts", pub->conflicts}});
  return report;
}

}  // namespace acesniper::agent
