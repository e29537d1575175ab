#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "acesniper/kube/node_metadata.h"

using namespace acesniper::kube;

namespace {

std::string FixtureNode() {
  std::ifstream f(std::string(ACESNIPER_K8S_FIXTURES_DIR) + "/core.v1.Node.json");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("ParseNodeMetadata reads upstream's every-field v1.Node") {
  auto m = ParseNodeMetadata(FixtureNode());
  REQUIRE(m.ok());
  CHECK(!m->name.empty());
  CHECK(!m->resource_version.empty());
  CHECK(m->labels.count("labelsKey") == 1);
  CHECK(m->annotations.count("annotationsKey") == 1);
}

TEST_CASE("ParseNodeMetadata names what is wrong") {
  CHECK_THAT(ParseNodeMetadata("{").status().message(), Catch::Matchers::Contains("not JSON"));
  CHECK_THAT(ParseNodeMetadata("{}").status().message(), Catch::Matchers::Contains("no metadata"));
  CHECK_THAT(ParseNodeMetadata(R"({"metadata":{"name":"n"}})").status().message(), Catch::Matchers::Contains("resourceVersion"));
  CHECK_THAT(ParseNodeMetadata(R"({"metadata":{"name":"n","resourceVersion":"1","labels":{"a":1}}})").status().message(),
             Catch::Matchers::Contains("labels['a'] is not a string"));
  auto no_maps = ParseNodeMetadata(R"({"metadata":{"name":"n","resourceVersion":"7"}})");
  REQUIRE(no_maps.ok());
  CHECK(no_maps->labels.empty());
}

TEST_CASE("Label keys and values follow Kubernetes syntax") {
  CHECK(ValidateQualifiedKey("acesniper.io/platform").ok());
  CHECK(ValidateQualifiedKey("platform").ok());
  CHECK(ValidateQualifiedKey("a.b-c/x_y.z").ok());
  CHECK_FALSE(ValidateQualifiedKey("Acesniper.io/platform").ok());  // prefix is lowercase DNS
  CHECK_FALSE(ValidateQualifiedKey("acesniper.io/").ok());
  CHECK_FALSE(ValidateQualifiedKey("acesniper.io/-x").ok());
  CHECK_FALSE(ValidateQualifiedKey("acesniper.io/" + std::string(64, 'a')).ok());
  CHECK(ValidateQualifiedKey("acesniper.io/" + std::string(63, 'a')).ok());
  CHECK(ValidateLabelValue("k", "").ok());
  CHECK(ValidateLabelValue("k", "torch-eager-2t").ok());
  CHECK(ValidateLabelValue("k", "Jetson_Orin.TRT-fp16").ok());
  CHECK_FALSE(ValidateLabelValue("k", "has space").ok());
  CHECK_FALSE(ValidateLabelValue("k", "-lead").ok());
  CHECK_FALSE(ValidateLabelValue("k", "trail.").ok());
  CHECK_FALSE(ValidateLabelValue("k", std::string(64, 'a')).ok());
  CHECK_THAT(ValidateLabelValue("acesniper.io/platform", "a b").message(), Catch::Matchers::Contains("acesniper.io/platform='a b'"));
}

TEST_CASE("The annotation budget counts the node's other annotations") {
  NodeMetadata current;
  current.annotations["other.io/big"] = std::string(kMaxTotalAnnotationBytes - 500, 'x');
  DesiredNodeMetadata small, big;
  small.annotations["acesniper.io/hrm"] = std::string(300, 'h');
  big.annotations["acesniper.io/hrm"] = std::string(600, 'h');
  CHECK(ValidateDesired(small, current).ok());
  acesniper::Status st = ValidateDesired(big, current);
  CHECK_FALSE(st.ok());
  CHECK_THAT(st.message(), Catch::Matchers::Contains("262144-byte limit") && Catch::Matchers::Contains("acesniper.io/hrm is 600 bytes"));
  // Replacing our own value does not count it twice.
  current.annotations["acesniper.io/hrm"] = std::string(300, 'o');
  CHECK(ValidateDesired(small, current).ok());
  DesiredNodeMetadata bad_label;
  bad_label.labels["acesniper.io/platform"] = "no spaces allowed";
  CHECK_FALSE(ValidateDesired(bad_label, NodeMetadata{}).ok());
}

TEST_CASE("IsUpToDate and the merge patch touch only the agent's keys") {
  NodeMetadata current;
  current.resource_version = "42";
  current.annotations = {{"acesniper.io/hrm", "v"}, {"other", "keep"}};
  current.labels = {{"acesniper.io/platform", "p"}};
  DesiredNodeMetadata d;
  d.annotations["acesniper.io/hrm"] = "v";
  d.labels["acesniper.io/platform"] = "p";
  CHECK(IsUpToDate(d, current));
  d.labels["acesniper.io/hrm-version"] = "v1";
  CHECK_FALSE(IsUpToDate(d, current));
  auto patch = nlohmann::json::parse(MergePatchBody(d, current.resource_version));
  CHECK(patch == nlohmann::json::parse(R"({"metadata":{"resourceVersion":"42","annotations":{"acesniper.io/hrm":"v"},
                                          "labels":{"acesniper.io/platform":"p","acesniper.io/hrm-version":"v1"}}})"));
}
