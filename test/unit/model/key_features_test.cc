#include <catch2/catch.hpp>

#include "acesniper/generate/generator.h"
#include "acesniper/model/key_features.h"

using namespace acesniper;

namespace {

Eigen::MatrixXd RandomMatrix(int rows, int cols, uint64_t seed) {
  SplitMix64 rng(seed);
  Eigen::MatrixXd m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = rng.Normal();
  return m;
}

}  // namespace

TEST_CASE("Algorithm 1 recovers the features a target is built from, strongest first", "[key-features]") {
  Eigen::MatrixXd x = RandomMatrix(400, 12, 7);
  SplitMix64 noise(9);
  Eigen::VectorXd t(400);
  for (int i = 0; i < 400; ++i) t(i) = 5 * x(i, 3) + 2 * x(i, 8) + 0.7 * x(i, 1) + 0.01 * noise.Normal();
  Result<KeyFeatureSelection> sel = ExtractKeyFeatures(x, t, {3, 1e-6});
  REQUIRE(sel.ok());
  CHECK(sel->columns == std::vector<int>{3, 8, 1});
  REQUIRE(sel->residual_rms.size() == 3);
  CHECK(sel->residual_rms[0] > sel->residual_rms[1]);
  CHECK(sel->residual_rms[2] < 0.02);  // only the noise is left
}

TEST_CASE("Algorithm 1 fits on the residual: a feature correlated with an earlier pick is not picked again", "[key-features]") {
  // Column 1 is almost a copy of column 0: correlated with the target, but it explains nothing
  // the first pick does not. Column 2 carries the rest of the signal.
  Eigen::MatrixXd x = RandomMatrix(300, 3, 11);
  SplitMix64 rng(12);
  for (int i = 0; i < 300; ++i) x(i, 1) = x(i, 0) + 0.001 * rng.Normal();
  Eigen::VectorXd t = 3 * x.col(0) + 1 * x.col(2);
  Result<KeyFeatureSelection> sel = ExtractKeyFeatures(x, t, {2, 1e-6});
  REQUIRE(sel.ok());
  REQUIRE(sel->columns.size() == 2);
  CHECK((sel->columns[0] == 0 || sel->columns[0] == 1));
  CHECK(sel->columns[1] == 2);
}

TEST_CASE("Algorithm 1 stops when nothing correlates, and rejects bad input", "[key-features]") {
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(10, 4);  // every column constant
  Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(10, 0, 1);
  Result<KeyFeatureSelection> none = ExtractKeyFeatures(x, t);
  REQUIRE(none.ok());
  CHECK(none->columns.empty());
  CHECK_FALSE(ExtractKeyFeatures(x, Eigen::VectorXd::Zero(9)).ok());
  Eigen::MatrixXd bad = x;
  bad(2, 2) = std::numeric_limits<double>::quiet_NaN();
  Result<KeyFeatureSelection> nan = ExtractKeyFeatures(bad, t);
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.status().message().find("non-finite") != std::string::npos);
}
