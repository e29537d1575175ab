#include "layer_cost_features.h"

#include <algorithm>
#include <string>

namespace acesniper {

namespace {

// Kernel class of a convolution: grouped first (depthwise included), then dilated, then the
// square kernels 1, 3, 5, 7, everything else "other".
std::string KernelClass(const ConvAttrs& c) {
  if (c.groups > 1) return "grouped";
  if (c.dilation_h > 1 || c.dilation_w > 1) return "dilated";
  if (c.kernel_h == c.kernel_w && (c.kernel_h == 1 || c.kernel_h == 3 || c.kernel_h == 5 || c.kernel_h == 7))
    return "k" + std::to_string(c.kernel_h);
  return "other";
}

// Input elements in steps of 4x: below 16 Ki, 64 Ki, 256 Ki, 1 Mi, and from 1 Mi up.
const char* InputSizeBin(int64_t elements) {
  if (elements < (int64_t{1} << 14)) return "_in_lt16k";
  if (elements < (int64_t{1} << 16)) return "_in_lt64k";
  if (elements < (int64_t{1} << 18)) return "_in_lt256k";
  if (elements < (int64_t{1} << 20)) return "_in_lt1m";
  return "_in_ge1m";
}

const char* ElementsName(OpKind k) {
  switch (k) {
    case OpKind::kBatchNorm: return "cost_elements_batchnorm";
    case OpKind::kLayerNorm: return "cost_elements_layernorm";
    case OpKind::kActivation: return "cost_elements_activation";
    case OpKind::kAdd: return "cost_elements_add";
    case OpKind::kMul: return "cost_elements_mul";
    case OpKind::kConcat: return "cost_elements_concat";
    case OpKind::kPool:
    case OpKind::kGlobalPool:
    case OpKind::kAdaptivePool: return "cost_elements_pool";
    case OpKind::kSoftmax: return "cost_elements_softmax";
    case OpKind::kMatMul: return "cost_elements_matmul";
    case OpKind::kLinear: return "cost_elements_fc";
    case OpKind::kFlatten:
    case OpKind::kLayout: return "cost_elements_layout";
    default: return "cost_elements_other";
  }
}

// Nonlinearities that compute an exponential per element, several times the work of a clamp.
bool ComputesExponential(ActKind a) {
  return a == ActKind::kSigmoid || a == ActKind::kTanh || a == ActKind::kSiLU || a == ActKind::kGELU;
}

// Schema v4: the terms the zoo showed the v3 terms misprice (docs/model.md, "Which layer kinds
// the additive model underprices"): a fully connected layer's weights, which a batch-1 product
// reads once each, at a price that steps up once they leave the core's caches; exponential
// nonlinearities; and the window a pooling layer reads per output.
void AddKindSpecificTerms(const Graph& g, const Node& nd, double elements,
                          const std::function<double&(const char*)>& at) {
  if (nd.op == OpKind::kLinear) {
    const double weights = static_cast<double>(NodeParams(g, nd));
    // FLOPs beyond one multiply-add per weight read: 0 for a batch-1 classifier (a product of a
    // vector and the matrix), most of a transformer's products (each weight used once a token).
    // flops_fc prices both alike, which a platform trained on classifiers alone cannot separate.
    at("cost_fc_reuse_flops") += std::max(0.0, 2.0 * static_cast<double>(NodeMacs(g, nd)) - 2.0 * weights);
    at("cost_fc_weights") += weights;
    at("cost_fc_weights_over_256k") += std::max(0.0, weights - 262144.0);
    at("cost_fc_weights_over_2m") += std::max(0.0, weights - 2097152.0);
  } else if (nd.op == OpKind::kActivation && ComputesExponential(nd.act)) {
    at("cost_elements_activation_exp") += elements;
  } else if (nd.op == OpKind::kPool) {
    at("cost_elements_pool_window") +=
        static_cast<double>(NumElements(nd.out)) * static_cast<double>(nd.pool.kernel_h * nd.pool.kernel_w);
  } else if (nd.op == OpKind::kAdaptivePool && !nd.inputs.empty()) {
    // The window of the equivalent fixed pooling (what an ONNX export writes where the sizes
    // divide): vgg's 7x7 adaptive pooling of a 7x7 plane reads one element per output either way.
    const Shape& in = g.node(nd.inputs.front()).out;
    if (in.size() == 4 && nd.pool.out_h > 0 && nd.pool.out_w > 0) {
      const int64_t kh = (in[2] + nd.pool.out_h - 1) / nd.pool.out_h, kw = (in[3] + nd.pool.out_w - 1) / nd.pool.out_w;
      at("cost_elements_pool_window") += static_cast<double>(NumElements(nd.out)) * static_cast<double>(kh * kw);
    }
  }
}

}  // namespace

void AddLayerCostTerms(const Graph& g, int i, const std::function<double&(const char*)>& at) {
  const Node& nd = g.node(i);
  if (nd.op == OpKind::kInput) return;
  double in_elements = 0;
  for (int j : nd.inputs) in_elements += static_cast<double>(NumElements(g.node(j).out));
  const double out_elements = static_cast<double>(NumElements(nd.out));
  if (nd.op != OpKind::kConv) {
    at(ElementsName(nd.op)) += in_elements + out_elements;
    AddKindSpecificTerms(g, nd, in_elements + out_elements, at);
    return;
  }
  const ConvAttrs& c = nd.conv;
  const double flops = 2.0 * static_cast<double>(NodeMacs(g, nd));
  const std::string kc = KernelClass(c);
  at(("cost_conv_flops_" + kc).c_str()) += flops;
  if (kc != "grouped" && kc != "other") {
    const Shape& in = g.node(nd.inputs.front()).out;
    const int64_t channels = std::min(in.size() > 1 ? in[1] : 0, c.out_channels);
    const char* ch = channels < 64 ? "_ch_lt64" : channels < 256 ? "_ch_lt256" : "_ch_ge256";
    at(("cost_conv_flops_" + kc + ch).c_str()) += flops;
    const int64_t plane = nd.out.size() == 4 ? nd.out[2] : 1;
    at(("cost_conv_flops_" + kc + (plane >= 56 ? "_hw_ge56" : "_hw_lt56")).c_str()) += flops;
  }
  // The same FLOPs by input size: a runtime picks its algorithm (im2col + GEMM, direct, Winograd,
  // a library's blocked kernel) and its blocking by the tensor's size, so the price of a FLOP steps
  // with it (docs/features.md, "Convolution FLOPs by input size").
  at(("cost_conv_flops_" + kc + InputSizeBin(NumElements(g.node(nd.inputs.front()).out))).c_str()) += flops;
  const int64_t stride = std::max(c.stride_h, c.stride_w);
  at(stride == 1 ? "cost_conv_flops_s1" : stride == 2 ? "cost_conv_flops_s2" : "cost_conv_flops_s3up") += flops;
  at("cost_conv_in_elements") += in_elements;
  at("cost_conv_out_elements") += out_elements;
  at("cost_conv_weights") += static_cast<double>(NodeParams(g, nd));
  at("cost_conv_layers") += 1;
  if (kc == "grouped") at("cost_conv_grouped_elements") += in_elements + out_elements;
}

}  // namespace acesniper
