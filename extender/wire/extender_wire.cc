#include "wire/extender_wire.h"

#include "wire/json_scan.h"

#include <cctype>
#include <cmath>
#include <ctime>

namespace acesniper::extender {

namespace {

using nlohmann::json;

Status Wrong(const std::string& path, const char* what) { return Status::InvalidArgument(path + ": " + what); }

struct Meta {
  std::string name, namespace_name, uid;
  kube::Annotations annotations;
  std::optional<double> created;
};

// The metadata of the API object at tape index `object`, read from the tape (no DOM).
Result<Meta> ParseMeta(const JsonTape& tape, int object, const std::string& path) {
  if (tape.at(object).kind != '{') return Wrong(path, "must be an object");
  Meta m;
  const int mi = tape.Member(object, "metadata");
  if (mi < 0 || tape.at(mi).kind == 'n') return m;
  const std::string mp = path + ".metadata";
  if (tape.at(mi).kind != '{') return Wrong(mp, "must be an object");
  std::string created;
  for (int k = tape.FirstChild(mi); k >= 0; k = tape.at(tape.at(k).next).next) {
    const int v = tape.at(k).next;
    const std::string key = tape.String(k);
    std::string* field = key == "name" ? &m.name : key == "namespace" ? &m.namespace_name : key == "uid" ? &m.uid
                       : key == "creationTimestamp" ? &created : nullptr;
    const char kind = tape.at(v).kind;
    if (field) {
      if (kind == 'n') continue;
      if (kind != '"') return Wrong(mp + "." + key, "must be a string");
      *field = tape.String(v);
    } else if (key == "annotations" && kind != 'n') {
      if (kind != '{') return Wrong(mp + ".annotations", "must be an object of strings");
      for (int a = tape.FirstChild(v); a >= 0; a = tape.at(tape.at(a).next).next) {
        const int av = tape.at(a).next;
        if (tape.at(av).kind != '"') return Wrong(mp + ".annotations." + tape.String(a), "must be a string");
        m.annotations[tape.String(a)] = tape.String(av);  // the last of duplicate keys wins, as in Go
      }
    }
  }
  if (!created.empty()) {
    Result<double> t = ParseKubeTime(created);
    if (!t.ok()) return t.status().WithContext(mp + ".creationTimestamp");
    m.created = *t;
  }
  return m;
}

// A member of an extender type: key matched ignoring case; -1 when absent or null.
int ExtenderMember(const JsonTape& tape, int object, std::string_view key) {
  const int v = tape.Member(object, key, /*ignore_case=*/true);
  return v >= 0 && tape.at(v).kind == 'n' ? -1 : v;
}

}  // namespace

Result<double> ParseKubeTime(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &consumed) != 6 || consumed != 19)
    return Status::InvalidArgument("'" + text + "' is not an RFC 3339 time");
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60 || tm.tm_year < 1970)
    return Status::InvalidArgument("'" + text + "' is not an RFC 3339 time");
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double t = static_cast<double>(timegm(&tm));
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    double scale = 0.1;
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, scale /= 10) t += (text[i] - '0') * scale;
  }
  const std::string zone = text.substr(i);
  if (zone == "Z" || zone == "z") return t;
  int hh = 0, mm = 0, n = 0;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && std::sscanf(zone.c_str() + 1, "%2d:%2d%n", &hh, &mm, &n) == 2 &&
      n == 5 && hh <= 23 && mm <= 59)
    return t - (zone[0] == '+' ? 1 : -1) * (hh * 3600.0 + mm * 60.0);
  return Status::InvalidArgument("'" + text + "' is not an RFC 3339 time (zone)");
}

Result<ExtenderArgs> ParseExtenderArgs(std::string body) {
  ExtenderArgs args;
  args.body = std::move(body);
  Result<JsonTape> scanned = JsonTape::Scan(args.body);
  if (!scanned.ok()) return scanned.status();
  const JsonTape& tape = *scanned;
  if (tape.at(0).kind != '{') return Wrong("ExtenderArgs", "must be a JSON object");
  const int pod = ExtenderMember(tape, 0, "Pod");
  if (pod < 0) return Wrong("ExtenderArgs.Pod", "is missing");
  Result<Meta> pm = ParseMeta(tape, pod, "Pod");
  if (!pm.ok()) return pm.status();
  args.pod = {pm->name, pm->namespace_name, pm->uid, std::move(pm->annotations), pm->created};
  const int nodes = ExtenderMember(tape, 0, "Nodes");
  if (nodes >= 0) {
    if (tape.at(nodes).kind != '{') return Wrong("Nodes", "must be a NodeList object");
    std::vector<NodeInfo> list;
    const int items = tape.Member(nodes, "items");
    if (items >= 0 && tape.at(items).kind != 'n') {
      if (tape.at(items).kind != '[') return Wrong("Nodes.items", "must be an array");
      int i = 0;
      for (int item = tape.FirstChild(items); item >= 0; item = tape.at(item).next, ++i) {
        const std::string path = "Nodes.items[" + std::to_string(i) + "]";
        Result<Meta> nm = ParseMeta(tape, item, path);
        if (!nm.ok()) return nm.status();
        if (nm->name.empty()) return Wrong(path + ".metadata.name", "is missing");
        list.push_back({nm->name, std::move(nm->annotations), tape.at(item).begin, tape.at(item).end});
      }
    }
    args.nodes = std::move(list);
  }
  const int names = ExtenderMember(tape, 0, "NodeNames");
  if (names >= 0) {
    if (tape.at(names).kind != '[') return Wrong("NodeNames", "must be an array of strings");
    std::vector<std::string> list;
    int i = 0;
    for (int n = tape.FirstChild(names); n >= 0; n = tape.at(n).next, ++i) {
      if (tape.at(n).kind != '"' || tape.at(n).end - tape.at(n).begin <= 2)
        return Wrong("NodeNames[" + std::to_string(i) + "]", "must be a non-empty string");
      list.push_back(tape.String(n));
    }
    args.node_names = std::move(list);
  }
  if (!args.nodes && !args.node_names) return Wrong("ExtenderArgs", "has neither Nodes nor NodeNames");
  return args;
}

std::string EncodeFilterResult(const FilterResult& r) {
  json rest = json::object();
  rest["FailedNodes"] = r.failed;
  rest["FailedAndUnresolvableNodes"] = r.failed_unresolvable;
  rest["Error"] = r.error;
  if (!r.nodes_mode) {
    rest["Nodes"] = nullptr;
    rest["NodeNames"] = r.node_names;  // always an array: null would mean "no feasible node"
    return rest.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  // Nodes mode: the survivors' bytes exactly as they came, then the other members.
  std::string out = "{\"Nodes\":{\"metadata\":{},\"items\":[";
  size_t total = out.size();
  for (const NodeInfo* n : r.nodes) total += n->raw_end - n->raw_begin + 1;
  out.reserve(total + 256);
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    if (i) out += ',';
    out.append(r.args->body, r.nodes[i]->raw_begin, r.nodes[i]->raw_end - r.nodes[i]->raw_begin);
  }
  out += "]},\"NodeNames\":null,";
  const std::string tail = rest.dump(-1, ' ', false, json::error_handler_t::replace);
  out.append(tail, 1, std::string::npos);  // without its opening brace
  return out;
}

std::string EncodeFilterError(const std::string& message) {
  json out = {{"Nodes", nullptr}, {"NodeNames", nullptr}, {"FailedNodes", json::object()},
              {"FailedAndUnresolvableNodes", json::object()}, {"Error", message}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string EncodeHostPriorityList(const std::vector<HostPriority>& list) {
  json out = json::array();
  for (const HostPriority& h : list) out.push_back({{"Host", h.host}, {"Score", h.score}});
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace acesniper::extender
