// The zoo of real torchvision models (exported by predictor/tools/export_zoo.py into the
// directory named by ACESNIPER_ZOO_DIR): parameter counts, FLOPs and format-independence of every
// model its manifest lists; ACESNIPER_ZOO_REQUIRED names the ones that must be there.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/torch/torchscript.h"
#include "feature_diff.h"

using namespace acesniper;

namespace {

// Published multiply-accumulates (G) of torchvision's weights tables ("GFLOPS" there counts
// multiply-adds), given to two decimals.
const std::map<std::string, double> kPublishedGMacs = {
    {"densenet121", 2.83},     {"densenet169", 3.36},     {"densenet201", 4.29},
    {"efficientnet_b0", 0.39}, {"efficientnet_b1", 0.69}, {"efficientnet_b2", 1.09},
    {"efficientnet_b3", 1.83}, {"resnet50", 4.09},        {"resnet101", 7.80},
    {"resnet152", 11.51},      {"vgg11", 7.61},           {"vgg16", 15.47},
    {"vgg19", 19.63},          {"inception_v3", 5.71},    {"mobilenet_v2", 0.30},
    {"mobilenet_v3_small", 0.06}, {"vit_b_16", 17.56},    {"swin_t", 4.49}};

}  // namespace

TEST_CASE("every zoo model: exact parameters, published FLOPs, same features from TorchScript and ONNX", "[zoo]") {
  const char* dir = std::getenv("ACESNIPER_ZOO_DIR");
  REQUIRE(dir != nullptr);
  std::ifstream f(std::string(dir) + "/manifest.json");
  REQUIRE(f);
  auto manifest = nlohmann::json::parse(f);
  std::set<std::string> seen;
  for (const auto& m : manifest.at("models")) {
    const std::string name = m.at("name");
    seen.insert(name);
    INFO(name);
    auto ts = ImportModelFile(std::string(dir) + "/" + m.at("torchscript").get<std::string>(), {});
    auto onnx = ImportModelFile(std::string(dir) + "/" + m.at("onnx").get<std::string>(), {});
    INFO((ts.ok() ? "" : ts.status().ToString()) << (onnx.ok() ? "" : onnx.status().ToString()));
    REQUIRE(ts.ok());
    REQUIRE(onnx.ok());
    Features a = AnalyzeGraph(ts.value()), b = AnalyzeGraph(onnx.value());
    CHECK(testing::FeatureDiff(a, b) == "");
    CHECK(static_cast<int64_t>(a.Get("params_total")) == m.at("params").get<int64_t>());
    auto pub = kPublishedGMacs.find(name);
    if (pub != kPublishedGMacs.end()) {
      double gmacs = a.Get("flops_total") / 2e9;
      // within 2 %, or within the rounding of a figure published to two decimals
      double tolerance = std::max(0.02 * pub->second, 0.005);
      INFO("GMACs " << gmacs << " published " << pub->second);
      CHECK(std::fabs(gmacs - pub->second) <= tolerance);
    }
  }
  // The models the test export asked for (ACESNIPER_ZOO_REQUIRED, comma-separated) must all be
  // there; without it, the whole published zoo.
  std::set<std::string> required;
  if (const char* list = std::getenv("ACESNIPER_ZOO_REQUIRED"); list != nullptr && *list != '\0') {
    std::stringstream names(list);
    for (std::string name; std::getline(names, name, ',');) required.insert(name);
  } else {
    for (const auto& [name, unused] : kPublishedGMacs) required.insert(name);
  }
  for (const auto& name : required) {
    INFO(name);
    CHECK(seen.count(name));
    CHECK(kPublishedGMacs.count(name));  // a required model is checked against a published figure
  }
}
