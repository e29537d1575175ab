// The extender wire types against upstream's fully populated v1.Pod and v1.Node fixtures
// (../shared/fixtures/kubernetes, Apache-2.0), in both node-cache modes and with lowercase keys.
#include <string>

#include <catch2/catch.hpp>

#include "acesniper/common/read_file.h"
#include "wire/extender_wire.h"
#include "wire/json_scan.h"

using namespace acesniper;
using namespace acesniper::extender;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json Fixture(const char* name) {
  Result<std::string> text = ReadTextFile(std::string(ACESNIPER_K8S_FIXTURES_DIR) + "/" + name);
  REQUIRE(text.ok());
  return json::parse(*text);
}

}  // namespace

TEST_CASE("ExtenderArgs with upstream's every-field Pod and Node decode in Nodes mode") {
  const json pod = Fixture("core.v1.Pod.json"), node = Fixture("core.v1.Node.json");
  json node2 = node;
  node2["metadata"]["name"] = "second";
  const json args = {{"Pod", pod}, {"Nodes", {{"metadata", json::object()}, {"items", {node, node2}}}}, {"NodeNames", nullptr}};
  Result<ExtenderArgs> a = ParseExtenderArgs(args.dump());
  REQUIRE(a.ok());
  CHECK(a->pod.name == "nameValue");
  CHECK(a->pod.namespace_name == "namespaceValue");
  CHECK(a->pod.uid == "uidValue");
  CHECK(a->pod.annotations.at("annotationsKey") == "annotationsValue");
  REQUIRE(a->pod.created_unix_s.has_value());
  CHECK(*a->pod.created_unix_s == 1199149261.0);  // 2008-01-01T01:01:01Z
  REQUIRE(a->nodes.has_value());
  CHECK_FALSE(a->node_names.has_value());
  REQUIRE(a->nodes->size() == 2);
  CHECK((*a->nodes)[0].name == "nameValue");
  CHECK((*a->nodes)[1].name == "second");
  const NodeInfo& first = (*a->nodes)[0];
  CHECK(json::parse(a->body.substr(first.raw_begin, first.raw_end - first.raw_begin)) == node);  // kept whole

  FilterResult r;
  r.nodes_mode = true;
  r.args = &*a;
  r.nodes = {&(*a->nodes)[1]};
  r.failed["nameValue"] = "because";
  const json out = json::parse(EncodeFilterResult(r));
  CHECK(out["Nodes"]["items"][0] == node2);
  CHECK(out["NodeNames"].is_null());
  CHECK(out["FailedNodes"]["nameValue"] == "because");
  CHECK(out["FailedAndUnresolvableNodes"] == json::object());
  CHECK(out["Error"] == "");
}

TEST_CASE("NodeNames mode and lowercase keys decode - results are always capitalised") {
  const json pod = Fixture("core.v1.Pod.json");
  for (const char* pod_key : {"Pod", "pod", "POD"})
    for (const char* names_key : {"NodeNames", "nodenames", "nodeNames"}) {
      Result<ExtenderArgs> a = ParseExtenderArgs(json{{pod_key, pod}, {names_key, {"n1", "n2"}}, {"nodes", nullptr}}.dump());
      REQUIRE(a.ok());
      CHECK_FALSE(a->nodes.has_value());
      CHECK(*a->node_names == std::vector<std::string>{"n1", "n2"});
    }
  FilterResult r;
  const json out = json::parse(EncodeFilterResult(r));
  CHECK(out["NodeNames"] == json::array());  // null would mean "no feasible node" to the scheduler
  CHECK(out.contains("FailedNodes"));
  CHECK(out.contains("FailedAndUnresolvableNodes"));
  const json prio = json::parse(EncodeHostPriorityList({{"n1", 10}, {"n2", 0}}));
  CHECK(prio == json::parse(R"([{"Host":"n1","Score":10},{"Host":"n2","Score":0}])"));
}

TEST_CASE("malformed ExtenderArgs are refused with the path that was wrong") {
  struct Case {
    std::string body;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"", "not JSON"},
      {"{\"Pod\": {}, \"NodeNames\": [}", "not JSON"},
      {"[1, 2]", "must be a JSON object"},
      {"{\"NodeNames\": []}", "Pod: is missing"},
      {"{\"Pod\": null, \"NodeNames\": []}", "Pod: is missing"},
      {"{\"Pod\": [], \"NodeNames\": []}", "Pod: must be an object"},
      {"{\"Pod\": {\"metadata\": 7}, \"NodeNames\": []}", "Pod.metadata: must be an object"},
      {"{\"Pod\": {\"metadata\": {\"name\": 7}}, \"NodeNames\": []}", "Pod.metadata.name: must be a string"},
      {"{\"Pod\": {\"metadata\": {\"annotations\": {\"a\": 1}}}, \"NodeNames\": []}", "Pod.metadata.annotations.a: must be a string"},
      {"{\"Pod\": {\"metadata\": {\"creationTimestamp\": \"yesterday\"}}, \"NodeNames\": []}", "creationTimestamp"},
      {"{\"Pod\": {}}", "neither Nodes nor NodeNames"},
      {"{\"Pod\": {}, \"NodeNames\": \"a\"}", "NodeNames: must be an array"},
      {"{\"Pod\": {}, \"NodeNames\": [\"a\", 2]}", "NodeNames[1]"},
      {"{\"Pod\": {}, \"NodeNames\": [\"\"]}", "NodeNames[0]"},
      {"{\"Pod\": {}, \"Nodes\": []}", "Nodes: must be a NodeList"},
      {"{\"Pod\": {}, \"Nodes\": {\"items\": {}}}", "Nodes.items: must be an array"},
      {"{\"Pod\": {}, \"Nodes\": {\"items\": [{\"metadata\": {}}]}}", "Nodes.items[0].metadata.name: is missing"},
      {"{\"Pod\": {}, \"Nodes\": {\"items\": [3]}}", "Nodes.items[0]: must be an object"},
      {"{\"Pod\": {}, \"NodeNames\": [\"a\"], \"x\": 1e999}", "not JSON"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    Result<ExtenderArgs> a = ParseExtenderArgs(c.body);
    REQUIRE_FALSE(a.ok());
    CHECK_THAT(a.status().message(), Contains(c.says));
  }
}

TEST_CASE("Kubernetes times parse as RFC 3339") {
  CHECK(*ParseKubeTime("1970-01-01T00:00:00Z") == 0);
  CHECK(*ParseKubeTime("2026-11-27T00:00:00Z") == 1795737600);
  CHECK(*ParseKubeTime("2026-11-27T00:00:00.25Z") == 1795737600.25);
  CHECK(*ParseKubeTime("2026-11-27T02:00:00+02:00") == 1795737600);
  for (const char* bad : {"", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T00:00:00", "2026-11-27T00:00:00+2", "x2026-11-27T00:00:00Z"})
    CHECK_FALSE(ParseKubeTime(bad).ok());
}

TEST_CASE("the JSON scanner accepts what RFC 8259 allows and refuses the rest") {
  for (const char* ok : {"{}", " [ ] ", "{\"a\":[1,-0.5e3,true,false,null,\"x\\u00e9\\n\"]}", "\"\\ud83d\\ude00\"",
                         "\"caf\xc3\xa9\"", "0", "[[[[]]]]"}) {
    INFO(ok);
    CHECK(JsonTape::Scan(ok).ok());
  }
  for (const char* bad : {"", "{", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "1e", "+1", "tru", "nul", "{a:1}",
                          "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\t\"", "\"\xc3\"", "\"\xed\xa0\x80\"",
                          "\"\xf5\x80\x80\x80\"", "1e999", "[1] 2", "\"abc"}) {
    INFO(bad);
    CHECK_FALSE(JsonTape::Scan(bad).ok());
  }
  std::string deep(300, '[');
  deep += std::string(300, ']');
  CHECK_FALSE(JsonTape::Scan(deep).ok());
  Result<JsonTape> t = JsonTape::Scan("{\"Pod\": {\"x\": [1, 2]}, \"no\\u0064eNames\": [\"a\"]}");
  REQUIRE(t.ok());
  const int pod = t->Member(0, "pod", /*ignore_case=*/true);
  REQUIRE(pod >= 0);
  CHECK(t->Text(pod) == "{\"x\": [1, 2]}");
  CHECK(t->Member(0, "pod") == -1);  // exact match is case-sensitive
  const int names = t->Member(0, "NodeNames", true);  // the key had an escape
  REQUIRE(names >= 0);
  CHECK(t->String(t->FirstChild(names)) == "a");
}
