#include "acesniper/measure/benchmark.h"

#include <chrono>

#include "acesniper/measure/fingerprint.h"
#include "acesniper/measure/subprocess.h"

namespace acesniper {

nlohmann::json JobForGenerated(const GeneratorOptions& o, uint64_t index, const std::string& name, int64_t batch) {
  return {{"name", name},
          {"batch", batch},
          {"generated", {{"seed", o.seed}, {"index", index}, {"min_flops", o.min_flops}, {"max_flops", o.max_flops}}}};
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

void FillFromReply(const nlohmann::json& r, MeasurementRecord* rec) {
  auto st = ParseMeasureStatus(r.value("status", "failed"));
  rec->status = st.ok() ? *st : MeasureStatus::kFailed;
  rec->message = r.value("message", "");
  if (rec->status == MeasureStatus::kOk) {
    rec->median_ms = r.value("median_ms", 0.0);
    rec->mad_ms = r.value("mad_ms", 0.0);
    rec->min_ms = r.value("min_ms", 0.0);
    rec->cv = r.value("cv", 0.0);
    rec->runs = r.value("runs", 0);
    rec->rejected = r.value("rejected", 0);
  }
}

}  // namespace

Result<BenchmarkReport> RunBenchmark(const std::vector<BenchmarkNetwork>& networks, const BenchmarkOptions& o,
                                     MeasurementStore& store) {
  ACESNIPER_RETURN_IF_ERROR(PlatformAvailableHere(o.platform).WithContext("platform '" + o.platform.name + "'"));
  auto env = WorkerEnvironment(o.platform);
  if (!env.ok()) return env.status();
  const auto start = std::chrono::steady_clock::now();
  BenchmarkReport report;
  WorkerProcess worker;
  auto ensure_worker = [&]() -> Status {
    if (worker.running()) return Status::Ok();
    auto fp = StartWorker(worker, o, *env);
    if (!fp.ok()) return fp.status();
    std::string id = FingerprintId(*fp);
    if (!report.platform_id.empty() && id != report.platform_id)
      return Status::Internal("the platform's fingerprint changed between workers (" + report.platform_id + " -> " + id + ")");
    report.platform_id = id;
    return store.RecordPlatform(id, o.platform.name, *fp);
  };
  ACESNIPER_RETURN_IF_ERROR(ensure_worker());
  BenchmarkProgress progress;
  progress.total = networks.size();
  for (const BenchmarkNetwork& net : networks) {
    if (store.Contains({report.platform_id, net.hash, net.batch})) {
      ++report.skipped;
      ++progress.skipped;
      continue;
    }
    ACESNIPER_RETURN_IF_ERROR(ensure_worker());
    MeasurementRecord rec;
    rec.platform = o.platform.name;
    rec.platform_id = report.platform_id;
    rec.network = net.name;
    rec.network_hash = net.hash;
    rec.batch = net.batch;
    rec.flops = net.flops;
    Status sent = worker.Send(net.job.dump());
    WorkerProcess::ReadError why = WorkerProcess::ReadError::kGone;
    Result<std::string> reply = sent.ok() ? worker.ReadLine(o.network_timeout_seconds, &why) : Result<std::string>(sent);
    rec.measured_at = UtcNowIso8601();
    if (reply.ok()) {
      try {
        FillFromReply(nlohmann::json::parse(*reply), &rec);
      } catch (const std::exception&) {
        rec.status = MeasureStatus::kFailed;
        rec.message = "the worker's reply is not JSON: " + reply->substr(0, 200);
      }
    } else if (why == WorkerProcess::ReadError::kTimeout) {
      rec.status = MeasureStatus::kTimeout;
      rec.message = "no result within " + std::to_string(static_cast<int>(o.network_timeout_seconds)) + " s; worker killed";
    } else {
      rec.status = MeasureStatus::kCrashed;
      rec.message = reply.status().message();
    }
    ACESNIPER_RETURN_IF_ERROR(store.Append(rec));
    switch (rec.status) {
      case MeasureStatus::kOk: ++report.ok; break;
      case MeasureStatus::kUnsupported: ++report.unsupported; break;
      case MeasureStatus::kFailed: ++report.failed; break;
      case MeasureStatus::kTimeout: ++report.timeout; break;
      case MeasureStatus::kCrashed: ++report.crashed; break;
    }
    ++progress.done;
    progress.seconds = SecondsSince(start);
    progress.last = &rec;
    if (o.on_progress) o.on_progress(progress);
    progress.last = nullptr;
  }
  worker.Stop();
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace acesniper
