#include <catch2/catch.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/model/structure_checker.h"

using namespace acesniper;

namespace {

size_t Col(const std::string& name) {
  for (size_t c = 0; c < FeatureDefs().size(); ++c)
    if (name == FeatureDefs()[c].name) return c;
  return SIZE_MAX;
}

}  // namespace

TEST_CASE("structure checker: the operator classes a platform never ran explain its unsupported networks", "[structure-checker]") {
  // cnn-a, cnn-b: convolutions only (ran). vit: layer norm + softmax + matmul (unsupported).
  // swin: layer norm + softmax + layout (unsupported). odd: nothing special, still unsupported.
  auto row = [](const std::string& name, std::vector<std::string> nonzero) {
    FeatureRow r{name, name + "-hash", std::vector<double>(FeatureDefs().size(), 0.0)};
    r.values[Col("count_conv3x3")] = 4;
    for (const std::string& n : nonzero) r.values[Col(n)] = 2;
    return r;
  };
  LatencyDataset d;
  d.platforms = {"opencv"};
  d.platform_ids = {"x"};
  d.networks = {row("cnn-a", {"count_add"}), row("cnn-b", {"count_softmax"}), row("vit", {"count_layernorm", "count_softmax", "count_matmul"}),
                row("swin", {"count_layernorm", "count_layout"}), row("odd", {})};
  d.latency_ms = Eigen::MatrixXd::Constant(5, 1, 1.0);
  d.status.resize(5, 1);
  d.status << 0, 0, static_cast<int8_t>(MeasureStatus::kUnsupported), static_cast<int8_t>(MeasureStatus::kUnsupported),
      static_cast<int8_t>(MeasureStatus::kUnsupported);
  UnsupportedOperators u = LearnUnsupportedOperators(d, 0);
  // count_layernorm covers both transformers; softmax ran in cnn-b, so it is not blamed.
  CHECK(u.classes == std::vector<std::string>{"count_layernorm"});
  CHECK(u.unexplained == std::vector<std::string>{"odd"});
  CHECK_FALSE(IsRunnable(d.networks[2].values, u.classes));
  CHECK(IsRunnable(d.networks[0].values, u.classes));
  CHECK(IsRunnable(d.networks[0].values, {}));
}
