// Measuring a list of networks on one platform: the parent side. Blocks of networks go to a
// worker process (`acesniper measure-worker`) that runs the engine; the parent enforces a
// per-network timeout, restarts a worker that hung or crashed, records every outcome in the
// store, and skips what the store already has (resume).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/generate/generator.h"
#include "acesniper/measure/platform.h"
#include "acesniper/measure/runner.h"
#include "acesniper/measure/store.h"
#include "acesniper/measure/timing.h"

namespace acesniper {

// A network to measure, as the parent knows it.
struct BenchmarkNetwork {
  std::string name;
  std::string hash;     // GraphStructureHash
  double flops = 0;     // batch 1
  int64_t batch = 1;
  nlohmann::json job;   // what the worker needs to build it (JobForGenerated / JobForFiles)
};

nlohmann::json JobForGenerated(const GeneratorOptions& opts, uint64_t index, const std::string& name, int64_t batch);
// Generated networks first..first+count-1 of `opts`, each at every batch size, with their
// structure hash and FLOPs.
Result<std::vector<BenchmarkNetwork>> GeneratedBenchmarkNetworks(const GeneratorOptions& opts, uint64_t first,
                                                                 uint64_t count, const std::vector<int64_t>& batches);
// Generated networks by name (gen-SEED-INDEX or genx-SEED-INDEX, ParseGeneratedName), in the
// given order, each at every batch size: the reference set is NamedBenchmarkNetworks(
// ReferenceSetNames(), ...). InvalidArgument names the first name the generator does not make.
Result<std::vector<BenchmarkNetwork>> NamedBenchmarkNetworks(const std::vector<std::string>& names,
                                                             const std::vector<int64_t>& batches);
nlohmann::json JobForFiles(const std::string& name, const std::string& torchscript_path, const std::string& onnx_path,
                           const Shape& input_shape, int64_t batch);
// The worker side: a job line back to a NetworkJob (generated networks are generated again).
Result<NetworkJob> JobFromJson(const nlohmann::json& j);

struct BenchmarkProgress {
  size_t done = 0, total = 0, skipped = 0;  // done counts this run's networks only
  double seconds = 0;
  const MeasurementRecord* last = nullptr;
};

struct BenchmarkOptions {
  PlatformConfig platform;
  std::vector<std::string> worker_command;  // e.g. {"/path/acesniper", "measure-worker"}
  double network_timeout_seconds = 300;     // load plus all visits of one network
  // Networks loaded and visited together (timing.h): each network's visits are separated by
  // the others' runs. Larger blocks use more memory; a hang or crash re-measures the rest of
  // its block one network at a time.
  int block_size = 24;
  std::function<void(const BenchmarkProgress&)> on_progress;
};

struct BenchmarkReport {
  std::string platform_id;
  size_t skipped = 0, ok = 0, unsupported = 0, failed = 0, timeout = 0, crashed = 0;
  double seconds = 0;
};

// The environment a worker for `p` starts with (threads, BLAS library path).
Result<std::map<std::string, std::string>> WorkerEnvironment(const PlatformConfig& p);

// Starts a worker for opts.platform, reads its fingerprint and stops it: what the platform is
// now (engine and library versions, CPUs, runner settings), without measuring anything. The
// node agent compares it with the last benchmark's to know when to benchmark again.
Result<nlohmann::json> ProbeFingerprint(const BenchmarkOptions& opts);

Result<BenchmarkReport> RunBenchmark(const std::vector<BenchmarkNetwork>& networks, const BenchmarkOptions& opts,
                                     MeasurementStore& store);

// The worker's loop: announces its fingerprint on `out_fd`, then answers each request line read
// from `in_fd` ({"block": [job, ...]}) with one result line per job, until end of input. Returns
// the process exit code.
int ServeMeasurements(Runner& runner, const PlatformConfig& p, int in_fd, int out_fd);

}  // namespace acesniper
