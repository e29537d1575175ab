#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "agent/agent_state.h"
#include "temp_dir.h"

using namespace acesniper::agent;

TEST_CASE("Agent state round-trips and replaces atomically") {
  acesniper::testing::TempDir dir;
  const std::string path = dir.File("agent-state.json");
  CHECK(LoadAgentState(path).status().code() == acesniper::Status::Code::kNotFound);
  AgentState s;
  s.node = "n1";
  s.platform = "torch-eager-2t";
  s.platform_id = "5f63f573f411cd57";
  s.spec_id = "7a1a98543a2d9dfe";
  s.hrm = R"({"schema":"acesniper.hrm/v1"})";
  s.benchmarked_at = "2026-11-27T08:00:00Z";
  s.benchmarked_unix = 1.8e9;
  s.benchmark_seconds = 150.5;
  REQUIRE(SaveAgentState(path, s).ok());
  auto back = LoadAgentState(path);
  REQUIRE(back.ok());
  CHECK(back->hrm == s.hrm);
  CHECK(back->platform_id == s.platform_id);
  CHECK(back->benchmark_seconds == 150.5);
  CHECK(back->published_hrm.empty());
  std::ifstream tmp(path + ".tmp");
  CHECK_FALSE(tmp.good());  // renamed into place
}

TEST_CASE("A corrupt or foreign state file is an error naming the file") {
  acesniper::testing::TempDir dir;
  const std::string path = dir.File("agent-state-bad.json");
  for (const char* text : {"{not json", "[]", R"({"schema":"other/v1"})", R"({"schema":"acesniper.agent-state/v1","node":1})"}) {
    std::ofstream(path) << text;
    auto s = LoadAgentState(path);
    CHECK(s.status().code() == acesniper::Status::Code::kInvalidArgument);
    CHECK_THAT(s.status().message(), Catch::Matchers::Contains(path));
  }
}
