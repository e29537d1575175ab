// The performance characterisation network (PCN, Fig. 7, eq. 12-14), trained and run with
// LibTorch behind this LibTorch-free interface.
//
// Inputs of one (network, platform) pair:
//   network: the network's features (standardised log1p of every analyzer feature)
//   key:     the network's key features, transformed as in the HRM spec
//   hg, hs:  the platform's HRM vector (general and special parts)
// Forward pass:
//   Hs is lifted by a fully connected layer and concatenated with Hg (the hardware features).
//   A linear layer turns the network features into network_tokens tokens and another turns the
//   hardware features into hardware_tokens tokens; one learned read-out token joins them.
//   Scaled dot-product self-attention (eq. 12) runs over all tokens, so network and hardware
//   features combine with each other. (One token per feature scalar would make about 100
//   tokens instead of 13; attention grows with the square of that, about 50x, which the 60 s
//   training budget on 2 cores cannot pay.)
//   The read-out token and the token mean feed a multilayer fully connected head (eq. 13).
//   The head ends in gates mapped to [-1, 1] by 2 sigmoid - 1, which multiply the HRM's own
//   key-feature terms hg_k * key_k (eq. 14), plus a small additive correction:
//     z = sum_k (1 + gate_k) * hg_k * [1, key]_k + c
//   z is the normalised log latency of eq. 11; at initialisation (gates 0, c 0) it is exactly
//   the HRM general fit's prediction, and training learns where and how to depart from it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"

namespace acesniper {

struct PcnDims {
  int network_features = 0;  // F
  int key_features = 0;      // K (hg has K + 1 values)
  int singular = 0;          // L (hs has L values)
};

struct PcnOptions {
  int token_dim = 16;       // D: width of every token (cost ~ tokens^2 x D per pair)
  int heads = 2;            // attention heads (D must be a multiple)
  int network_tokens = 8;   // tokens the network features become
  int hardware_tokens = 4;  // tokens the hardware features become
  int hidden = 64;          // width of the fully connected head
  int hs_lift = 2;          // Hs is lifted to L x hs_lift values
  int epochs = 40;
  int batch_size = 256;
  double learning_rate = 3e-3;  // Adam; decays to 10 % over the epochs (cosine)
  double weight_decay = 1e-5;
  uint64_t seed = 1;            // initialisation and shuffling: same seed, same model
  int threads = 2;              // intra-op threads used by training and prediction
  double max_seconds = 0;       // stop after the epoch that passes this wall time (0: no limit)
};

// n rows of each part, row-major.
struct PcnInputs {
  size_t n = 0;
  std::vector<float> network;  // n x F
  std::vector<float> key;      // n x K
  std::vector<float> hg;       // n x (K + 1)
  std::vector<float> hs;       // n x L
};

// Sizes match `d` and every value is finite; errors name the part. Both forward passes (LibTorch's
// and pcn_inference.h's) check their inputs with it.
Status CheckPcnInputs(const PcnInputs& in, const PcnDims& d);

struct PcnTrainReport {
  int epochs = 0;
  double seconds = 0;
  std::vector<double> epoch_loss;  // weighted MSE per epoch
};

class Pcn {
 public:
  // A fresh, seeded network. Errors: non-positive sizes, token_dim not a multiple of heads.
  static Result<Pcn> Create(const PcnDims& dims, const PcnOptions& options = {});
  Pcn(Pcn&&) noexcept;
  Pcn& operator=(Pcn&&) noexcept;
  Pcn(const Pcn&) = delete;
  Pcn& operator=(const Pcn&) = delete;
  ~Pcn();

  // Minimises mean(weight * (z - target)^2). With weight = (ln max - ln min)^2 of each pair's
  // platform this is the mean squared error of ln(latency): a relative-error loss.
  Result<PcnTrainReport> Train(const PcnInputs& inputs, const std::vector<float>& target,
                               const std::vector<float>& weight);
  // Normalised log latency per row.
  Result<std::vector<double>> Predict(const PcnInputs& inputs) const;

  const PcnDims& dims() const;
  const PcnOptions& options() const;
  size_t parameter_count() const;

  // Architecture, options and every parameter (name, shape, values).
  nlohmann::json ToJson() const;
  // Errors name the parameter or key that was missing or of the wrong shape.
  static Result<Pcn> FromJson(const nlohmann::json& j);

 private:
  struct Impl;
  explicit Pcn(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace acesniper
