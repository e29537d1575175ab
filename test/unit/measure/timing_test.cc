#include <catch2/catch.hpp>

#include "acesniper/measure/timing.h"

using namespace acesniper;

TEST_CASE("the summary is robust: median, MAD, min, and outliers above the bulk rejected", "[timing]") {
  TimingSummary s = SummarizeSamples({10, 11, 10, 12, 10, 11, 95}, 5.0);
  CHECK(s.runs == 7);
  CHECK(s.rejected == 1);  // 95 ms: a preemption, not the network
  CHECK(s.median_ms == Approx(10.5));
  CHECK(s.min_ms == 10);
  CHECK(s.mad_ms == Approx(0.5));
  CHECK(s.cv < 0.1);
  // Identical samples: nothing rejected, no spread.
  TimingSummary same = SummarizeSamples({4, 4, 4}, 5.0);
  CHECK(same.rejected == 0);
  CHECK(same.cv == 0);
  CHECK(same.median_ms == 4);
}

TEST_CASE("the median is stable once its standard error is small enough", "[timing]") {
  CHECK_FALSE(MedianIsStable({10, 10}, 0.01));  // too few
  CHECK(MedianIsStable({10, 10, 10, 10, 10}, 0.01));
  CHECK_FALSE(MedianIsStable({10, 14, 8, 12, 9}, 0.01));
  std::vector<double> many;
  for (int i = 0; i < 400; ++i) many.push_back(10 + (i % 5) * 0.5);  // MAD 0.5: se ~ 0.46% of 10 at n=400
  CHECK(MedianIsStable(many, 0.01));
}

TEST_CASE("the protocol warms up, then stops on stability, budget or the run cap", "[timing]") {
  TimingOptions o;
  o.warmup_runs = 2;
  o.warmup_seconds = 0;
  o.min_runs = 5;
  o.max_runs = 50;
  int calls = 0;
  auto steady = [&]() -> Result<double> { ++calls; return 2.0; };
  auto r = MeasureLatency(steady, o);
  REQUIRE(r.ok());
  CHECK(calls == 2 + 5);  // stable as soon as min_runs are in
  CHECK(r->runs == 5);
  CHECK(r->median_ms == 2.0);

  calls = 0;
  const double spread[] = {1.0, 3.0, 2.0, 1.5, 2.5};
  auto noisy = [&]() -> Result<double> { return spread[calls++ % 5]; };  // never stable
  auto capped = MeasureLatency(noisy, o);
  REQUIRE(capped.ok());
  CHECK(capped->runs == 50);

  o.budget_seconds = 0;  // budget spent at once: stops at 3 runs
  calls = 0;
  auto budget = MeasureLatency(noisy, o);
  REQUIRE(budget.ok());
  CHECK(budget->runs == 3);
}

TEST_CASE("a failing run ends the measurement with its reason", "[timing]") {
  int calls = 0;
  auto fails_third = [&]() -> Result<double> {
    if (++calls == 3) return Status::Unsupported("engine rejects op");
    return 1.0;
  };
  auto r = MeasureLatency(fails_third, TimingOptions{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kUnsupported);
  CHECK(r.status().message() == "engine rejects op");
}

TEST_CASE("timing overrides are checked by name and value", "[timing]") {
  TimingOptions o;
  CHECK(ApplyTimingOverride("min_runs", 3, &o).ok());
  CHECK(o.min_runs == 3);
  CHECK(ApplyTimingOverride("budget_seconds", 0.5, &o).ok());
  CHECK(o.budget_seconds == 0.5);
  Status unknown = ApplyTimingOverride("min_rnus", 3, &o);
  CHECK_FALSE(unknown.ok());
  CHECK(unknown.message().find("min_rnus") != std::string::npos);
  CHECK_FALSE(ApplyTimingOverride("max_runs", 2.5, &o).ok());
  CHECK_FALSE(ApplyTimingOverride("warmup_runs", -1, &o).ok());
  CHECK_FALSE(ApplyTimingOverride("budget_seconds", -1, &o).ok());
}

TEST_CASE("visits split the budget; the fastest visit is the network's figure", "[timing]") {
  TimingOptions o;
  o.visits = 3;
  o.budget_seconds = 1.2;
  o.min_runs = 5;
  o.max_runs = 90;
  TimingOptions first = VisitOptions(o, 0), later = VisitOptions(o, 2);
  CHECK(first.budget_seconds == Approx(0.4));
  CHECK(first.warmup_runs == o.warmup_runs);
  CHECK(later.warmup_runs == o.warmup_runs);  // each visit is a fresh process
  CHECK(first.min_runs == 3);
  CHECK(first.max_runs == 30);
  TimingSummary a = SummarizeSamples({10, 10.2, 10.1}, 5), b = SummarizeSamples({14, 14.5, 14.2}, 5),
                c = SummarizeSamples({10.5, 10.6, 10.4}, 5);
  TimingSummary all = CombineVisits({a, b, c});
  CHECK(all.median_ms == Approx(10.1));  // the least disturbed visit
  CHECK(all.visits == 3);
  CHECK(all.runs == 9);
  CHECK(all.visit_spread == Approx(14.2 / 10.1 - 1));
}
