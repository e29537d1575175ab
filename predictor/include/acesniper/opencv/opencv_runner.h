// OpenCV DNN (its own CPU backend) on the ONNX form: an inference engine independent of
// LibTorch. OpenCV 4.6 rejects some ONNX graphs (transformers among them): Unsupported. Files
// are read through OnnxForOpenCv (onnx_for_opencv.h) first.
#pragma once

#include <memory>

#include "acesniper/measure/platform.h"
#include "acesniper/measure/runner.h"

namespace acesniper {

std::unique_ptr<Runner> MakeOpenCvRunner(const PlatformConfig& config);

}  // namespace acesniper
