#include "acesniper/analyze/features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "layer_cost_features.h"

namespace acesniper {

namespace {

const std::vector<FeatureDef> kDefs = {
    // Network structure
    {"struct_max_branches", "network structure", "largest number of layers that consume one layer's output"},
    {"struct_layers", "network structure", "counted layers: every op but input, flatten and layout"},
    {"struct_cp_layers", "network structure", "counted layers on the critical path"},
    {"struct_cp_param_share", "network structure", "params_cp / params_total"},
    {"struct_cp_layer_share", "network structure", "struct_cp_layers / struct_layers"},
    {"struct_cp_flops_share", "network structure", "flops_cp / flops_total"},
    {"struct_mean_flops_per_layer", "network structure", "flops_total / struct_layers"},
    // Calculation
    {"flops_total", "calculation", "2 x multiply-adds of conv, linear and matmul layers"},
    {"flops_cp", "calculation", "flops_total restricted to the critical path"},
    {"flops_conv", "calculation", "2 x multiply-adds of convolutions"},
    {"flops_fc", "calculation", "2 x multiply-adds of fully connected (linear) layers"},
    // Parameters
    {"params_total", "parameters", "learned parameters (weights, biases, norm affine, extra tensors)"},
    {"params_cp", "parameters", "parameters of layers on the critical path"},
    {"params_conv", "parameters", "parameters of convolutions"},
    {"params_fc", "parameters", "parameters of fully connected layers"},
    // Layer proportions
    {"count_norm", "layer proportion", "batch and layer normalisation layers"},
    {"count_conv1x1", "layer proportion", "convolutions with a 1x1 kernel"},
    {"count_conv3x3", "layer proportion", "convolutions with a 3x3 kernel, dilation 1"},
    {"count_conv5x5", "layer proportion", "convolutions with a 5x5 kernel, dilation 1"},
    {"count_conv7x7", "layer proportion", "convolutions with a 7x7 kernel, dilation 1"},
    {"count_atrous3x3", "layer proportion", "convolutions with a 3x3 kernel, dilation > 1"},
    {"count_fc", "layer proportion", "fully connected layers"},
    {"count_concat", "layer proportion", "concatenations"},
    {"count_add", "layer proportion", "elementwise additions of activations"},
    {"count_pool_avg", "layer proportion", "average pooling (windowed, global, adaptive)"},
    {"count_pool_max", "layer proportion", "max pooling (windowed, global, adaptive)"},
    {"share_norm", "layer proportion", "count_norm / struct_layers"},
    {"share_conv1x1", "layer proportion", "count_conv1x1 / struct_layers"},
    {"share_conv3x3", "layer proportion", "count_conv3x3 / struct_layers"},
    {"share_conv5x5", "layer proportion", "count_conv5x5 / struct_layers"},
    {"share_conv7x7", "layer proportion", "count_conv7x7 / struct_layers"},
    {"share_atrous3x3", "layer proportion", "count_atrous3x3 / struct_layers"},
    {"share_fc", "layer proportion", "count_fc / struct_layers"},
    {"share_concat", "layer proportion", "count_concat / struct_layers"},
    {"share_add", "layer proportion", "count_add / struct_layers"},
    {"share_pool_avg", "layer proportion", "count_pool_avg / struct_layers"},
    {"share_pool_max", "layer proportion", "count_pool_max / struct_layers"},
    // Inference data flow (counted layers with a 4-D N,C,H,W output; nearest bucket on a log2 scale)
    {"plane_14", "inference data flow", "layers whose output plane H is nearest 14 (10..19)"},
    {"plane_28", "inference data flow", "... nearest 28 (20..39)"},
    {"plane_56", "inference data flow", "... nearest 56 (40..79)"},
    {"plane_112", "inference data flow", "... nearest 112 (80..158)"},
    {"plane_224", "inference data flow", "... nearest 224 (159..316)"},
    {"channels_3", "inference data flow", "layers whose output channels are nearest 3 (1..9)"},
    {"channels_32", "inference data flow", "... nearest 32 (10..45)"},
    {"channels_64", "inference data flow", "... nearest 64 (46..90)"},
    {"channels_128", "inference data flow", "... nearest 128 (91..181)"},
    {"channels_256", "inference data flow", "... nearest 256 (182..362)"},
    {"channels_512", "inference data flow", "... nearest 512 (363..724)"},
    // Memory access cost (for the FLOPs&AMC baseline)
    {"amc_bytes", "memory access", "fp32 bytes read and written by counted layers: inputs + output + parameters"},
    // Extra: operators and ranges Table III does not name, counted, never dropped
    {"flops_matmul", "extra", "2 x multiply-adds of activation x activation products (attention)"},
    {"flops_elementwise", "extra", "one op per output element of other layers (pool: per window element)"},
    {"params_other", "extra", "learned tensors outside conv/linear/norm (class token, position embedding, bias tables)"},
    {"count_batchnorm", "extra", "batch normalisation layers (part of count_norm)"},
    {"count_layernorm", "extra", "layer normalisation layers (part of count_norm)"},
    {"count_conv_other", "extra", "convolutions with other kernels (1x7, 16x16 patchify, 3x3 dilated 5x5 ...)"},
    {"count_conv_grouped", "extra", "convolutions with groups > 1 (depthwise included)"},
    {"count_activation", "extra", "elementwise nonlinearities (ReLU, SiLU, GELU, hard-swish, ...)"},
    {"count_mul", "extra", "elementwise products of activations (squeeze-excitation gates)"},
    {"count_matmul", "extra", "activation x activation products"},
    {"count_softmax", "extra", "softmax layers"},
    {"count_other", "extra", "counted layers of any other operator"},
    {"count_layout", "extra", "data movement without arithmetic (reshape, permute, pad, roll, flatten); not layers"},
    {"plane_below_14", "extra", "4-D layer outputs with plane H below 10 (7x7, 1x1 ...)"},
    {"plane_above_224", "extra", "4-D layer outputs with plane H above 316"},
    {"channels_above_512", "extra", "4-D layer outputs with more than 724 channels"},
    // Layer cost (schema v2): per-layer cost terms, summed over the network (layer_cost_features.h)
    {"cost_conv_flops_k1", "layer cost", "convolution FLOPs (2 x multiply-adds): groups 1, 1x1 kernel"},
    {"cost_conv_flops_k3", "layer cost", "convolution FLOPs (2 x multiply-adds): groups 1, 3x3 kernel, dilation 1"},
    {"cost_conv_flops_k5", "layer cost", "convolution FLOPs (2 x multiply-adds): groups 1, 5x5 kernel, dilation 1"},
    {"cost_conv_flops_k7", "layer cost", "convolution FLOPs (2 x multiply-adds): groups 1, 7x7 kernel, dilation 1"},
    {"cost_conv_flops_dilated", "layer cost", "convolution FLOPs (2 x multiply-adds): groups 1, dilation > 1, groups 1"},
    {"cost_conv_flops_other", "layer cost", "... groups 1, any other kernel (1x7, 16x16 patchify, 2x2 ...)"},
    {"cost_conv_flops_grouped", "layer cost", "... groups > 1 (depthwise included), any kernel"},
    {"cost_conv_flops_k1_ch_lt64", "layer cost", "cost_conv_flops_k1 of layers whose smaller of input/output channels is below 64"},
    {"cost_conv_flops_k1_ch_lt256", "layer cost", "... 64 to 255"},
    {"cost_conv_flops_k1_ch_ge256", "layer cost", "... 256 or more"},
    {"cost_conv_flops_k3_ch_lt64", "layer cost", "cost_conv_flops_k3 of layers whose smaller of input/output channels is below 64"},
    {"cost_conv_flops_k3_ch_lt256", "layer cost", "... 64 to 255"},
    {"cost_conv_flops_k3_ch_ge256", "layer cost", "... 256 or more"},
    {"cost_conv_flops_k5_ch_lt64", "layer cost", "cost_conv_flops_k5 of layers whose smaller of input/output channels is below 64"},
    {"cost_conv_flops_k5_ch_lt256", "layer cost", "... 64 to 255"},
    {"cost_conv_flops_k5_ch_ge256", "layer cost", "... 256 or more"},
    {"cost_conv_flops_k7_ch_lt64", "layer cost", "cost_conv_flops_k7 of layers whose smaller of input/output channels is below 64"},
    {"cost_conv_flops_k7_ch_lt256", "layer cost", "... 64 to 255"},
    {"cost_conv_flops_k7_ch_ge256", "layer cost", "... 256 or more"},
    {"cost_conv_flops_dilated_ch_lt64", "layer cost", "cost_conv_flops_dilated of layers whose smaller of input/output channels is below 64"},
    {"cost_conv_flops_dilated_ch_lt256", "layer cost", "... 64 to 255"},
    {"cost_conv_flops_dilated_ch_ge256", "layer cost", "... 256 or more"},
    {"cost_conv_flops_k1_hw_ge56", "layer cost", "cost_conv_flops_k1 of layers whose output plane H is 56 or more"},
    {"cost_conv_flops_k1_hw_lt56", "layer cost", "... below 56"},
    {"cost_conv_flops_k3_hw_ge56", "layer cost", "cost_conv_flops_k3 of layers whose output plane H is 56 or more"},
    {"cost_conv_flops_k3_hw_lt56", "layer cost", "... below 56"},
    {"cost_conv_flops_k5_hw_ge56", "layer cost", "cost_conv_flops_k5 of layers whose output plane H is 56 or more"},
    {"cost_conv_flops_k5_hw_lt56", "layer cost", "... below 56"},
    {"cost_conv_flops_k7_hw_ge56", "layer cost", "cost_conv_flops_k7 of layers whose output plane H is 56 or more"},
    {"cost_conv_flops_k7_hw_lt56", "layer cost", "... below 56"},
    {"cost_conv_flops_dilated_hw_ge56", "layer cost", "cost_conv_flops_dilated of layers whose output plane H is 56 or more"},
    {"cost_conv_flops_dilated_hw_lt56", "layer cost", "... below 56"},
    {"cost_conv_flops_k1_in_lt16k", "layer cost", "cost_conv_flops_k1 (groups 1, 1x1 kernel) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_k1_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_k1_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_k1_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_k1_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_k3_in_lt16k", "layer cost", "cost_conv_flops_k3 (groups 1, 3x3 kernel, dilation 1) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_k3_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_k3_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_k3_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_k3_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_k5_in_lt16k", "layer cost", "cost_conv_flops_k5 (groups 1, 5x5 kernel, dilation 1) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_k5_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_k5_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_k5_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_k5_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_k7_in_lt16k", "layer cost", "cost_conv_flops_k7 (groups 1, 7x7 kernel, dilation 1) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_k7_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_k7_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_k7_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_k7_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_dilated_in_lt16k", "layer cost", "cost_conv_flops_dilated (groups 1, dilation > 1) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_dilated_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_dilated_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_dilated_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_dilated_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_other_in_lt16k", "layer cost", "cost_conv_flops_other (groups 1, any other kernel) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_other_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_other_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_other_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_other_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_grouped_in_lt16k", "layer cost", "cost_conv_flops_grouped (groups > 1) of layers whose input has below 16 Ki elements (2^14)"},
    {"cost_conv_flops_grouped_in_lt64k", "layer cost", "... 16 Ki to 64 Ki"},
    {"cost_conv_flops_grouped_in_lt256k", "layer cost", "... 64 Ki to 256 Ki"},
    {"cost_conv_flops_grouped_in_lt1m", "layer cost", "... 256 Ki to 1 Mi"},
    {"cost_conv_flops_grouped_in_ge1m", "layer cost", "... 1 Mi (2^20) or more"},
    {"cost_conv_flops_s1", "layer cost", "convolution FLOPs at stride 1 (every kernel class)"},
    {"cost_conv_flops_s2", "layer cost", "... stride 2"},
    {"cost_conv_flops_s3up", "layer cost", "... stride 3 or more (patchify stems)"},
    {"cost_conv_in_elements", "layer cost", "elements convolutions read (input activations)"},
    {"cost_conv_out_elements", "layer cost", "elements convolutions write"},
    {"cost_conv_weights", "layer cost", "convolution parameters (weights and biases)"},
    {"cost_conv_layers", "layer cost", "convolution layers"},
    {"cost_conv_grouped_elements", "layer cost", "elements grouped convolutions read and write (schema v4)"},
    {"cost_elements_batchnorm", "layer cost", "elements batch normalisation reads and writes (inputs + output)"},
    {"cost_elements_layernorm", "layer cost", "... layer normalisation"},
    {"cost_elements_activation", "layer cost", "... elementwise nonlinearities"},
    {"cost_elements_add", "layer cost", "... elementwise additions"},
    {"cost_elements_mul", "layer cost", "... elementwise products"},
    {"cost_elements_concat", "layer cost", "... concatenations"},
    {"cost_elements_pool", "layer cost", "... pooling of every kind"},
    {"cost_elements_softmax", "layer cost", "... softmax"},
    {"cost_elements_matmul", "layer cost", "... activation x activation products"},
    {"cost_elements_fc", "layer cost", "... fully connected layers (activations only)"},
    {"cost_elements_layout", "layer cost", "... data movement: reshape, permute, pad, flatten (not counted layers)"},
    {"cost_elements_other", "layer cost", "... any other operator"},
    {"cost_elements_activation_exp", "layer cost", "cost_elements_activation of sigmoid, tanh, SiLU and GELU (schema v4)"},
    {"cost_elements_pool_window", "layer cost", "elements windowed and adaptive pooling read: output elements x window (schema v4)"},
    {"cost_fc_weights", "layer cost", "fully connected weights and biases (schema v4)"},
    {"cost_fc_reuse_flops", "layer cost", "fully connected FLOPs beyond two per weight: 2 x (multiply-adds - weights) per layer, at least 0 (schema v4)"},
    {"cost_fc_weights_over_256k", "layer cost", "... of each layer beyond its first 256 Ki (2^18)"},
    {"cost_fc_weights_over_2m", "layer cost", "... beyond its first 2 Mi (2^21)"},
};

bool IsCounted(OpKind k) {
  return k != OpKind::kInput && k != OpKind::kFlatten && k != OpKind::kLayout;
}

std::map<std::string, size_t> BuildIndex() {
  std::map<std::string, size_t> m;
  for (size_t i = 0; i < kDefs.size(); ++i) m[kDefs[i].name] = i;
  return m;
}

const std::map<std::string, size_t>& Index() {
  static const std::map<std::string, size_t> m = BuildIndex();
  return m;
}

// Nearest of the given buckets on a log2 scale; -1 below the first midpoint, -2 above the last.
int Bucket(int64_t v, const std::vector<double>& buckets) {
  double lv = std::log2(static_cast<double>(v));
  double lo = std::log2(buckets.front()) - 0.5 * (std::log2(buckets[1]) - std::log2(buckets[0]));
  if (lv < lo) return -1;
  for (size_t i = 0; i < buckets.size(); ++i) {
    double hi = i + 1 < buckets.size() ? 0.5 * (std::log2(buckets[i]) + std::log2(buckets[i + 1]))
                                       : std::log2(buckets[i]) + 0.5;
    if (lv < hi) return static_cast<int>(i);
  }
  return -2;
}

}  // namespace

const std::vector<FeatureDef>& FeatureDefs() { return kDefs; }

int FeatureIndex(const std::string& name) {
  auto it = Index().find(name);
  return it == Index().end() ? -1 : static_cast<int>(it->second);
}

bool IsLayerCostFeature(const FeatureDef& def) { return std::string(def.dimension) == kLayerCostDimension; }

double Features::Get(const std::string& name) const {
  auto it = Index().find(name);
  if (it == Index().end() || it->second >= values_.size()) return std::numeric_limits<double>::quiet_NaN();
  return values_[it->second];
}

std::vector<std::pair<std::string, double>> Features::Named() const {
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < kDefs.size() && i < values_.size(); ++i) out.emplace_back(kDefs[i].name, values_[i]);
  return out;
}

Features AnalyzeGraph(const Graph& g) {
  std::vector<double> v(kDefs.size(), 0.0);
  auto at = [&](const char* name) -> double& { return v[Index().at(name)]; };
  const size_t n = g.size();
  std::vector<double> flops(n), work(n), params(n);
  std::vector<int> consumers(n, 0);
  const std::vector<double> plane_buckets = {14, 28, 56, 112, 224};
  const std::vector<double> channel_buckets = {3, 32, 64, 128, 256, 512};
  const char* plane_names[] = {"plane_14", "plane_28", "plane_56", "plane_112", "plane_224"};
  const char* channel_names[] = {"channels_3", "channels_32", "channels_64", "channels_128", "channels_256", "channels_512"};

  for (size_t i = 0; i < n; ++i) {
    const Node& nd = g.node(static_cast<int>(i));
    for (int j : nd.inputs) ++consumers[static_cast<size_t>(j)];
    flops[i] = 2.0 * static_cast<double>(NodeMacs(g, nd));
    work[i] = flops[i] + static_cast<double>(NodeElementwiseOps(g, nd));
    params[i] = static_cast<double>(NodeParams(g, nd));
    AddLayerCostTerms(g, static_cast<int>(i), at);
    at("flops_total") += flops[i];
    at("params_total") += params[i];
    at("params_other") += static_cast<double>(nd.extra_params);
    if (nd.op == OpKind::kLayout || nd.op == OpKind::kFlatten) at("count_layout") += 1;
    if (!IsCounted(nd.op)) continue;
    at("struct_layers") += 1;
    at("flops_elementwise") += static_cast<double>(NodeElementwiseOps(g, nd));
    at("amc_bytes") += 4.0 * static_cast<double>(NodeMemoryAccess(g, nd));
    switch (nd.op) {
      case OpKind::kConv: {
        const ConvAttrs& c = nd.conv;
        at("flops_conv") += flops[i];
        at("params_conv") += params[i];
        if (c.groups > 1) at("count_conv_grouped") += 1;
        bool square = c.kernel_h == c.kernel_w;
        bool dilated = c.dilation_h > 1 || c.dilation_w > 1;
        if (square && c.kernel_h == 3 && dilated) at("count_atrous3x3") += 1;
        else if (square && !dilated && c.kernel_h == 1) at("count_conv1x1") += 1;
        else if (square && !dilated && c.kernel_h == 3) at("count_conv3x3") += 1;
        else if (square && !dilated && c.kernel_h == 5) at("count_conv5x5") += 1;
        else if (square && !dilated && c.kernel_h == 7) at("count_conv7x7") += 1;
        else at("count_conv_other") += 1;
        break;
      }
      case OpKind::kLinear:
        at("flops_fc") += flops[i];
        at("params_fc") += params[i];
        at("count_fc") += 1;
        break;
      case OpKind::kMatMul:
        at("flops_matmul") += flops[i];
        at("count_matmul") += 1;
        break;
      case OpKind::kBatchNorm: at("count_norm") += 1; at("count_batchnorm") += 1; break;
      case OpKind::kLayerNorm: at("count_norm") += 1; at("count_layernorm") += 1; break;
      case OpKind::kPool:
      case OpKind::kGlobalPool:
      case OpKind::kAdaptivePool:
        at(nd.pool.type == PoolType::kAvg ? "count_pool_avg" : "count_pool_max") += 1;
        break;
      case OpKind::kActivation: at("count_activation") += 1; break;
      case OpKind::kAdd: at("count_add") += 1; break;
      case OpKind::kMul: at("count_mul") += 1; break;
      case OpKind::kConcat: at("count_concat") += 1; break;
      case OpKind::kSoftmax: at("count_softmax") += 1; break;
      default: at("count_other") += 1; break;
    }
    if (nd.out.size() == 4) {
      int p = Bucket(nd.out[2], plane_buckets);
      if (p == -1) at("plane_below_14") += 1;
      else if (p == -2) at("plane_above_224") += 1;
      else at(plane_names[p]) += 1;
      int c = Bucket(nd.out[1], channel_buckets);
      if (c == -2) at("channels_above_512") += 1;
      else if (c >= 0) at(channel_names[c]) += 1;
    }
  }
  for (size_t i = 0; i < n; ++i) at("struct_max_branches") = std::max(at("struct_max_branches"), double(consumers[i]));

  // Critical path: the input-to-output path with the most computation (FLOPs + elementwise ops);
  // ties go to more layers, then more parameters. Compared by value, so the choice does not
  // depend on the order an importer happened to list the layers in.
  using Key = std::tuple<double, double, double>;  // work, layers, params
  std::vector<Key> best(n, Key{-1, 0, 0});
  std::vector<int> prev(n, -1);
  std::vector<double> best_flops(n, 0);
  best[0] = Key{0, 0, 0};
  for (size_t i = 1; i < n; ++i) {
    const Node& nd = g.node(static_cast<int>(i));
    Key in_best{-1, 0, 0};
    for (int j : nd.inputs) {
      if (best[static_cast<size_t>(j)] > in_best) { in_best = best[static_cast<size_t>(j)]; prev[i] = j; }
    }
    double counted = IsCounted(nd.op) ? 1.0 : 0.0;
    best[i] = Key{std::get<0>(in_best) + work[i], std::get<1>(in_best) + counted, std::get<2>(in_best) + params[i]};
    best_flops[i] = (prev[i] >= 0 ? best_flops[static_cast<size_t>(prev[i])] : 0) + flops[i];
  }
  const size_t out = n - 1;
  at("struct_cp_layers") = std::get<1>(best[out]);
  at("params_cp") = std::get<2>(best[out]);
  at("flops_cp") = best_flops[out];

  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  double layers = at("struct_layers");
  at("struct_cp_param_share") = share(at("params_cp"), at("params_total"));
  at("struct_cp_layer_share") = share(at("struct_cp_layers"), layers);
  at("struct_cp_flops_share") = share(at("flops_cp"), at("flops_total"));
  at("struct_mean_flops_per_layer") = share(at("flops_total"), layers);
  for (const char* k : {"norm", "conv1x1", "conv3x3", "conv5x5", "conv7x7", "atrous3x3", "fc", "concat", "add",
                        "pool_avg", "pool_max"})
    at(("share_" + std::string(k)).c_str()) = share(at(("count_" + std::string(k)).c_str()), layers);
  Features f;
  f.values_ = std::move(v);
  return f;
}

}  // namespace acesniper
