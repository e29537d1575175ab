#include "acesniper/measure/store.h"

#include "acesniper/common/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

namespace acesniper {

namespace {

constexpr int kColumns = 17;

std::string Errno(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

std::string CsvField(const std::string& s) {
  std::string clean;
  for (char c : s) clean += (c == '\n' || c == '\r') ? ' ' : c;
  if (clean.find_first_of(",\"") == std::string::npos) return clean;
  std::string q = "\"";
  for (char c : clean) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

Result<std::vector<std::string>> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { cur += '"'; ++i; }
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"' && cur.empty()) {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) return Status::InvalidArgument("unterminated quoted field");
  out.push_back(cur);
  return out;
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Result<double> ParseNumber(const std::string& s, const char* column) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    return Status::InvalidArgument(std::string("column '") + column + "' is not a number: '" + s + "'");
  }
}

// The file's bytes; the length of its complete lines (up to the last newline).
Result<std::string> ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot read '" + path + "'");
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

// Parses complete lines of a store's text; `complete` ends at the last newline.
Result<std::vector<MeasurementRecord>> ParseStoreText(const std::string& path, const std::string& complete) {
  std::vector<MeasurementRecord> rows;
  std::istringstream in(complete);
  std::string line;
  if (!std::getline(in, line) || line != kStoreHeader)
    return Status::InvalidArgument("'" + path + "' is not a measurement store: its first line is not the header '" +
                                   std::string(kStoreHeader) + "'");
  std::map<StoreKey, int> seen;
  for (int no = 2; std::getline(in, line); ++no) {
    auto r = ParseRecord(line);
    if (!r.ok()) return r.status().WithContext("'" + path + "' line " + std::to_string(no));
    StoreKey key{r->platform_id, r->network_hash, r->batch};
    auto [it, fresh] = seen.emplace(key, no);
    if (!fresh)
      return Status::InvalidArgument("'" + path + "' line " + std::to_string(no) + " measures again what line " +
                                     std::to_string(it->second) + " measured (" + r->network + " on " + r->platform + ")");
    rows.push_back(std::move(*r));
  }
  return rows;
}

}  // namespace

const char* MeasureStatusName(MeasureStatus s) {
  switch (s) {
    case MeasureStatus::kOk: return "ok";
    case MeasureStatus::kUnsupported: return "unsupported";
    case MeasureStatus::kFailed: return "failed";
    case MeasureStatus::kTimeout: return "timeout";
    case MeasureStatus::kCrashed: return "crashed";
  }
  return "?";
}

Result<MeasureStatus> ParseMeasureStatus(const std::string& s) {
  for (auto st : {MeasureStatus::kOk, MeasureStatus::kUnsupported, MeasureStatus::kFailed, MeasureStatus::kTimeout,
                  MeasureStatus::kCrashed})
    if (s == MeasureStatusName(st)) return st;
  return Status::InvalidArgument("unknown status '" + s + "'");
}

std::string FormatRecord(const MeasurementRecord& r) {
  std::ostringstream o;
  o << CsvField(r.platform) << ',' << r.platform_id << ',' << CsvField(r.network) << ',' << r.network_hash << ','
    << r.batch << ',' << MeasureStatusName(r.status) << ',' << Num(r.median_ms) << ',' << Num(r.mad_ms) << ','
    << Num(r.min_ms) << ',' << Num(r.cv) << ',' << r.runs << ',' << r.rejected << ',' << r.visits << ','
    << Num(r.visit_spread) << ',' << Num(r.flops) << ','
    << r.measured_at << ',' << CsvField(r.message) << '\n';
  return o.str();
}

Result<MeasurementRecord> ParseRecord(const std::string& line) {
  auto fields = SplitCsvLine(line);
  if (!fields.ok()) return fields.status();
  const auto& f = *fields;
  if (static_cast<int>(f.size()) != kColumns)
    return Status::InvalidArgument("expected " + std::to_string(kColumns) + " columns, found " + std::to_string(f.size()));
  MeasurementRecord r;
  r.platform = f[0];
  r.platform_id = f[1];
  r.network = f[2];
  r.network_hash = f[3];
  if (r.platform.empty() || r.platform_id.empty() || r.network_hash.empty())
    return Status::InvalidArgument("platform, platform_id and network_hash must not be empty");
  auto num = [&](int col, const char* name, double* out) -> Status {
    auto v = ParseNumber(f[static_cast<size_t>(col)], name);
    if (!v.ok()) return v.status();
    *out = *v;
    return Status::Ok();
  };
  double batch = 0, runs = 0, rejected = 0, visits = 0;
  ACESNIPER_RETURN_IF_ERROR(num(4, "batch", &batch));
  if (batch < 1 || batch != std::floor(batch)) return Status::InvalidArgument("column 'batch' must be a whole number >= 1");
  r.batch = static_cast<int64_t>(batch);
  auto st = ParseMeasureStatus(f[5]);
  if (!st.ok()) return st.status();
  r.status = *st;
  ACESNIPER_RETURN_IF_ERROR(num(6, "median_ms", &r.median_ms));
  ACESNIPER_RETURN_IF_ERROR(num(7, "mad_ms", &r.mad_ms));
  ACESNIPER_RETURN_IF_ERROR(num(8, "min_ms", &r.min_ms));
  ACESNIPER_RETURN_IF_ERROR(num(9, "cv", &r.cv));
  ACESNIPER_RETURN_IF_ERROR(num(10, "runs", &runs));
  ACESNIPER_RETURN_IF_ERROR(num(11, "rejected", &rejected));
  ACESNIPER_RETURN_IF_ERROR(num(12, "visits", &visits));
  ACESNIPER_RETURN_IF_ERROR(num(13, "visit_spread", &r.visit_spread));
  ACESNIPER_RETURN_IF_ERROR(num(14, "flops", &r.flops));
  r.runs = static_cast<int>(runs);
  r.rejected = static_cast<int>(rejected);
  r.visits = static_cast<int>(visits);
  r.measured_at = f[15];
  r.message = f[16];
  return r;
}

std::string UtcNowIso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::vector<MeasurementRecord>> ReadStore(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  size_t end = text->rfind('\n');
  return ParseStoreText(path, end == std::string::npos ? std::string() : text->substr(0, end + 1));
}

Result<MeasurementStore> MeasurementStore::Open(const std::string& path) {
  MeasurementStore s;
  s.path_ = path;
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && st.st_size > 0) {
    auto text = ReadAll(path);
    if (!text.ok()) return text.status();
    size_t end = text->rfind('\n');
    size_t complete = end == std::string::npos ? 0 : end + 1;
    if (complete == 0) return Status::InvalidArgument("'" + path + "' is not a measurement store (no header line)");
    auto rows = ParseStoreText(path, text->substr(0, complete));
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) s.keys_.insert({r.platform_id, r.network_hash, r.batch});
    if (complete < text->size()) {  // a row torn by a kill: cut it, it is measured again
      s.torn_bytes_ = text->size() - complete;
      if (::truncate(path.c_str(), static_cast<off_t>(complete)) != 0) return Status::IOError(Errno("cannot truncate", path));
    }
  }
  s.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (s.fd_ < 0) return Status::IOError(Errno("cannot open", path));
  if (!exists || st.st_size == 0) {
    std::string header = std::string(kStoreHeader) + "\n";
    if (::write(s.fd_, header.data(), header.size()) != static_cast<ssize_t>(header.size()) || ::fsync(s.fd_) != 0)
      return Status::IOError(Errno("cannot write", path));
  }
  const std::string sidecar = path + ".platforms.jsonl";
  if (::stat(sidecar.c_str(), &st) == 0) {
    auto text = ReadAll(sidecar);
    if (!text.ok()) return text.status();
    size_t end = text->rfind('\n');
    size_t complete = end == std::string::npos ? 0 : end + 1;
    if (complete < text->size() && ::truncate(sidecar.c_str(), static_cast<off_t>(complete)) != 0)
      return Status::IOError(Errno("cannot truncate", sidecar));
    std::istringstream in(text->substr(0, complete));
    for (std::string line; std::getline(in, line);) {
      try {
        auto j = nlohmann::json::parse(line);
        if (j.contains("platform_id") && j["platform_id"].is_string())
          s.platform_ids_.insert(j["platform_id"].get<std::string>());
      } catch (const std::exception& e) {
        return Status::InvalidArgument("'" + sidecar + "' has a line that is not JSON: " + e.what());
      }
    }
  }
  return s;
}

MeasurementStore::MeasurementStore(MeasurementStore&& o) noexcept { *this = std::move(o); }
MeasurementStore& MeasurementStore::operator=(MeasurementStore&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    o.fd_ = -1;
    keys_ = std::move(o.keys_);
    platform_ids_ = std::move(o.platform_ids_);
    torn_bytes_ = o.torn_bytes_;
  }
  return *this;
}
MeasurementStore::~MeasurementStore() {
  if (fd_ >= 0) ::close(fd_);
}

Status MeasurementStore::Append(const MeasurementRecord& r) {
  StoreKey key{r.platform_id, r.network_hash, r.batch};
  if (keys_.count(key)) return Status::InvalidArgument("already measured: " + r.network + " on " + r.platform);
  std::string row = FormatRecord(r);
  ssize_t n = ::write(fd_, row.data(), row.size());  // O_APPEND: one write, one row
  if (n != static_cast<ssize_t>(row.size()) || ::fsync(fd_) != 0) return Status::IOError(Errno("cannot append to", path_));
  keys_.insert(key);
  return Status::Ok();
}

Status MeasurementStore::RecordPlatform(const std::string& platform_id, const std::string& name,
                                        const nlohmann::json& fingerprint) {
  if (platform_ids_.count(platform_id)) return Status::Ok();
  std::string sidecar = path_ + ".platforms.jsonl";
  int fd = ::open(sidecar.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(Errno("cannot open", sidecar));
  std::string line = nlohmann::json{{"platform_id", platform_id}, {"platform", name}, {"fingerprint", fingerprint}}.dump() + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::IOError(Errno("cannot append to", sidecar));
  platform_ids_.insert(platform_id);
  return Status::Ok();
}

}  // namespace acesniper
