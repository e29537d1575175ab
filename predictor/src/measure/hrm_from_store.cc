#include "acesniper/measure/hrm_from_store.h"

#include <cmath>
#include <map>

namespace acesniper {

Result<HrmFitInput> ReferenceLatencies(const HrmSpec& spec, const std::vector<MeasurementRecord>& rows,
                                       const std::string& platform) {
  std::map<std::string, double> latency;  // reference network -> ms
  std::string platform_id;
  for (const MeasurementRecord& r : rows) {
    if (r.platform != platform || r.batch != 1) continue;
    if (!platform_id.empty() && platform_id != r.platform_id)
      return Status::InvalidArgument("platform '" + platform + "' has two fingerprints (" + platform_id + ", " +
                                     r.platform_id + ") in the stores");
    platform_id = r.platform_id;
    if (r.status == MeasureStatus::kOk) latency[r.network] = r.median_ms;
  }
  if (platform_id.empty()) return Status::NotFound("no measurements of platform '" + platform + "' in the stores");
  HrmFitInput in{platform, platform_id, {}};
  for (const std::string& name : spec.reference_networks) {
    auto it = latency.find(name);
    in.latency_ms.push_back(it == latency.end() ? std::nan("") : it->second);
  }
  return in;
}

}  // namespace acesniper
