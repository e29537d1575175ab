// What the runner and the broadcast check (opencv_broadcasts.h) both do with OpenCV DNN: read a
// serialised ONNX model onto OpenCV's own CPU backend, and make a random input for it. Both may
// throw cv::Exception; callers turn it into Unsupported with the message's first line.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

inline std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

inline Result<cv::dnn::Net> ReadCpuNet(const std::string& onnx, const std::string& name) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
  if (net.empty()) return Status::Unsupported("OpenCV DNN read an empty network from " + name);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

// Uniform in [0, 1), of `shape` with its first dimension set to `batch`.
inline Result<cv::Mat> RandomInput(const Shape& shape, int64_t batch, const std::string& name) {
  std::vector<int> dims(shape.begin(), shape.end());
  if (dims.empty()) return Status::InvalidArgument("no input shape for " + name);
  dims[0] = static_cast<int>(batch);
  cv::Mat input(static_cast<int>(dims.size()), dims.data(), CV_32F);
  cv::randu(input, 0.0, 1.0);
  return input;
}

}  // namespace acesniper
