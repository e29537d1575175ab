// LibTorch in process. Its settings (threads, frozen + optimize_for_inference, oneDNN, dtype,
// memory format, and the BLAS the process loaded) make different platforms: different kernels run.
#pragma once

#include <memory>

#include "acesniper/measure/platform.h"
#include "acesniper/measure/runner.h"

namespace acesniper {

// Applies the platform's process-wide LibTorch settings; create one per process.
std::unique_ptr<Runner> MakeTorchRunner(const PlatformConfig& config);

}  // namespace acesniper
