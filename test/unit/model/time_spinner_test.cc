#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "acesniper/model/stats.h"
#include "acesniper/model/time_spinner.h"

using namespace acesniper;

namespace {

std::vector<double> FeaturesWith(size_t column, double value) {
  std::vector<double> f(FeatureDefs().size(), 1.0);
  f[column] = value;
  return f;
}

}  // namespace

TEST_CASE("time spinner: a uniform drift is corrected by the mean residual", "[time-spinner]") {
  TimeSpinner s;
  CHECK(s.Correct(FeaturesWith(0, 5), 10) == 10);  // no feedback: unchanged
  for (int i = 0; i < 3; ++i) s.Observe(FeaturesWith(0, 5 + i), 10, 13);  // 30 % slower than predicted
  CHECK(s.feature().empty());
  CHECK(s.Correct(FeaturesWith(0, 9), 20) == Approx(26));
}

TEST_CASE("time spinner: a drift that grows with one feature is fitted on that feature", "[time-spinner]") {
  // After a "software change" large-FLOPs networks got slower: ln(measured / predicted) = 0.5 ln(1 + flops) - 5.
  const size_t flops = 0;  // any column works: the spinner has to find it
  TimeSpinner s;
  SplitMix64 rng(4);
  std::vector<double> before, after, measured_all;
  for (int i = 0; i < 60; ++i) {
    double f = std::exp(8 + 6 * rng.Unit());
    std::vector<double> features = FeaturesWith(flops, f);
    features[5] = rng.Unit() * 10;  // an unrelated feature
    double predicted = 1 + rng.Unit() * 50;
    double measured = predicted * std::exp(0.5 * std::log1p(f) - 5);
    if (i < 30) {
      s.Observe(features, predicted, measured);
    } else {
      before.push_back(predicted);
      after.push_back(s.Correct(features, predicted));
      measured_all.push_back(measured);
    }
  }
  CHECK(s.feature() == FeatureDefs()[flops].name);
  CHECK(ComputeErrorMetrics(after, measured_all).mape < 0.01);
  CHECK(ComputeErrorMetrics(before, measured_all).mape > 0.3);
}

TEST_CASE("time spinner: beyond the feedback's range, the line holds its end value", "[time-spinner]") {
  // Feedback on small networks only (ln(1 + flops) in 8..10), residual 0.5 ln(1 + flops) - 4.5.
  TimeSpinner s;
  SplitMix64 rng(9);
  for (int i = 0; i < 30; ++i) {
    double x = 8 + 2 * rng.Unit();
    s.Observe(FeaturesWith(0, std::expm1(x)), 10, 10 * std::exp(0.5 * x - 4.5));
  }
  REQUIRE(s.feature() == FeatureDefs()[0].name);
  CHECK(s.Correct(FeaturesWith(0, std::expm1(9)), 10) == Approx(10 * std::exp(0.0)).epsilon(1e-6));
  // A network far larger than any feedback: the correction at the largest feedback (about
  // x = 10: e^0.5), not the line's e^2.5 at x = 14.
  const double far = s.Correct(FeaturesWith(0, std::expm1(14)), 10);
  CHECK(far < 10 * std::exp(0.51));
  CHECK(far > 10 * std::exp(0.4));
}

TEST_CASE("time spinner: the window forgets old feedback; bad values are ignored", "[time-spinner]") {
  TimeSpinnerOptions o;
  o.window = 4;
  TimeSpinner s(o);
  for (int i = 0; i < 4; ++i) s.Observe(FeaturesWith(0, 1), 10, 20);
  for (int i = 0; i < 4; ++i) s.Observe(FeaturesWith(0, 1), 10, 10);
  CHECK(s.Correct(FeaturesWith(0, 1), 10) == Approx(10));
  s.Observe(FeaturesWith(0, 1), 10, -1);
  s.Observe(FeaturesWith(0, 1), std::nan(""), 5);
  CHECK(s.feedback() == 4);
}

TEST_CASE("time spinner: residuals that are only noise change nothing", "[time-spinner]") {
  // Five tasks whose errors scatter around zero: their mean (0.02) is far inside its standard error.
  TimeSpinner few;
  const double errors[] = {0.2, -0.3, 0.25, -0.1, 0.05};
  for (int i = 0; i < 5; ++i) few.Observe(FeaturesWith(0, 5 + i), 10, 10 * std::exp(errors[i]));
  CHECK(few.Correct(FeaturesWith(0, 70), 20) == 20);  // a network not among the feedback
  // Thirty tasks, every feature random and the error unrelated to all of them: the best of the
  // chance correlations is not significant, so no feature's line is fitted.
  auto chance_feedback = [](TimeSpinner& s) {
    SplitMix64 rng(9);
    for (int i = 0; i < 30; ++i) {
      std::vector<double> f(FeatureDefs().size());
      for (double& v : f) v = std::exp(10 * rng.Unit());
      s.Observe(f, 10, 10 * std::exp(0.2 * rng.Normal()));
    }
  };
  TimeSpinner many;
  chance_feedback(many);
  CHECK(many.feature().empty());
  CHECK(std::fabs(std::log(many.Correct(FeaturesWith(0, 7), 20) / 20)) < 0.1);
  // The same chance correlations pass a test that ignores how many features were tried.
  TimeSpinnerOptions lax;
  lax.feature_alpha = 0.05 * static_cast<double>(FeatureDefs().size());
  TimeSpinner naive(lax);
  chance_feedback(naive);
  CHECK_FALSE(naive.feature().empty());
}

TEST_CASE("time spinner: a feature that only a few feedback networks have is not fitted", "[time-spinner]") {
  // Thirty tasks; column 3 is 0 for all but two of them, and those two ran 3x slower than
  // predicted. Their correlation with the residuals is strong, but a line through two networks
  // says nothing about the others.
  const size_t sparse = 3;
  auto feedback = [&](TimeSpinner& s) {
    SplitMix64 rng(21);
    for (int i = 0; i < 30; ++i) {
      const bool has = i == 4 || i == 17;
      s.Observe(FeaturesWith(sparse, has ? 5e4 : 0), 10, 10 * std::exp(has ? std::log(3.0) : 0.05 * rng.Normal()));
    }
  };
  TimeSpinner guarded;
  feedback(guarded);
  CHECK(guarded.feature().empty());
  CHECK(std::fabs(std::log(guarded.Correct(FeaturesWith(sparse, 0), 20) / 20)) < 0.1);
  // Without the support rule the same feedback fits that feature's line.
  TimeSpinnerOptions unguarded;
  unguarded.min_feature_support = 0;
  TimeSpinner naive(unguarded);
  feedback(naive);
  CHECK(naive.feature() == FeatureDefs()[sparse].name);
}

TEST_CASE("time spinner: one task that ran several-fold slow does not move the correction", "[time-spinner]") {
  // Twenty tasks 30 % slower than predicted (+-2 %), and one that a co-located job slowed 10x.
  TimeSpinner s;
  SplitMix64 rng(3);
  for (int i = 0; i < 20; ++i) s.Observe(FeaturesWith(0, 5 + i), 10, 13 * (0.98 + 0.04 * rng.Unit()));
  s.Observe(FeaturesWith(0, 7), 10, 100);
  // Without clipping, the mean residual would be (20 ln 1.3 + ln 10) / 21, a factor of 1.43.
  CHECK(s.Correct(FeaturesWith(0, 90), 20) / 20 == Approx(1.3).epsilon(0.02));
  TimeSpinnerOptions unclipped;
  unclipped.residual_clip_mads = 0;
  TimeSpinner raw(unclipped);
  SplitMix64 rng2(3);
  for (int i = 0; i < 20; ++i) raw.Observe(FeaturesWith(0, 5 + i), 10, 13 * (0.98 + 0.04 * rng2.Unit()));
  raw.Observe(FeaturesWith(0, 7), 10, 100);
  CHECK(raw.Correct(FeaturesWith(0, 90), 20) / 20 > 1.4);
}

TEST_CASE("time spinner: a network that ran here before takes its own residuals", "[time-spinner]") {
  // Thirty networks 30 % slower than predicted; one among them (by its features), run three
  // times, 2x slower.
  auto feedback = [](TimeSpinner& s, const std::vector<double>& seen) {
    for (int i = 0; i < 30; ++i) s.Observe(FeaturesWith(0, 1 + 10 * i), 10, 13);
    for (double measured : {19.0, 20.0, 22.0}) s.Observe(seen, 10, measured);
  };
  const std::vector<double> seen = FeaturesWith(0, 55);
  TimeSpinner s;
  feedback(s, seen);
  CHECK(s.Correct(seen, 10) == Approx(20));                                 // its own median
  CHECK(s.Correct(FeaturesWith(0, 56), 10) == Approx(13).epsilon(0.05));   // any other: the fit
  TimeSpinnerOptions off;
  off.per_network_memory = false;
  TimeSpinner fit_only(off);
  feedback(fit_only, seen);
  CHECK(fit_only.Correct(seen, 10) < 15);
  // The window forgets: after 256 other tasks the network is corrected like the rest again.
  for (int i = 0; i < 256; ++i) s.Observe(FeaturesWith(0, 1000 + i), 10, 13);
  CHECK(s.Correct(seen, 10) == Approx(13).epsilon(0.05));
}
