#include "agent/agent_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace acesniper::agent {

Result<AgentState> LoadAgentState(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("no agent state at '" + path + "'");
  std::stringstream text;
  text << f.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("agent state '" + path + "' is not a JSON object");
  if (j.value("schema", "") != kAgentStateSchema)
    return Status::InvalidArgument("agent state '" + path + "' has schema '" + j.value("schema", "") + "', not " + kAgentStateSchema);
  AgentState s;
  try {
    s.node = j.at("node").get<std::string>();
    s.platform = j.at("platform").get<std::string>();
    s.platform_id = j.at("platform_id").get<std::string>();
    s.spec_id = j.at("spec_id").get<std::string>();
    s.hrm = j.at("hrm").get<std::string>();
    s.benchmarked_at = j.at("benchmarked_at").get<std::string>();
    s.benchmarked_unix = j.at("benchmarked_unix").get<double>();
    s.benchmark_seconds = j.at("benchmark_seconds").get<double>();
    s.published_hrm = j.at("published_hrm").get<std::string>();
    s.published_at = j.at("published_at").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("agent state '" + path + "': " + e.what());
  }
  return s;
}

Status SaveAgentState(const std::string& path, const AgentState& s) {
  nlohmann::json j = {{"schema", kAgentStateSchema},
                      {"node", s.node},
                      {"platform", s.platform},
                      {"platform_id", s.platform_id},
                      {"spec_id", s.spec_id},
                      {"hrm", s.hrm},
                      {"benchmarked_at", s.benchmarked_at},
                      {"benchmarked_unix", s.benchmarked_unix},
                      {"benchmark_seconds", s.benchmark_seconds},
                      {"published_hrm", s.published_hrm},
                      {"published_at", s.published_at}};
  const std::string text = j.dump(1) + "\n";
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write agent state '" + tmp + "'");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot write agent state '" + path + "'");
  return Status::Ok();
}

}  // namespace acesniper::agent
