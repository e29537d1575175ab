// OpenCV DNN 4.6 can import a network into one that computes something else, and then time that.
// Found in the extended space's squeeze-and-excitation blocks: its ONNX simplifier fuses
// Mul(x, HardSigmoid(s)) (alpha 1/6, beta 1/2) into HardSwish(s) without checking that x is s, so
// x [1,C,H,W] * gate [1,C,1,1] becomes a [1,C,1,1] tensor, every later layer runs on 1x1 maps,
// and the network "runs" in a fraction of its time (genx-20261126-38, 2.7 GFLOPs: 0.33 ms on
// opencv-2t-zen4, 15.6 ms on torch-eager-2t-zen4). Swapping the Mul's inputs avoids it in a small
// block but not in every network (genx-1-36); writing the gate out as Clip(s / 6 + 1/2, 0, 1),
// the same function, avoids it in all we measured.
// The runner therefore checks every elementwise node with two computed inputs once, at batch 1:
// by ONNX broadcasting its output has at least as many elements as each input. If the wrong nodes
// all have a HardSigmoid input, every such gate of the network is written out (a wrong node hides
// later ones: their inputs are wrong too) and the check runs again; a node still wrong after that,
// or wrong for another reason, makes the network Unsupported, never a silently wrong latency.
#pragma once

#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"
#include "acesniper/opencv/onnx_for_opencv.h"

namespace acesniper {

struct BroadcastFault {
  std::string op, output;
  std::vector<int> got, a, b;  // OpenCV's shapes of the output and the inputs (empty: not available)
  std::string Describe() const;  // e.g. "Mul 'mul11' gives [1,18,1,1] from [1,18,56,56] and [1,18,1,1]"
};

// Runs `model` in OpenCV DNN once (batch 1 of `input_shape`) and returns its wrong nodes. An
// error of OpenCV itself is Unsupported, as in the runner.
Result<std::vector<BroadcastFault>> FindBroadcastFaults(const OpenCvOnnx& model, const Shape& input_shape);

// The model OpenCV computes correctly: `model` itself, or the same with the HardSigmoid gates of
// its wrong nodes written out. Unsupported, naming the node, when a fault remains.
Result<std::string> WithoutBroadcastFaults(const OpenCvOnnx& model, const Shape& input_shape, const std::string& name);

}  // namespace acesniper
