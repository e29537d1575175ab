#include "agent/node_publisher.h"

#include <algorithm>

namespace acesniper::agent {

namespace {

// Worth another try after a pause: the API server is down, overloaded or restarting.
bool Transient(int status) { return status == 429 || status >= 500; }

std::string Describe(const std::string& what, const kube::ApiResponse& r) {
  return what + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

}  // namespace

Result<PublishReport> PublishNodeMetadata(const kube::ApiServerConfig& api, const std::string& node,
                                          const kube::DesiredNodeMetadata& desired, const RetryPolicy& retry,
                                          const Sleeper& sleep) {
  PublishReport report;
  const std::string path = "/api/v1/nodes/" + node;
  double backoff = retry.initial_seconds;
  Status last = Status::Internal("no attempt made");
  bool conflict = false;  // the last try lost a race: retry at once, no pause
  for (int attempt = 1; attempt <= retry.attempts; ++attempt) {
    if (attempt > 1 && !conflict) {
      sleep(backoff);
      backoff = std::min(retry.max_seconds, backoff * 2);
    }
    conflict = false;
    report.attempts = attempt;
    Result<kube::ApiResponse> got = kube::ApiRequest(api, {"GET", path, "", ""});
    if (!got.ok()) {
      last = got.status();
      continue;
    }
    if (got->status != 200) {
      last = Status::IOError(Describe("GET " + path, *got));
      if (Transient(got->status)) continue;
      return last;  // 401, 403, 404: no retry mends these
    }
    Result<kube::NodeMetadata> current = kube::ParseNodeMetadata(got->body);
    if (!current.ok()) return current.status().WithContext("GET " + path);
    ACESNIPER_RETURN_IF_ERROR(kube::ValidateDesired(desired, *current));
    if (kube::IsUpToDate(desired, *current)) return report;
    Result<kube::ApiResponse> patched = kube::ApiRequest(
        api, {"PATCH", path, kube::MergePatchBody(desired, current->resource_version), "application/merge-patch+json"});
    if (!patched.ok()) {
      last = patched.status();
      continue;
    }
    if (patched->status == 200) {
      report.patched = true;
      return report;
    }
    if (patched->status == 409) {  // someone wrote the Node since our GET: read it again
      ++report.conflicts;
      conflict = true;
      last = Status::IOError(Describe("PATCH " + path, *patched));
      continue;
    }
    last = Status::IOError(Describe("PATCH " + path, *patched));
    if (!Transient(patched->status)) return last;
  }
  return last.WithContext("publishing to Node '" + node + "': gave up after " + std::to_string(retry.attempts) + " attempts");
}

}  // namespace acesniper::agent
