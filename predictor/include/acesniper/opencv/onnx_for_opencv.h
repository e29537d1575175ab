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
// It also lists the elementwise nodes whose two inputs are both computed (not parameters): OpenCV
// 4.6 imports some broadcasting ones wrongly, and the runner checks them (opencv_broadcasts.h).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper {

struct OpenCvOnnx {
  std::string model;  // the serialised ModelProto (unchanged when nothing was inlined)
  int inlined = 0;    // Identity nodes replaced by initializers
  int clips = 0;      // Clip nodes whose constant bounds became attributes
  // A value as OpenCV names it: the layer of the node that computes it (the node's name, or its
  // first output where it has none; empty for a graph input) and which of that node's outputs.
  struct Producer {
    std::string layer;
    int index = 0;
    std::string op;  // the node's op_type (empty for a graph input)
  };
  struct BinaryNode {
    std::string op, output;  // output = op(a, b)
    Producer self, a, b;
    std::string a_value, b_value;
  };
  // Mul, Add, Sub and Div nodes with two computed inputs (neither an initializer nor a Constant).
  std::vector<BinaryNode> binary;
  std::vector<std::string> graph_inputs;  // the graph's inputs that are not initializers
};

// `bytes`: a serialised ONNX ModelProto; `name` is for errors. Invalid protobuf is an error.
Result<OpenCvOnnx> OnnxForOpenCv(const std::string& bytes, const std::string& name);

// The same model with each HardSigmoid node whose output is in `outputs` written out as
// Clip(x * alpha + beta, 0, 1): the same function in three nodes (anything else in `outputs` is
// an InvalidArgument that names it).
Result<std::string> DecomposeHardSigmoids(const std::string& bytes, const std::set<std::string>& outputs,
                                          const std::string& name);

}  // namespace acesniper
