#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "acesniper/measure/store.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

MeasurementRecord Row(const std::string& net, const std::string& hash, MeasureStatus st = MeasureStatus::kOk) {
  MeasurementRecord r;
  r.platform = "torch-eager-1t";
  r.platform_id = "00112233aabbccdd";
  r.network = net;
  r.network_hash = hash;
  r.status = st;
  r.median_ms = 12.5;
  r.mad_ms = 0.25;
  r.min_ms = 12.0;
  r.cv = 0.02;
  r.runs = 7;
  r.flops = 1.5e9;
  r.measured_at = "2026-11-26T00:00:00Z";
  return r;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

}  // namespace

TEST_CASE("a row survives formatting and parsing, quotes and commas included", "[store]") {
  MeasurementRecord r = Row("net,with \"quotes\"", "abcdef0123456789", MeasureStatus::kFailed);
  r.message = "the command exited with status 3: [E] bad, \"very\" bad\nsecond line";
  auto back = ParseRecord(FormatRecord(r).substr(0, FormatRecord(r).size() - 1));
  REQUIRE(back.ok());
  CHECK(back->network == r.network);
  CHECK(back->status == MeasureStatus::kFailed);
  CHECK(back->message == "the command exited with status 3: [E] bad, \"very\" bad second line");
  CHECK(back->median_ms == 12.5);
  CHECK(back->flops == 1.5e9);
  CHECK(back->runs == 7);
}

TEST_CASE("bad rows are errors that say what is wrong", "[store]") {
  CHECK(ParseRecord("a,b,c").status().message().find("expected 17 columns") != std::string::npos);
  std::string good = FormatRecord(Row("n", "h"));
  good.pop_back();
  std::string bad_status = good;
  bad_status.replace(bad_status.find(",ok,"), 4, ",okay,");
  CHECK(ParseRecord(bad_status).status().message().find("okay") != std::string::npos);
  std::string bad_number = good;
  bad_number.replace(bad_number.find("12.5"), 4, "12x5");
  CHECK(ParseRecord(bad_number).status().message().find("median_ms") != std::string::npos);
}

TEST_CASE("the store appends, refuses duplicates and remembers across opens", "[store]") {
  testing::TempDir dir;
  std::string path = dir.File("m.csv");
  {
    auto s = MeasurementStore::Open(path);
    REQUIRE(s.ok());
    REQUIRE(s->Append(Row("a", "h1")).ok());
    REQUIRE(s->Append(Row("b", "h2")).ok());
    CHECK_FALSE(s->Append(Row("a again", "h1")).ok());
    MeasurementRecord batch16 = Row("a", "h1");
    batch16.batch = 16;
    CHECK(s->Append(batch16).ok());  // another batch size is another measurement
  }
  auto s = MeasurementStore::Open(path);
  REQUIRE(s.ok());
  CHECK(s->size() == 3);
  CHECK(s->Contains({"00112233aabbccdd", "h1", 1}));
  CHECK(s->Contains({"00112233aabbccdd", "h1", 16}));
  CHECK_FALSE(s->Contains({"other", "h1", 1}));
  auto rows = ReadStore(path);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 3);
}

TEST_CASE("a torn last row is cut off on open; everything before it is kept", "[store]") {
  testing::TempDir dir;
  std::string path = dir.File("m.csv");
  {
    auto s = MeasurementStore::Open(path);
    REQUIRE(s.ok());
    REQUIRE(s->Append(Row("a", "h1")).ok());
  }
  std::string torn = FormatRecord(Row("b", "h2"));
  {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f << torn.substr(0, torn.size() / 2);  // the kill came mid-write
  }
  auto s = MeasurementStore::Open(path);
  REQUIRE(s.ok());
  CHECK(s->torn_bytes_dropped() == torn.size() / 2);
  CHECK(s->size() == 1);
  CHECK_FALSE(s->Contains({"00112233aabbccdd", "h2", 1}));
  REQUIRE(s->Append(Row("b", "h2")).ok());  // measured again
  auto rows = ReadStore(path);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 2);
}

TEST_CASE("a file that is not a store, or is damaged inside, is refused with the line", "[store]") {
  testing::TempDir dir;
  std::string other = dir.File("other.csv");
  std::ofstream(other) << "name,latency\nresnet,12\n";
  auto a = MeasurementStore::Open(other);
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message().find("not a measurement store") != std::string::npos);
  CHECK(Slurp(other) == "name,latency\nresnet,12\n");  // untouched

  std::string damaged = dir.File("damaged.csv");
  std::string row = FormatRecord(Row("a", "h1"));
  std::ofstream(damaged) << kStoreHeader << "\n" << row << "garbage line\n" << FormatRecord(Row("b", "h2"));
  auto b = MeasurementStore::Open(damaged);
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("line 3") != std::string::npos);

  std::string dup = dir.File("dup.csv");
  std::ofstream(dup) << kStoreHeader << "\n" << row << row;
  auto c = MeasurementStore::Open(dup);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("measures again what line 2 measured") != std::string::npos);
}

TEST_CASE("killing a writer mid-run loses nothing it finished and duplicates nothing on rerun", "[store]") {
  testing::TempDir dir;
  std::string path = dir.File("m.csv");
  const int kRows = 2000;
  auto write_all = [&]() {
    auto s = MeasurementStore::Open(path);
    if (!s.ok()) _exit(2);
    for (int i = 0; i < kRows; ++i) {
      std::string h = "h" + std::to_string(i);
      if (s->Contains({"00112233aabbccdd", h, 1})) continue;
      MeasurementRecord r = Row("net" + std::to_string(i), h);
      r.message = std::string(static_cast<size_t>(i % 200), 'x');  // rows of varied length
      if (!s->Append(r).ok()) _exit(3);
    }
  };
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    write_all();
    _exit(0);
  }
  // Kill part-way through: once some rows are in (each is fsync'd, so the rest take a while).
  for (int i = 0; i < 5000; ++i) {
    std::ifstream f(path, std::ios::ate);
    if (f && f.tellg() > 20 * 120) break;
    usleep(1000);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  auto partial = ReadStore(path);
  REQUIRE(partial.ok());
  INFO("rows before the kill: " << partial->size());
  CHECK(partial->size() < static_cast<size_t>(kRows));
  write_all();  // the rerun (resume)
  auto rows = ReadStore(path);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == static_cast<size_t>(kRows));
  std::set<std::string> hashes;
  for (const auto& r : *rows) hashes.insert(r.network_hash);
  CHECK(hashes.size() == static_cast<size_t>(kRows));
}

TEST_CASE("platform fingerprints are recorded once per id", "[store]") {
  testing::TempDir dir;
  std::string path = dir.File("m.csv");
  nlohmann::json fp = {{"cpu_model", "x"}};
  {
    auto s = MeasurementStore::Open(path);
    REQUIRE(s.ok());
    REQUIRE(s->RecordPlatform("id1", "p1", fp).ok());
    REQUIRE(s->RecordPlatform("id1", "p1", fp).ok());
  }
  auto s = MeasurementStore::Open(path);
  REQUIRE(s.ok());
  REQUIRE(s->RecordPlatform("id1", "p1", fp).ok());
  REQUIRE(s->RecordPlatform("id2", "p2", fp).ok());
  std::string side = Slurp(path + ".platforms.jsonl");
  CHECK(std::count(side.begin(), side.end(), '\n') == 2);
}
