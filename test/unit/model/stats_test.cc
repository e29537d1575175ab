#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/model/stats.h"

using namespace acesniper;

TEST_CASE("Pearson: perfect, inverse, none, and constant columns", "[stats]") {
  std::vector<double> x = {1, 2, 3, 4, 5};
  CHECK(Pearson(x, {2, 4, 6, 8, 10}) == Approx(1));
  CHECK(Pearson(x, {5, 4, 3, 2, 1}) == Approx(-1));
  CHECK(Pearson(x, {7, 7, 7, 7, 7}) == 0);   // constant: no signal, not NaN
  CHECK(Pearson({1, -1, 1, -1}, {1, 1, -1, -1}) == Approx(0).margin(1e-12));
  // Hand-worked: x = 1..4, y = 1,3,2,4 -> sxy = 4, sxx = syy = 5 -> r = 0.8
  CHECK(Pearson({1, 2, 3, 4}, {1, 3, 2, 4}) == Approx(0.8));
}

TEST_CASE("ranks average ties, Spearman is rank-based", "[stats]") {
  CHECK(Ranks({10, 20, 20, 5}) == std::vector<double>{2, 3.5, 3.5, 1});
  // Monotone but not linear: Spearman 1, Pearson below 1.
  std::vector<double> x = {1, 2, 3, 4, 5}, y = {1, 8, 27, 64, 125};
  CHECK(Spearman(x, y) == Approx(1));
  CHECK(Pearson(x, y) < 0.99);
}

TEST_CASE("error metrics count relative errors within 5/10/15 %", "[stats]") {
  std::vector<double> measured = {100, 100, 100, 100};
  std::vector<double> predicted = {104, 90, 115, 150};  // 4 %, 10 %, 15 %, 50 %
  ErrorMetrics m = ComputeErrorMetrics(predicted, measured);
  CHECK(m.n == 4);
  CHECK(m.within_5 == Approx(0.25));
  CHECK(m.within_10 == Approx(0.5));
  CHECK(m.within_15 == Approx(0.75));
  CHECK(m.mape == Approx((0.04 + 0.10 + 0.15 + 0.50) / 4));
  CHECK(m.median_ape == Approx(0.125));
  CHECK(std::isnan(MedianOf({})));
}
