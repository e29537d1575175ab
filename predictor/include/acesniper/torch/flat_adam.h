// Adam over all of a module's parameters as one flat tensor.
//
// torch::optim::Adam updates each parameter tensor with its own eight or so small operations; the PCN
// has 23 parameter tensors, so a training step spent about 10 % of its time dispatching those
// operations (2026-11-29, docs/benchmarks.md). FlatAdam moves the parameters' data and gradients
// into one contiguous buffer each (the parameters become views of them) and runs the same update,
// element for element, once over the whole buffer: the trained values are the same as
// torch::optim::Adam's.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace acesniper {

class FlatAdam {
 public:
  // Float parameters that require gradients (std::invalid_argument otherwise); the betas and eps
  // are torch::optim::AdamOptions'.
  FlatAdam(const std::vector<torch::Tensor>& parameters, double weight_decay, double beta1 = 0.9,
           double beta2 = 0.999, double eps = 1e-8);

  void ZeroGrad();           // every gradient to 0, in place
  void Step(double lr);      // one update with this learning rate

 private:
  torch::Tensor values_, grads_, exp_avg_, exp_avg_sq_;
  double weight_decay_, beta1_, beta2_, eps_;
  int64_t step_ = 0;
};

}  // namespace acesniper
