// Scaled dot-product attention (eq. 12) for many small token sets, as one differentiable step.
//
// The PCN attends over 13 tokens of width 8 per (pair, head): 512 tiny problems per batch of 256
// pairs. LibTorch 1.13's CPU batched matmul multiplies such matrices one pair at a time through
// select() and a BLAS call. Written as torch::matmul and torch::softmax, the attention and its
// gradient took about half of a PCN training step (on the whole dataset, 2026-11-29: 2.8 s an
// epoch before, 1.2 s after with FlatAdam's 0.15 s saving; docs/benchmarks.md). This computes
// each head's softmax(Q K^T / sqrt(d_k)) V and its gradients in plain loops, reading and writing
// the head's columns in place, in parallel over the problems (at::parallel_for, so it follows the
// intra-op thread count). Each problem is computed by one
// thread in a fixed order, so the result does not depend on the thread count.
#pragma once

#include <torch/torch.h>

namespace acesniper {

// Multi-head attention over sets of tokens: q, k, v are (sets, t, dim) float, dim a multiple of
// heads; head h uses columns h x d_k .. (h + 1) x d_k - 1, d_k = dim / heads. Returns, per head,
// softmax(q k^T / sqrt(d_k)) v in those columns: (sets, t, dim). Gradients flow to q, k and v.
// Throws std::invalid_argument on other shapes or dtypes.
torch::Tensor FusedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads);

}  // namespace acesniper
