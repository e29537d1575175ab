// The HRM reference set (version 2): its order, and rebuilding its networks by name.
#include <catch2/catch.hpp>
#include <set>

#include "acesniper/measure/benchmark.h"
#include "acesniper/measure/reference_set.h"

namespace acesniper {

TEST_CASE("reference set v2: version 1's Table IV networks in order, one extended network after every three", "[reference]") {
  const std::vector<std::string> names = ReferenceSetNames();
  REQUIRE(names.size() == kReferenceSetSize + kExtendedReferenceSetSize);
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  CHECK(names[0] == "gen-20261126-0");
  CHECK(names[2] == "gen-20261126-2");
  CHECK(names[3] == "genx-20261126-0");
  CHECK(names[4] == "gen-20261126-3");
  CHECK(names.back() == "genx-20261126-39");
  // Every prefix mixes both: the first d hold about d/4 extended networks.
  for (size_t d : {10, 20, 50, 100, 160}) {
    size_t extended = 0;
    for (size_t i = 0; i < d; ++i) extended += names[i].rfind("genx-", 0) == 0;
    CHECK(extended == d / 4);
  }
  // The Table IV part, in order, is version 1 (gen-20261126-0..119): models trained on it still fit.
  std::vector<std::string> table_iv;
  for (const std::string& n : names)
    if (n.rfind("gen-", 0) == 0) table_iv.push_back(n);
  REQUIRE(table_iv.size() == kReferenceSetSize);
  for (size_t i = 0; i < table_iv.size(); ++i) CHECK(table_iv[i] == "gen-20261126-" + std::to_string(i));
  // Every name rebuilds with the reference set's budget.
  for (const std::string& n : names) {
    auto g = ParseGeneratedName(n);
    REQUIRE(g.ok());
    CHECK(g->options.max_flops == ReferenceSetOptions().max_flops);
    CHECK(g->options.extended == (n.rfind("genx-", 0) == 0));
  }
}

TEST_CASE("benchmark jobs by name match the generator's own, in the given order", "[reference]") {
  auto named = NamedBenchmarkNetworks({"genx-20261126-2", "gen-20261126-7"}, {1, 16});
  REQUIRE(named.ok());
  REQUIRE(named->size() == 4);
  CHECK((*named)[0].name == "genx-20261126-2");
  CHECK((*named)[1].batch == 16);
  CHECK((*named)[2].name == "gen-20261126-7");
  GeneratorOptions x = ReferenceSetOptions();
  x.extended = true;
  auto direct = GeneratedBenchmarkNetworks(x, 2, 1, {1});
  REQUIRE(direct.ok());
  CHECK((*named)[0].hash == (*direct)[0].hash);
  CHECK((*named)[0].job == (*direct)[0].job);
  CHECK((*named)[2].hash == "11971c70bea44cee");  // as measured in data/reference.csv.gz
  auto bad = NamedBenchmarkNetworks({"gen-20261126-1", "resnet50"}, {1});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("'resnet50' is not a generated network name"));
}

}  // namespace acesniper
