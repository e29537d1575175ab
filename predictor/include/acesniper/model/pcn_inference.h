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
  // Rows first .. first + n - 1 of the inputs (already checked) into z[0 .. n - 1].
  void ForwardBlock(const PcnInputs& in, int64_t first, int64_t n, double* z) const;
  PcnDims dims_;
  int dim_ = 0, heads_ = 0, network_tokens_ = 0, hardware_tokens_ = 0, lift_width_ = 0;
  Linear lift_, net_tokens_, hw_tokens_, q_, k_, v_, proj_, fc1_, fc2_, out_;
  Eigen::RowVectorXf readout_, norm_weight_, norm_bias_;
};

}  // namespace acesniper
