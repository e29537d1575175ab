#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "acesniper/measure/fingerprint.h"
#include "acesniper/measure/platform.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

Status ParseError(nlohmann::json platform) {
  auto r = ParsePlatforms({{"platforms", nlohmann::json::array({platform})}});
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace

TEST_CASE("built-in platforms survive their own JSON form and have distinct names", "[platform]") {
  std::set<std::string> names;
  for (const PlatformConfig& p : BuiltinPlatforms()) {
    CHECK(names.insert(p.name).second);
    nlohmann::json j = PlatformToJson(p);
    auto back = ParsePlatforms({{"platforms", nlohmann::json::array({j})}});
    REQUIRE(back.ok());
    CHECK(PlatformToJson(back->front()) == j);
  }
  CHECK(names.size() >= 8);
}

TEST_CASE("an exec platform from a file", "[platform]") {
  testing::TempDir dir;
  std::string path = dir.File("platforms.json");
  std::ofstream(path) << R"({"platforms": [{"name": "jetson-trt-fp16", "runner": "exec",
      "command": "trtexec --onnx={onnx} --fp16", "latency_regex": "median = ([0-9.]+) ms",
      "unsupported_regex": "not supported", "timing": {"min_runs": 1, "max_runs": 1, "visits": 1}}]})";
  auto found = FindPlatform("jetson-trt-fp16", path);
  REQUIRE(found.ok());
  CHECK(found->runner == RunnerKind::kExec);
  CHECK(found->timing.max_runs == 1);
  CHECK(FindPlatform("torch-eager-1t", path).ok());
  auto missing = FindPlatform("tpu", path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("jetson-trt-fp16") != std::string::npos);  // lists the known ones
}

TEST_CASE("bad platform definitions name the platform and the field", "[platform]") {
  nlohmann::json exec = {{"name", "x"}, {"runner", "exec"}, {"command", "t {onnx}"}, {"latency_regex", "([0-9.]+) ms"}};
  CHECK(ParseError(exec).ok());
  auto with = [&](const char* key, nlohmann::json v) { nlohmann::json j = exec; j[key] = v; return ParseError(j); };
  CHECK(with("runner", "tpu").message().find("'runner'") != std::string::npos);
  CHECK(with("threads", 0).message().find("'threads'") != std::string::npos);
  CHECK(with("threads", "two").message().find("'threads'") != std::string::npos);
  CHECK(with("latency_regex", "[0-9.]+ ms").message().find("capture group") != std::string::npos);
  CHECK(with("latency_regex", "([0-9.+ ms").message().find("bad regular expression") != std::string::npos);
  CHECK(with("blas", "mkl").message().find("'blas'") != std::string::npos);
  CHECK(with("dtype", "int8").message().find("'dtype'") != std::string::npos);
  CHECK(with("comand", "typo").message().find("unknown field 'comand'") != std::string::npos);
  CHECK(with("timing", {{"min_rns", 1}}).message().find("min_rns") != std::string::npos);
  CHECK(with("name", "has space").message().find("'name'") != std::string::npos);
  nlohmann::json no_command = exec;
  no_command.erase("command");
  Status st = ParseError(no_command);
  CHECK(st.message().find("missing 'command'") != std::string::npos);
  CHECK(st.message().find("platform 0 ('x')") != std::string::npos);
  auto twice = ParsePlatforms({{"platforms", {exec, exec}}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.status().message().find("name used twice") != std::string::npos);
  CHECK_FALSE(ParsePlatforms(nlohmann::json::array()).ok());
}

TEST_CASE("platforms files that are missing or not JSON", "[platform]") {
  testing::TempDir dir;
  CHECK(LoadPlatformsFile(dir.File("none.json")).status().code() == Status::Code::kNotFound);
  std::ofstream(dir.File("bad.json")) << "{\"platforms\": [";
  auto bad = LoadPlatformsFile(dir.File("bad.json"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("is not JSON") != std::string::npos);
}

TEST_CASE("the fingerprint ignores the platform's name and timing, not its settings", "[platform]") {
  PlatformConfig a = BuiltinPlatforms().front();
  PlatformConfig renamed = a;
  renamed.name = "other-name";
  renamed.timing.min_runs = 9;
  PlatformConfig threads = a;
  threads.threads = a.threads + 1;
  nlohmann::json engine = {{"engine", "test"}};
  CHECK(FingerprintId(BuildFingerprint(a, engine)) == FingerprintId(BuildFingerprint(renamed, engine)));
  CHECK(FingerprintId(BuildFingerprint(a, engine)) != FingerprintId(BuildFingerprint(threads, engine)));
  CHECK(FingerprintId(BuildFingerprint(a, engine)) != FingerprintId(BuildFingerprint(a, {{"engine", "v2"}})));
  CHECK(FingerprintId(BuildFingerprint(a, engine)).size() == 16);
}

TEST_CASE("availability: a platform needing more CPUs than allowed, or a missing BLAS", "[platform]") {
  PlatformConfig p = BuiltinPlatforms().front();
  p.threads = 4096;
  Status st = PlatformAvailableHere(p);
  CHECK(st.code() == Status::Code::kUnsupported);
  CHECK(st.message().find("needs 4096 CPUs") != std::string::npos);
}
