// The annotation contract's parsers (docs/annotations.md): defaults, every field, and the
// errors a wrong value gets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/kube/annotations.h"

using namespace acesniper;
using namespace acesniper::kube;
using Catch::Matchers::Contains;

namespace {
nlohmann::json AnalyzeObject() {
  nlohmann::json f = nlohmann::json::object();
  double v = 1;
  for (const FeatureDef& d : FeatureDefs()) f[d.name] = v++;
  return {{"name", "mine"}, {"schema", kFeatureSchema}, {"input_shape", {1, 3, 224, 224}}, {"features", f}};
}
}  // namespace

TEST_CASE("a pod without acesniper.io annotations did not opt in") {
  Result<std::optional<InferenceRequest>> r = ParseInferenceRequest({{"app", "x"}, {"other.io/deadline-ms", "5"}});
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
}

TEST_CASE("a complete request parses - defaults fill the rest") {
  Result<std::optional<InferenceRequest>> r = ParseInferenceRequest({{kPodDeadlineMs, "250.5"}, {kPodNetwork, "resnet50"}});
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK((*r)->deadline_ms == 250.5);
  CHECK((*r)->inferences == kDefaultInferences);
  CHECK((*r)->batch_size == 1);
  CHECK((*r)->CatalogueKey() == "resnet50");
  r = ParseInferenceRequest({{kPodDeadlineMs, "1000"}, {kPodNetwork, "resnet50"}, {kPodInferences, "4"}, {kPodBatchSize, "16"},
                             {kPodInputMb, "9.6"}, {kPodResultMb, "0"}});
  REQUIRE(r.ok());
  CHECK((*r)->inferences == 4);
  CHECK((*r)->CatalogueKey() == "resnet50@b16");
  CHECK((*r)->input_mb == 9.6);
  CHECK((*r)->result_mb == 0);
}

TEST_CASE("inline features: the output of acesniper analyze --json, checked strictly") {
  Result<std::optional<InferenceRequest>> r =
      ParseInferenceRequest({{kPodDeadlineMs, "100"}, {kPodNetworkFeatures, AnalyzeObject().dump()}});
  REQUIRE(r.ok());
  REQUIRE((*r)->inline_features.size() == FeatureDefs().size());
  CHECK((*r)->inline_features[0] == 1);
  CHECK((*r)->network.empty());
  nlohmann::json wrong_schema = AnalyzeObject();
  wrong_schema["schema"] = "acesniper.nns/v0";
  nlohmann::json missing = AnalyzeObject();
  missing["features"].erase(FeatureDefs()[3].name);
  nlohmann::json negative = AnalyzeObject();
  negative["features"][FeatureDefs()[0].name] = -1;
  nlohmann::json text = AnalyzeObject();
  text["features"][FeatureDefs()[0].name] = "12";
  struct Case {
    std::string value;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{{wrong_schema.dump(), "not \"acesniper.nns/v0\" (rerun"},
                                         {missing.dump(), std::string("feature '") + FeatureDefs()[3].name + "' is missing"},
                                         {negative.dump(), "finite number >= 0"},
                                         {text.dump(), "finite number >= 0"},
                                         {"[1,2]", "not a JSON object"},
                                         {"{", "not JSON"}}) {
    Result<std::optional<InferenceRequest>> bad = ParseInferenceRequest({{kPodDeadlineMs, "100"}, {kPodNetworkFeatures, c.value}});
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Contains(c.says));
    CHECK_THAT(bad.status().message(), Contains(kPodNetworkFeatures));
  }
}

TEST_CASE("wrong values name the annotation") {
  struct Case {
    Annotations a;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {{{kPodNetwork, "x"}}, "deadline-ms is missing"},
           {{{kPodDeadlineMs, ""}, {kPodNetwork, "x"}}, "deadline-ms: '' is not"},
           {{{kPodDeadlineMs, "10ms"}, {kPodNetwork, "x"}}, "deadline-ms: '10ms'"},
           {{{kPodDeadlineMs, "inf"}, {kPodNetwork, "x"}}, "deadline-ms"},
           {{{kPodDeadlineMs, "0"}, {kPodNetwork, "x"}}, "deadline-ms"},
           {{{kPodDeadlineMs, "5"}}, "exactly one of"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodNetworkFeatures, "{}"}}, "exactly one of"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, ""}}, "network: must be a name"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodInferences, "2.5"}}, "inferences: '2.5'"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodInferences, "99999999999"}}, "inferences"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodBatchSize, "-1"}}, "batch-size"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodInputMb, "-0.5"}}, "input-mb"},
           {{{kPodDeadlineMs, "5"}, {kPodNetwork, "x"}, {kPodResultMb, "nan"}}, "result-mb"},
       }) {
    Result<std::optional<InferenceRequest>> r = ParseInferenceRequest(c.a);
    INFO(c.says);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Contains(c.says));
  }
}

TEST_CASE("node annotations: HRM vector and bandwidth") {
  Result<HrmVector> none = ParseNodeHrm({});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == Status::Code::kNotFound);
  Result<HrmVector> garbage = ParseNodeHrm({{kNodeHrm, "not json"}});
  REQUIRE_FALSE(garbage.ok());
  CHECK_THAT(garbage.status().message(), Contains(kNodeHrm));
  CHECK(*ParseNodeBandwidth({}, 125) == 125);
  CHECK(*ParseNodeBandwidth({{kNodeBandwidthMbS, "12.5"}}, 125) == 12.5);
  CHECK_FALSE(ParseNodeBandwidth({{kNodeBandwidthMbS, "fast"}}, 125).ok());
}
