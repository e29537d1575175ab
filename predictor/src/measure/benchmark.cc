#include "acesniper/measure/benchmark.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "acesniper/analyze/features.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/measure/fingerprint.h"
#include "acesniper/measure/reference_set.h"
#include "acesniper/measure/subprocess.h"

namespace acesniper {

nlohmann::json JobForGenerated(const GeneratorOptions& o, uint64_t index, const std::string& name, int64_t batch) {
  return {{"name", name},
          {"batch", batch},
          {"generated", {{"seed", o.seed}, {"index", index}, {"min_flops", o.min_flops}, {"max_flops", o.max_flops},
                         {"extended", o.extended}}}};
}

nlohmann::json JobForFiles(const std::string& name, const std::string& torchscript_path, const std::string& onnx_path,
                           const Shape& input_shape, int64_t batch) {
  return {{"name", name}, {"batch", batch}, {"torchscript", torchscript_path}, {"onnx", onnx_path}, {"input_shape", input_shape}};
}

Result<NetworkJob> JobFromJson(const nlohmann::json& j) {
  try {
    NetworkJob job;
    job.name = j.at("name").get<std::string>();
    job.batch = j.at("batch").get<int64_t>();
    if (job.batch < 1) return Status::InvalidArgument("batch must be >= 1");
    if (j.contains("generated")) {
      const auto& g = j["generated"];
      GeneratorOptions o;
      o.seed = g.at("seed").get<uint64_t>();
      o.min_flops = g.at("min_flops").get<double>();
      o.max_flops = g.at("max_flops").get<double>();
      o.extended = g.value("extended", false);
      auto net = GenerateNetwork(o, g.at("index").get<uint64_t>());
      if (!net.ok()) return net.status();
      job.input_shape = net->graph.input_shape();
      job.weight_seed = o.seed;
      job.graph = std::move(net->graph);
    } else {
      job.torchscript_path = j.value("torchscript", "");
      job.onnx_path = j.value("onnx", "");
      job.input_shape = j.at("input_shape").get<Shape>();
    }
    return job;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("bad job: ") + e.what());
  }
}

Result<std::map<std::string, std::string>> WorkerEnvironment(const PlatformConfig& p) {
  std::map<std::string, std::string> env;
  std::string t = std::to_string(p.threads);
  env["OMP_NUM_THREADS"] = t;
  env["OPENBLAS_NUM_THREADS"] = t;
  env["MKL_NUM_THREADS"] = t;
  if (p.runner == RunnerKind::kTorch) {
    auto dir = BlasLibraryPath(p.blas);
    if (!dir.ok()) return dir.status();
    if (!dir->empty()) {
      const char* old = std::getenv("LD_LIBRARY_PATH");
      env["LD_LIBRARY_PATH"] = *dir + (old && *old ? std::string(":") + old : "");
    }
  }
  return env;
}

namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Starts the worker and reads its fingerprint line.
Result<nlohmann::json> StartWorker(WorkerProcess& w, const BenchmarkOptions& o,
                                   const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = o.worker_command;
  argv.push_back("--platform-json");
  argv.push_back(PlatformToJson(o.platform).dump());
  ACESNIPER_RETURN_IF_ERROR(w.Start(argv, env));
  WorkerProcess::ReadError why;
  auto hello = w.ReadLine(120, &why);
  if (!hello.ok()) return hello.status().WithContext("starting the measuring worker");
  try {
    auto j = nlohmann::json::parse(*hello);
    if (j.contains("error")) return Status::Unsupported("platform '" + o.platform.name + "': " + j["error"].get<std::string>());
    return j.at("fingerprint");
  } catch (const std::exception& e) {
    return Status::Internal("the worker's first line is not a fingerprint: " + *hello);
  }
}

// A worker's reply: the status and message, and for ok the visit's timing summary.
void ParseReply(const nlohmann::json& r, MeasurementRecord* rec, TimingSummary* t) {
  auto st = ParseMeasureStatus(r.value("status", "failed"));
  rec->status = st.ok() ? *st : MeasureStatus::kFailed;
  rec->message = r.value("message", "");
  t->median_ms = r.value("median_ms", 0.0);
  t->mad_ms = r.value("mad_ms", 0.0);
  t->min_ms = r.value("min_ms", 0.0);
  t->cv = r.value("cv", 0.0);
  t->runs = r.value("runs", 0);
  t->rejected = r.value("rejected", 0);
}

// One platform's run: blocks of networks to the worker, outcomes to the store.
class BenchmarkRun {
 public:
  BenchmarkRun(const BenchmarkOptions& o, MeasurementStore& store, std::map<std::string, std::string> env)
      : o_(o), store_(store), env_(std::move(env)) {}

  Status EnsureWorker() {
    if (worker_.running()) return Status::Ok();
    auto fp = StartWorker(worker_, o_, env_);
    if (!fp.ok()) return fp.status();
    std::string id = FingerprintId(*fp);
    if (!report_.platform_id.empty() && id != report_.platform_id)
      return Status::Internal("the platform's fingerprint changed between workers (" + report_.platform_id + " -> " + id + ")");
    report_.platform_id = id;
    return store_.RecordPlatform(id, o_.platform.name, *fp);
  }

  // Measures a block: one request per visit, each to a fresh worker process (timing.h), then
  // the fastest visit per network is recorded. If a worker hangs or dies before answering for
  // the whole block, its networks are measured again one by one, so that only the culprit is
  // marked timeout or crashed.
  Status MeasureBlock(const std::vector<const BenchmarkNetwork*>& block) {
    const int visits = std::max(1, o_.platform.timing.visits);
    std::vector<std::vector<TimingSummary>> sums(block.size());
    std::vector<std::optional<MeasurementRecord>> done(block.size());  // not ok: settled early
    for (int v = 0; v < visits; ++v) {
      std::vector<size_t> pending;
      for (size_t i = 0; i < block.size(); ++i)
        if (!done[i]) pending.push_back(i);
      if (pending.empty()) break;
      worker_.Stop();  // a fresh process per visit
      ACESNIPER_RETURN_IF_ERROR(EnsureWorker());
      nlohmann::json request = {{"block", nlohmann::json::array()}, {"visit", v}};
      for (size_t i : pending) request["block"].push_back(block[i]->job);
      Status sent = worker_.Send(request.dump());
      double deadline = o_.network_timeout_seconds * static_cast<double>(pending.size()) / visits;
      for (size_t i : pending) {
        WorkerProcess::ReadError why = WorkerProcess::ReadError::kGone;
        Result<std::string> reply = sent.ok() ? worker_.ReadLine(deadline, &why) : Result<std::string>(sent);
        const double waited = deadline;
        deadline = 60;  // the rest follow at once
        if (!reply.ok()) {
          if (block.size() > 1) {
            for (size_t j = 0; j < block.size(); ++j) {
              if (done[j]) ACESNIPER_RETURN_IF_ERROR(Record(*done[j]));
              else ACESNIPER_RETURN_IF_ERROR(MeasureBlock({block[j]}));
            }
            return Status::Ok();
          }
          MeasurementRecord rec = NewRecord(*block[i]);
          if (why == WorkerProcess::ReadError::kTimeout) {
            rec.status = MeasureStatus::kTimeout;
            rec.message = "no result within " + std::to_string(static_cast<int>(waited)) + " s (this visit's share of --timeout); worker killed";
          } else {
            rec.status = MeasureStatus::kCrashed;
            rec.message = reply.status().message();
          }
          return Record(rec);
        }
        MeasurementRecord rec = NewRecord(*block[i]);
        TimingSummary t;
        try {
          ParseReply(nlohmann::json::parse(*reply), &rec, &t);
        } catch (const std::exception&) {
          rec.status = MeasureStatus::kFailed;
          rec.message = "the worker's reply is not JSON: " + reply->substr(0, 200);
        }
        if (rec.status != MeasureStatus::kOk) {
          done[i] = rec;
          continue;
        }
        sums[i].push_back(t);
      }
    }
    for (size_t i = 0; i < block.size(); ++i) {
      if (done[i]) {
        ACESNIPER_RETURN_IF_ERROR(Record(*done[i]));
        continue;
      }
      TimingSummary t = CombineVisits(sums[i]);
      MeasurementRecord rec = NewRecord(*block[i]);
      rec.median_ms = t.median_ms;
      rec.mad_ms = t.mad_ms;
      rec.min_ms = t.min_ms;
      rec.cv = t.cv;
      rec.runs = t.runs;
      rec.rejected = t.rejected;
      rec.visits = t.visits;
      rec.visit_spread = t.visit_spread;
      ACESNIPER_RETURN_IF_ERROR(Record(rec));
    }
    return Status::Ok();
  }

  Result<BenchmarkReport> Run(const std::vector<BenchmarkNetwork>& networks) {
    ACESNIPER_RETURN_IF_ERROR(EnsureWorker());
    progress_.total = networks.size();
    std::vector<const BenchmarkNetwork*> block;
    const size_t block_size = static_cast<size_t>(std::max(1, o_.block_size));
    for (const BenchmarkNetwork& net : networks) {
      if (store_.Contains({report_.platform_id, net.hash, net.batch})) {
        ++report_.skipped;
        ++progress_.skipped;
        continue;
      }
      block.push_back(&net);
      if (block.size() == block_size) {
        ACESNIPER_RETURN_IF_ERROR(MeasureBlock(block));
        block.clear();
      }
    }
    if (!block.empty()) ACESNIPER_RETURN_IF_ERROR(MeasureBlock(block));
    worker_.Stop();
    report_.seconds = SecondsSince(start_);
    return report_;
  }

 private:
  MeasurementRecord NewRecord(const BenchmarkNetwork& net) const {
    MeasurementRecord rec;
    rec.platform = o_.platform.name;
    rec.platform_id = report_.platform_id;
    rec.network = net.name;
    rec.network_hash = net.hash;
    rec.batch = net.batch;
    rec.flops = net.flops;
    rec.measured_at = UtcNowIso8601();
    return rec;
  }

  Status Record(const MeasurementRecord& rec) {
    ACESNIPER_RETURN_IF_ERROR(store_.Append(rec));
    switch (rec.status) {
      case MeasureStatus::kOk: ++report_.ok; break;
      case MeasureStatus::kUnsupported: ++report_.unsupported; break;
      case MeasureStatus::kFailed: ++report_.failed; break;
      case MeasureStatus::kTimeout: ++report_.timeout; break;
      case MeasureStatus::kCrashed: ++report_.crashed; break;
    }
    ++progress_.done;
    progress_.seconds = SecondsSince(start_);
    progress_.last = &rec;
    if (o_.on_progress) o_.on_progress(progress_);
    progress_.last = nullptr;
    return Status::Ok();
  }

  const BenchmarkOptions& o_;
  MeasurementStore& store_;
  std::map<std::string, std::string> env_;
  WorkerProcess worker_;
  BenchmarkReport report_;
  BenchmarkProgress progress_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<std::vector<BenchmarkNetwork>> GeneratedBenchmarkNetworks(const GeneratorOptions& o, uint64_t first,
                                                                 uint64_t count, const std::vector<int64_t>& batches) {
  std::vector<BenchmarkNetwork> out;
  for (uint64_t i = first; i < first + count; ++i) {
    auto net = GenerateNetwork(o, i);
    if (!net.ok()) return net.status().WithContext("network " + std::to_string(i));
    std::string hash = GraphStructureHash(net->graph);
    double flops = AnalyzeGraph(net->graph).Get("flops_total");
    for (int64_t b : batches) out.push_back({net->name, hash, flops, b, JobForGenerated(o, i, net->name, b)});
  }
  return out;
}

Result<std::vector<BenchmarkNetwork>> NamedBenchmarkNetworks(const std::vector<std::string>& names,
                                                             const std::vector<int64_t>& batches) {
  std::vector<BenchmarkNetwork> out;
  for (const std::string& name : names) {
    Result<GeneratedName> g = ParseGeneratedName(name);
    if (!g.ok()) return Status::InvalidArgument(g.status().message());
    auto one = GeneratedBenchmarkNetworks(g->options, g->index, 1, batches);
    if (!one.ok()) return one.status();
    out.insert(out.end(), one->begin(), one->end());
  }
  return out;
}

Result<nlohmann::json> ProbeFingerprint(const BenchmarkOptions& o) {
  auto env = WorkerEnvironment(o.platform);
  if (!env.ok()) return env.status();
  WorkerProcess worker;
  auto fp = StartWorker(worker, o, *env);
  worker.Stop();
  return fp;
}

Result<BenchmarkReport> RunBenchmark(const std::vector<BenchmarkNetwork>& networks, const BenchmarkOptions& o,
                                     MeasurementStore& store) {
  ACESNIPER_RETURN_IF_ERROR(PlatformAvailableHere(o.platform).WithContext("platform '" + o.platform.name + "'"));
  auto env = WorkerEnvironment(o.platform);
  if (!env.ok()) return env.status();
  BenchmarkRun run(o, store, *env);
  return run.Run(networks);
}

}  // namespace acesniper
