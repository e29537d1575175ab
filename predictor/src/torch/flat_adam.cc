#include "acesniper/torch/flat_adam.h"

#include <cmath>
#include <stdexcept>

namespace acesniper {

FlatAdam::FlatAdam(const std::vector<torch::Tensor>& parameters, double weight_decay, double beta1, double beta2,
                   double eps)
    : weight_decay_(weight_decay), beta1_(beta1), beta2_(beta2), eps_(eps) {
  int64_t total = 0;
  for (const torch::Tensor& p : parameters) {
    if (p.scalar_type() != torch::kFloat || !p.requires_grad())
      throw std::invalid_argument("FlatAdam: every parameter must be a float tensor that requires gradients");
    total += p.numel();
  }
  values_ = torch::empty({total}, torch::kFloat);
  grads_ = torch::zeros({total}, torch::kFloat);
  exp_avg_ = torch::zeros({total}, torch::kFloat);
  exp_avg_sq_ = torch::zeros({total}, torch::kFloat);
  torch::NoGradGuard no_grad;
  int64_t offset = 0;
  for (const torch::Tensor& p : parameters) {
    const int64_t n = p.numel();
    torch::Tensor value = values_.narrow(0, offset, n).view(p.sizes());
    value.copy_(p);
    p.set_data(value);  // the parameter now lives in values_
    p.mutable_grad() = grads_.narrow(0, offset, n).view(p.sizes());  // backward accumulates in place
    offset += n;
  }
}

void FlatAdam::ZeroGrad() { grads_.zero_(); }

// The update of torch::optim::Adam (LibTorch 1.13, amsgrad off), in the same order of operations.
void FlatAdam::Step(double lr) {
  torch::NoGradGuard no_grad;
  ++step_;
  const double bias_correction1 = 1 - std::pow(beta1_, static_cast<double>(step_));
  const double bias_correction2 = 1 - std::pow(beta2_, static_cast<double>(step_));
  torch::Tensor grad = weight_decay_ != 0 ? grads_.add(values_, weight_decay_) : grads_;
  exp_avg_.mul_(beta1_).add_(grad, 1 - beta1_);
  exp_avg_sq_.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
  torch::Tensor denom = (exp_avg_sq_.sqrt() / std::sqrt(bias_correction2)).add_(eps_);
  values_.addcdiv_(exp_avg_, denom, -lr / bias_correction1);
}

}  // namespace acesniper
