#include "acesniper/simulate/scenario.h"

#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

#include "acesniper/common/read_file.h"

namespace acesniper {

namespace {

Status CheckKeys(const YAML::Node& map, const std::set<std::string>& known, const std::string& where) {
  if (!map.IsMap()) return Status::InvalidArgument(where + " must be a mapping");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!known.count(key)) return Status::InvalidArgument(where + ": unknown key '" + key + "'");
  }
  return Status::Ok();
}

// A number at map[key] if present; must be finite and > 0 (or >= 0 when zero_ok).
Status Number(const YAML::Node& map, const char* key, const std::string& where, double* out, bool zero_ok = false) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  double x = 0;
  try {
    x = v.as<double>();
  } catch (const YAML::Exception&) {
    return Status::InvalidArgument(where + ": '" + key + "' must be a number");
  }
  if (!std::isfinite(x) || x < 0 || (!zero_ok && x == 0))
    return Status::InvalidArgument(where + ": '" + key + "' must be " + (zero_ok ? ">= 0" : "> 0"));
  *out = x;
  return Status::Ok();
}

Status ParseNodes(const YAML::Node& nodes, const LatencyTable& table, std::vector<ClusterNode>* out) {
  if (!nodes || !nodes.IsSequence() || nodes.size() == 0)
    return Status::InvalidArgument("'nodes' must be a non-empty list");
  std::set<std::string> names;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const YAML::Node n = nodes[i];
    std::string where = "node " + std::to_string(i);
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(n, {"name", "platform", "bandwidth_mbps", "link_latency_ms", "count"}, where));
    if (!n["name"] || !n["platform"]) return Status::InvalidArgument(where + ": needs 'name' and 'platform'");
    ClusterNode node;
    try {
      node.name = n["name"].as<std::string>();
      where += " ('" + node.name + "')";
      const std::string platform = n["platform"].as<std::string>();
      node.platform = table.FindPlatform(platform);
      if (node.platform < 0) {
        std::string known;
        for (const auto& p : table.platforms) known += (known.empty() ? "" : ", ") + p;
        return Status::InvalidArgument(where + ": platform '" + platform + "' has no latencies (known: " + known + ")");
      }
    } catch (const YAML::Exception&) {
      return Status::InvalidArgument(where + ": 'name' and 'platform' must be strings");
    }
    double mbps = 1000, latency_ms = 1, count = 1;
    ACESNIPER_RETURN_IF_ERROR(Number(n, "bandwidth_mbps", where, &mbps));
    ACESNIPER_RETURN_IF_ERROR(Number(n, "link_latency_ms", where, &latency_ms, true));
    ACESNIPER_RETURN_IF_ERROR(Number(n, "count", where, &count));
    if (count != std::floor(count) || count > 100000)
      return Status::InvalidArgument(where + ": 'count' must be a whole number up to 100000");
    node.bandwidth_mb_s = mbps / 8.0;
    node.link_latency_s = latency_ms / 1000.0;
    for (int c = 0; c < static_cast<int>(count); ++c) {
      ClusterNode copy = node;
      if (count > 1) copy.name = node.name + "-" + std::to_string(c + 1);
      if (!names.insert(copy.name).second) return Status::InvalidArgument(where + ": node name '" + copy.name + "' used twice");
      out->push_back(copy);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Scenario> ParseScenario(const std::string& yaml_text, const LatencyTable& table) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("not YAML: ") + e.what());
  }
  try {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(root, {"nodes", "tasks", "policy"}, "the cluster file"));
    Scenario s;
    s.workload.table = table;
    ACESNIPER_RETURN_IF_ERROR(ParseNodes(root["nodes"], table, &s.workload.nodes));
    if (const YAML::Node t = root["tasks"]) {
      ACESNIPER_RETURN_IF_ERROR(CheckKeys(
          t, {"inferences", "input_kb_per_inference", "result_kb_per_inference", "deadline_slack", "networks", "batch"},
          "'tasks'"));
      TaskTemplate& tt = s.workload.tasks;
      double inferences = tt.inferences, in_kb = tt.input_mb_per_inference * 1000, out_kb = tt.result_mb_per_inference * 1000;
      ACESNIPER_RETURN_IF_ERROR(Number(t, "inferences", "'tasks'", &inferences));
      if (inferences != std::floor(inferences) || inferences > 1e6)
        return Status::InvalidArgument("'tasks': 'inferences' must be a whole number from 1 to 1000000");
      ACESNIPER_RETURN_IF_ERROR(Number(t, "input_kb_per_inference", "'tasks'", &in_kb, true));
      ACESNIPER_RETURN_IF_ERROR(Number(t, "result_kb_per_inference", "'tasks'", &out_kb, true));
      tt.inferences = static_cast<int>(inferences);
      double batch = tt.batch;
      ACESNIPER_RETURN_IF_ERROR(Number(t, "batch", "'tasks'", &batch));
      if (batch != std::floor(batch) || batch > inferences)
        return Status::InvalidArgument("'tasks': 'batch' must be a whole number from 1 to 'inferences'");
      tt.batch = static_cast<int>(batch);
      if (const YAML::Node set = t["networks"]) {
        if (!set.IsScalar()) return Status::InvalidArgument("'tasks': 'networks' must be one of all, random, zoo");
        Result<LatencyTable> chosen = SelectNetworks(s.workload.table, set.Scalar());
        if (!chosen.ok()) return chosen.status().WithContext("'tasks': 'networks'");
        tt.networks = set.Scalar();
        s.workload.table = std::move(*chosen);
      }
      tt.input_mb_per_inference = in_kb / 1000;
      tt.result_mb_per_inference = out_kb / 1000;
      if (const YAML::Node slack = t["deadline_slack"]) {
        if (!slack.IsSequence() || slack.size() != 2)
          return Status::InvalidArgument("'tasks': 'deadline_slack' must be [min, max]");
        double lo = 0, hi = 0;
        try {
          lo = slack[0].as<double>();
          hi = slack[1].as<double>();
        } catch (const YAML::Exception&) {
          return Status::InvalidArgument("'tasks': 'deadline_slack' must be two numbers");
        }
        if (!(lo >= 1) || !(hi >= lo) || !std::isfinite(hi))
          return Status::InvalidArgument("'tasks': 'deadline_slack' must be [min, max] with 1 <= min <= max");
        tt.deadline_slack_min = lo;
        tt.deadline_slack_max = hi;
      }
    }
    if (const YAML::Node p = root["policy"]) {
      ACESNIPER_RETURN_IF_ERROR(CheckKeys(p, {"queue_cap", "time_spinner", "max_slowdown"}, "'policy'"));
      ACESNIPER_RETURN_IF_ERROR(Number(p, "max_slowdown", "'policy'", &s.policy.max_slowdown, true));
      double cap = s.policy.queue_cap;
      ACESNIPER_RETURN_IF_ERROR(Number(p, "queue_cap", "'policy'", &cap));
      if (cap != std::floor(cap) || cap > 1e6) return Status::InvalidArgument("'policy': 'queue_cap' must be a whole number >= 1");
      s.policy.queue_cap = static_cast<int>(cap);
      if (p["time_spinner"]) {
        try {
          s.policy.time_spinner = p["time_spinner"].as<bool>();
        } catch (const YAML::Exception&) {
          return Status::InvalidArgument("'policy': 'time_spinner' must be true or false");
        }
      }
    }
    return s;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("the cluster file: ") + e.what());
  }
}

Result<Scenario> LoadScenario(const std::string& path, const LatencyTable& table) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  Result<Scenario> s = ParseScenario(*text, table);
  if (!s.ok()) return s.status().WithContext("'" + path + "'");
  return s;
}

std::string DefaultScenarioYaml() {
  return R"(# The paper-like default: 10 nodes of 6 platform types (this machine's measured platforms),
# links from 100 Mbit/s to 1 Gbit/s.
nodes:
  - {name: frozen, platform: torch-frozen-2t, bandwidth_mbps: 1000, link_latency_ms: 1, count: 2}
  - {name: eager2, platform: torch-eager-2t, bandwidth_mbps: 500, link_latency_ms: 2, count: 2}
  - {name: opencv, platform: opencv-2t, bandwidth_mbps: 300, link_latency_ms: 3, count: 2}
  - {name: eager1, platform: torch-eager-1t, bandwidth_mbps: 1000, link_latency_ms: 1, count: 2}
  - {name: refblas, platform: torch-refblas-2t, bandwidth_mbps: 200, link_latency_ms: 5}
  - {name: noonednn, platform: torch-noonednn-2t, bandwidth_mbps: 100, link_latency_ms: 5}
tasks: {inferences: 16, networks: random, input_kb_per_inference: 150, result_kb_per_inference: 1,
        deadline_slack: [2, 6]}
policy: {queue_cap: 4, time_spinner: true, max_slowdown: 2}
)";
}

Result<Scenario> DefaultScenario(const LatencyTable& table) {
  Result<Scenario> s = ParseScenario(DefaultScenarioYaml(), table);
  if (!s.ok()) return s.status().WithContext("the default scenario");
  return s;
}

}  // namespace acesniper
