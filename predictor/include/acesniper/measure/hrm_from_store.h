// A platform's HRM fit input from measurement records: its batch-1 reference latencies in the
// spec's order (NaN where a reference network was not measured ok). Shared by `acesniper hrm`
// and the node agent, so a node and an offline fit agree on what the store means.
#pragma once

#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/hrm/hrm.h"
#include "acesniper/measure/store.h"

namespace acesniper {

// Rows of `platform` (by name); an error when it has none, or two fingerprints (platform_ids).
Result<HrmFitInput> ReferenceLatencies(const HrmSpec& spec, const std::vector<MeasurementRecord>& rows,
                                       const std::string& platform);

}  // namespace acesniper
