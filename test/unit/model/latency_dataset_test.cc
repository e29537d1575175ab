#include <catch2/catch.hpp>

#include <cmath>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/model/latency_dataset.h"

using namespace acesniper;

namespace {

FeatureRow Row(const std::string& name, const std::string& hash, double flops) {
  FeatureRow r{name, hash, std::vector<double>(FeatureDefs().size(), 1.0)};
  r.values[0] = flops;
  return r;
}

MeasurementRecord Rec(const std::string& platform, const std::string& id, const std::string& net,
                      const std::string& hash, double ms, MeasureStatus st = MeasureStatus::kOk) {
  MeasurementRecord r;
  r.platform = platform;
  r.platform_id = id;
  r.network = net;
  r.network_hash = hash;
  r.status = st;
  r.median_ms = st == MeasureStatus::kOk ? ms : 0;
  return r;
}

}  // namespace

TEST_CASE("feature table: write, read back, and refuse other schemas and bad cells", "[feature-table]") {
  std::string text = FeatureTableHeader() + "\n" + FormatFeatureRow(Row("gen-1-0", "aa", 5)) + "\n" +
                     FormatFeatureRow(Row("resnet50", "bb", 8.2e9)) + "\n";
  Result<std::vector<FeatureRow>> rows = ParseFeatureTable(text, "t.csv");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1].network == "resnet50");
  CHECK((*rows)[1].values[0] == 8.2e9);

  std::string other = text;
  other.replace(other.find(FeatureDefs()[3].name), std::string(FeatureDefs()[3].name).size(), "renamed");
  Result<std::vector<FeatureRow>> bad = ParseFeatureTable(other, "t.csv");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("column 6 is 'renamed'") != std::string::npos);

  std::string nan = FeatureTableHeader() + "\n" + FormatFeatureRow(Row("x", "cc", 1));
  nan.replace(nan.rfind(",1"), 2, ",nan");
  CHECK(ParseFeatureTable(nan, "t.csv").status().message().find("line 2") != std::string::npos);
  std::string twice = text + FormatFeatureRow(Row("gen-1-0-again", "aa", 5)) + "\n";
  CHECK(ParseFeatureTable(twice, "t.csv").status().message().find("appears twice") != std::string::npos);
  CHECK(ParseFeatureTable("network,network_hash\n", "t.csv").status().message().find("column 3") != std::string::npos);
  CHECK(ReadFeatureTable("/nonexistent/features.csv").status().code() == Status::Code::kIOError);
}

TEST_CASE("latency dataset: a networks x platforms matrix with status; inconsistent stores are refused", "[dataset]") {
  std::vector<FeatureRow> table = {Row("n0", "h0", 10), Row("n1", "h1", 20), Row("n2", "h2", 30)};
  std::vector<MeasurementRecord> recs = {Rec("cpu", "p1", "n1", "h1", 4.0), Rec("gpu", "p2", "n1", "h1", 1.0),
                                         Rec("cpu", "p1", "n0", "h0", 2.0),
                                         Rec("gpu", "p2", "n0", "h0", 0, MeasureStatus::kUnsupported)};
  Result<LatencyDataset> d = BuildLatencyDataset(recs, table);
  REQUIRE(d.ok());
  REQUIRE(d->networks.size() == 2);  // n2 was never measured
  CHECK(d->networks[0].network == "n0");  // feature-table order, not store order
  CHECK(d->platforms == std::vector<std::string>{"cpu", "gpu"});
  CHECK(d->latency_ms(0, 0) == 2.0);
  CHECK(std::isnan(d->latency_ms(0, 1)));
  CHECK(d->status(0, 1) == static_cast<int8_t>(MeasureStatus::kUnsupported));
  CHECK(d->FindNetwork("n1") == 1);
  CHECK(d->FindPlatform("tpu") == -1);
  CHECK(d->FeatureValue(1, FeatureDefs()[0].name) == 20);

  // Batch 16 rows are a different dataset.
  recs[0].batch = 16;
  CHECK(BuildLatencyDataset(recs, table, 16)->networks.size() == 1);
  recs[0].batch = 1;

  auto error_of = [&](std::vector<MeasurementRecord> r) { return BuildLatencyDataset(r, table).status().message(); };
  std::vector<MeasurementRecord> r = recs;
  r.push_back(Rec("cpu", "p9", "n2", "h2", 1));
  CHECK(error_of(r).find("two fingerprints") != std::string::npos);
  r = recs;
  r.push_back(Rec("cpu", "p1", "n1", "h1", 1));
  CHECK(error_of(r).find("measured twice") != std::string::npos);
  r = recs;
  r.push_back(Rec("cpu", "p1", "n7", "h7", 1));
  CHECK(error_of(r).find("not in the feature table") != std::string::npos);
  r = recs;
  r.push_back(Rec("cpu", "p1", "other-name", "h2", 1));
  CHECK(error_of(r).find("'other-name' in the store but 'n2'") != std::string::npos);
}
