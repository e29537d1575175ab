// Strict readers for YAML configuration files (the extender's and the node agent's): unknown
// keys and values of the wrong type or range are errors that name the key's full path. Each
// reader leaves `out` unchanged when the key is absent.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "acesniper/common/status.h"

namespace acesniper::kube::yaml {

Status Bad(const std::string& key, const std::string& what);
Status CheckKeys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known);
Status ReadString(const YAML::Node& map, const std::string& where, const char* key, std::string* out);
Status ReadNumber(const YAML::Node& map, const std::string& where, const char* key, double lo, double hi, double* out);
Status ReadInt(const YAML::Node& map, const std::string& where, const char* key, long lo, long hi, long* out);
Status ReadBool(const YAML::Node& map, const std::string& where, const char* key, bool* out);
// A mapping of strings to strings (labels, say).
Status ReadStringMap(const YAML::Node& map, const std::string& where, const char* key, std::map<std::string, std::string>* out);
// A list of strings (a command line).
Status ReadStringList(const YAML::Node& map, const std::string& where, const char* key, std::vector<std::string>* out);

}  // namespace acesniper::kube::yaml
