// The example pod in manifests/examples/ is what ML teams copy: its annotations must parse with
// the extender's own parser and name a network the shipped catalogue has.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "acesniper/kube/annotations.h"
#include "state/cluster_snapshot.h"

using namespace acesniper;

TEST_CASE("The example inference pod carries valid annotations for a catalogued network") {
  YAML::Node pod = YAML::LoadFile(std::string(ACESNIPER_REPO_DIR) + "/manifests/examples/inference-pod.yaml");
  kube::Annotations annotations;
  for (const auto& kv : pod["metadata"]["annotations"]) annotations[kv.first.as<std::string>()] = kv.second.as<std::string>();
  auto request = kube::ParseInferenceRequest(annotations);
  REQUIRE(request.ok());
  REQUIRE(request->has_value());
  CHECK((*request)->deadline_ms > 0);
  CHECK((*request)->batch_size == 16);
  auto catalogue = extender::NetworkCatalogue::Load(std::string(ACESNIPER_MODEL_DIR) + "/catalogue.json");
  REQUIRE(catalogue.ok());
  CHECK(catalogue->features.count((*request)->CatalogueKey()) == 1);
  CHECK(pod["spec"]["schedulerName"].as<std::string>() == "acesniper-scheduler");
}
