// The measurement store: one CSV file, append-only, one row per (platform, network, batch).
// Each row is written with a single write() and fsync'd, so a kill mid-run loses at most the row
// being written; opening the store drops such a torn last row and reports it. Rows already
// present are skipped on resume, keyed by (platform_id, network_hash, batch). Platforms'
// fingerprints go to "<file>.platforms.jsonl", one JSON line per platform_id.
// Format: docs/measurement.md. Python: csv.DictReader / pandas.read_csv read it as is.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"

namespace acesniper {

inline constexpr const char* kStoreHeader =
    "platform,platform_id,network,network_hash,batch,status,median_ms,mad_ms,min_ms,cv,runs,rejected,visits,"
    "visit_spread,flops,measured_at,message";

// What happened to one network on one platform.
enum class MeasureStatus { kOk, kUnsupported, kFailed, kTimeout, kCrashed };
const char* MeasureStatusName(MeasureStatus s);
Result<MeasureStatus> ParseMeasureStatus(const std::string& s);

struct MeasurementRecord {
  std::string platform;       // platform name
  std::string platform_id;    // 16 hex digits of the fingerprint's SHA-256
  std::string network;        // e.g. gen-7-123, resnet50
  std::string network_hash;   // GraphStructureHash
  int64_t batch = 1;
  MeasureStatus status = MeasureStatus::kOk;
  double median_ms = 0, mad_ms = 0, min_ms = 0, cv = 0;  // ok rows only: of the fastest visit
  int runs = 0, rejected = 0;  // over all visits
  int visits = 0;
  double visit_spread = 0;     // slowest visit median / fastest - 1
  double flops = 0;           // of the network at batch 1
  std::string measured_at;    // UTC, ISO 8601
  std::string message;        // why, for rows that are not ok
};

using StoreKey = std::tuple<std::string, std::string, int64_t>;  // platform_id, network_hash, batch

// One CSV row (with the newline) and back.
std::string FormatRecord(const MeasurementRecord& r);
Result<MeasurementRecord> ParseRecord(const std::string& line);

class MeasurementStore {
 public:
  // Opens or creates the store. A missing file gets the header. An existing file must have the
  // header; a torn last line (no newline) is cut off, and every other row must parse.
  static Result<MeasurementStore> Open(const std::string& path);
  MeasurementStore(MeasurementStore&&) noexcept;
  MeasurementStore& operator=(MeasurementStore&&) noexcept;
  ~MeasurementStore();

  bool Contains(const StoreKey& key) const { return keys_.count(key) > 0; }
  // Appends and syncs one row; a key already present is an error (never a duplicate row).
  Status Append(const MeasurementRecord& r);
  // Records a platform's fingerprint once per platform_id in the sidecar file.
  Status RecordPlatform(const std::string& platform_id, const std::string& name, const nlohmann::json& fingerprint);

  size_t size() const { return keys_.size(); }
  size_t torn_bytes_dropped() const { return torn_bytes_; }
  const std::string& path() const { return path_; }

 private:
  MeasurementStore() = default;
  std::string path_;
  int fd_ = -1;
  std::set<StoreKey> keys_;
  std::set<std::string> platform_ids_;
  size_t torn_bytes_ = 0;
};

// All rows of a store file, plain or .gz (for training, tools and tests); same checks as Open,
// read-only.
Result<std::vector<MeasurementRecord>> ReadStore(const std::string& path);

std::string UtcNowIso8601();

}  // namespace acesniper
