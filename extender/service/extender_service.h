// The running extender: routes HTTP requests to the verbs, counts them, logs one line per call,
// and keeps the snapshot current from a background thread (model and catalogue files reloaded
// when they change; node and pod sources re-read every refresh). Handlers read a snapshot and
// never wait for a reload.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "config/extender_config.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "state/cluster_snapshot.h"

namespace acesniper::extender {

// Where log lines go (main sets stderr); may be called from any thread.
using LogSink = std::function<void(const std::string& line)>;
// Seconds since the Unix epoch; tests pass a fixed clock.
using Clock = std::function<double()>;
double SystemClock();

class ExtenderService {
 public:
  ExtenderService(ExtenderConfig config, LogSink log, Clock clock = SystemClock);
  ~ExtenderService();  // stops the refresher
  ExtenderService(const ExtenderService&) = delete;
  ExtenderService& operator=(const ExtenderService&) = delete;

  // Loads what changed since the last call: model + catalogue (by file size and mtime), nodes and
  // pods files. Errors are logged and counted; the previous parts stay in use.
  void Refresh();
  // Refresh() every min(reload, refresh) seconds on a thread of its own until destruction.
  void StartRefresher();

  HttpReply Handle(HttpRequest request);  // by value: the body moves into the decoder
  bool ready() const { return snapshot_.Get().model != nullptr; }
  const Metrics& metrics() const { return metrics_; }

 private:
  struct FileStamp {
    long long size = -1, mtime_ns = -1;
    bool operator==(const FileStamp& o) const { return size == o.size && mtime_ns == o.mtime_ns; }
  };
  static FileStamp Stamp(const std::string& path);

  ExtenderConfig config_;
  LogSink log_;
  Clock clock_;
  SnapshotHolder snapshot_;
  Metrics metrics_;
  FileStamp model_stamp_, catalogue_stamp_;
  std::mutex refresh_mu_;
  std::thread refresher_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace acesniper::extender
