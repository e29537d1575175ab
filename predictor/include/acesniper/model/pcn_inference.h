// The PCN's forward pass (pcn.h) in Eigen, for prediction. Training stays in LibTorch; this reads
// the same parameters (Pcn::ToJson) and computes the same function (to float rounding, tested
// against Pcn::Predict). Why a second implementation: at this size (13 tokens of 16, ~18k
// parameters) LibTorch's cost per operator dominates; 1,000 pairs took 22 ms in LibTorch's forward
// pass on one core here, and the model's 5 ms target needs less (docs/benchmarks.md). It also
// lets a predicting process (the scheduler extender) run without LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/model/pcn.h"

namespace acesniper {

class PcnInference {
 public:
  // From the "pcn" object of a latency model file. Errors name the missing or misshapen parameter.
  static Result<PcnInference> FromJson(const nlohmann::json& j);

  // Normalised log latency per row, as Pcn::Predict.
  Result<std::vector<double>> Predict(const PcnInputs& inputs) const;

  const PcnDims& dims() const { return dims_; }

 private:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  struct Linear {
    Matrix weight_t;           // in x out (LibTorch stores out x in)
    Eigen::RowVectorXf bias;   // out
    Matrix Apply(const Matrix& x) const;
  };
  // A batch asks about few networks on many nodes (or many networks on few platforms). A token's
  // projections (Q, K, V) depend only on its own row, so they are computed once per distinct
  // network and per distinct hardware vector; only attention and what follows are per pair.
  struct TokenCache {
    Matrix x, q, k, v;  // (distinct rows * tokens) x dim
  };
  TokenCache Tokens(const Matrix& tokens_flat, int64_t tokens) const;
  struct PairIndex {
    std::vector<int64_t> network, hardware;  // per input row: its distinct network / hardware
  };
  // Rows first .. first + n - 1 of the inputs (already checked) into z[0 .. n - 1].
  void ForwardBlock(const PcnInputs& in, const TokenCache& net, const TokenCache& hw, const PairIndex& index,
                    int64_t first, int64_t n, double* z) const;
  PcnDims dims_;
  int dim_ = 0, heads_ = 0, network_tokens_ = 0, hardware_tokens_ = 0, lift_width_ = 0;
  Linear lift_, net_tokens_, hw_tokens_, q_, k_, v_, proj_, fc1_, fc2_, out_;
  Eigen::RowVectorXf readout_, norm_weight_, norm_bias_;
  Eigen::RowVectorXf readout_q_, readout_k_, readout_v_;  // the read-out token's projections
};

}  // namespace acesniper
