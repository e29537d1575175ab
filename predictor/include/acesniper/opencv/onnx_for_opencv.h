// Rewrites an ONNX model into the form OpenCV DNN 4.6 imports; the same network, parameter for
// parameter:
// - PyTorch's exporter stores equal-valued parameters once and gives every other copy an Identity
//   node whose input is that initializer (networks at random initialisation have many: batch-norm
//   weights of ones, biases of zeros). OpenCV 4.6 cannot import an Identity of an initializer and
//   rejects the whole model: each such output gets an initializer of its own (a copy).
// - Clip since opset 11 takes min and max as inputs; OpenCV 4.6 reads only the opset-6 attributes:
//   constant bounds become attributes (the result is for OpenCV only, not a valid opset-17 model).
// With both, 16 of the 18 zoo models import; vit_b_16 and swin_t still do not (a broadcasting Mul
// of constants, LayerNormalization).
#pragma once

#include <string>

#include "acesniper/common/status.h"

namespace acesniper {

struct OpenCvOnnx {
  std::string model;  // the serialised ModelProto (unchanged when nothing was inlined)
  int inlined = 0;    // Identity nodes replaced by initializers
  int clips = 0;      // Clip nodes whose constant bounds became attributes
};

// `bytes`: a serialised ONNX ModelProto; `name` is for errors. Invalid protobuf is an error.
Result<OpenCvOnnx> OnnxForOpenCv(const std::string& bytes, const std::string& name);

}  // namespace acesniper
