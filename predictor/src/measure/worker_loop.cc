// The measuring worker's side of the protocol (benchmark.h): one JSON line in, one JSON line out.
#include <unistd.h>

#include <cerrno>
#include <string>

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

nlohmann::json Measure(Runner& runner, const PlatformConfig& p, const std::string& line) {
  nlohmann::json job_json;
  try {
    job_json = nlohmann::json::parse(line);
  } catch (const std::exception& e) {
    return {{"status", "failed"}, {"message", std::string("the job is not JSON: ") + e.what()}};
  }
  auto job = JobFromJson(job_json);
  if (!job.ok()) return {{"status", "failed"}, {"message", job.status().message()}};
  Status loaded = runner.Load(*job);
  if (!loaded.ok()) {
    bool unsupported = loaded.code() == Status::Code::kUnsupported;
    return {{"status", unsupported ? "unsupported" : "failed"}, {"message", loaded.message()}};
  }
  auto t = MeasureLatency([&] { return runner.RunOnce(); }, p.timing);
  if (!t.ok()) {
    bool unsupported = t.status().code() == Status::Code::kUnsupported;
    return {{"status", unsupported ? "unsupported" : "failed"}, {"message", t.status().message()}};
  }
  return {{"status", "ok"},      {"median_ms", t->median_ms}, {"mad_ms", t->mad_ms}, {"min_ms", t->min_ms},
          {"mean_ms", t->mean_ms}, {"cv", t->cv},               {"runs", t->runs},     {"rejected", t->rejected},
          {"seconds", t->seconds}};
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
      if (!WriteLine(out_fd, Measure(runner, p, line).dump())) return 1;
      continue;
    }
    ssize_t n = ::read(in_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;  // the parent closed the pipe: done
    buffer.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace acesniper
