#include "acesniper/kube/yaml_fields.h"

#include <cmath>

namespace acesniper::kube::yaml {

Status Bad(const std::string& key, const std::string& what) { return Status::InvalidArgument(key + ": " + what); }

Status CheckKeys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known) {
  if (!map.IsMap()) return Bad(where.empty() ? "config" : where, "must be a mapping");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!known.count(key)) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Bad(where.empty() ? key : where + "." + key, "unknown key (known: " + list + ")");
    }
  }
  return Status::Ok();
}

Status ReadString(const YAML::Node& map, const std::string& where, const char* key, std::string* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  if (!v.IsScalar()) return Bad(where + key, "must be a string");
  *out = v.as<std::string>();
  return Status::Ok();
}

Status ReadNumber(const YAML::Node& map, const std::string& where, const char* key, double lo, double hi, double* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  double x = NAN;
  try {
    if (v.IsScalar()) x = v.as<double>();
  } catch (const YAML::Exception&) {
  }
  if (!std::isfinite(x) || x < lo || x > hi)
    return Bad(where + key, "must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  *out = x;
  return Status::Ok();
}

Status ReadInt(const YAML::Node& map, const std::string& where, const char* key, long lo, long hi, long* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  long x = 0;
  bool ok = false;
  try {
    if (v.IsScalar()) {
      x = v.as<long>();
      ok = true;
    }
  } catch (const YAML::Exception&) {
  }
  if (!ok || x < lo || x > hi)
    return Bad(where + key, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  *out = x;
  return Status::Ok();
}

Status ReadBool(const YAML::Node& map, const std::string& where, const char* key, bool* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  try {
    if (v.IsScalar()) {
      *out = v.as<bool>();
      return Status::Ok();
    }
  } catch (const YAML::Exception&) {
  }
  return Bad(where + key, "must be true or false");
}

Status ReadStringMap(const YAML::Node& map, const std::string& where, const char* key, std::map<std::string, std::string>* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  if (!v.IsMap()) return Bad(where + key, "must be a mapping of strings");
  std::map<std::string, std::string> m;
  for (const auto& kv : v) {
    if (!kv.second.IsScalar()) return Bad(where + key + "." + kv.first.as<std::string>(), "must be a string");
    m[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  *out = std::move(m);
  return Status::Ok();
}

Status ReadStringList(const YAML::Node& map, const std::string& where, const char* key, std::vector<std::string>* out) {
  const YAML::Node v = map[key];
  if (!v) return Status::Ok();
  if (!v.IsSequence()) return Bad(where + key, "must be a list of strings");
  std::vector<std::string> l;
  for (const auto& e : v) {
    if (!e.IsScalar()) return Bad(where + key, "must be a list of strings");
    l.push_back(e.as<std::string>());
  }
  *out = std::move(l);
  return Status::Ok();
}

}  // namespace acesniper::kube::yaml
