// The measuring worker's side of the protocol (benchmark.h): a block of jobs in one JSON line,
// one JSON line back per job.
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "acesniper/measure/benchmark.h"
#include "acesniper/measure/fingerprint.h"

namespace acesniper {

namespace {

bool WriteLine(int fd, const std::string& s) {
  std::string data = s + "\n";
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

nlohmann::json Failure(const Status& st) {
  bool unsupported = st.code() == Status::Code::kUnsupported;
  return {{"status", unsupported ? "unsupported" : "failed"}, {"message", st.message()}};
}

// Loads every network of the block and times each once (one visit, timing.h), in order. One
// reply per job.
std::vector<nlohmann::json> MeasureBlock(Runner& runner, const PlatformConfig& p, const std::string& line) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(line);
  } catch (const std::exception& e) {
    return {{{"status", "failed"}, {"message", std::string("the request is not JSON: ") + e.what()}}};
  }
  if (!request.contains("block") || !request["block"].is_array() || request["block"].empty())
    return {{{"status", "failed"}, {"message", "the request has no 'block' of jobs"}}};
  const TimingOptions opts = VisitOptions(p.timing, request.value("visit", 0));
  const size_t n = request["block"].size();
  std::vector<nlohmann::json> replies(n);
  std::vector<std::unique_ptr<LoadedNetwork>> loaded(n);
  for (size_t i = 0; i < n; ++i) {
    auto job = JobFromJson(request["block"][i]);
    auto net = job.ok() ? runner.Load(*job) : Result<std::unique_ptr<LoadedNetwork>>(job.status());
    if (!net.ok()) {
      replies[i] = Failure(net.status());
      continue;
    }
    loaded[i] = std::move(*net);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!loaded[i]) continue;
    auto t = MeasureLatency([&] { return loaded[i]->RunOnce(); }, opts);
    if (!t.ok()) {
      replies[i] = Failure(t.status());
      continue;
    }
    replies[i] = {{"status", "ok"}, {"median_ms", t->median_ms}, {"mad_ms", t->mad_ms}, {"min_ms", t->min_ms},
                  {"mean_ms", t->mean_ms}, {"cv", t->cv}, {"runs", t->runs}, {"rejected", t->rejected},
                  {"seconds", t->seconds}};
  }
  return replies;
}

}  // namespace

int ServeMeasurements(Runner& runner, const PlatformConfig& p, int in_fd, int out_fd) {
  if (!WriteLine(out_fd, nlohmann::json{{"fingerprint", BuildFingerprint(p, runner.Describe())}}.dump())) return 1;
  std::string buffer;
  char buf[4096];
  for (;;) {
    auto nl = buffer.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      for (const auto& reply : MeasureBlock(runner, p, line))
        if (!WriteLine(out_fd, reply.dump())) return 1;
      continue;
    }
    ssize_t n = ::read(in_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;  // the parent closed the pipe: done
    buffer.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace acesniper
