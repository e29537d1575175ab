#include "acesniper/torch/fused_attention.h"

#include <ATen/Parallel.h>
#include <Eigen/Core>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace acesniper {

namespace {

constexpr int64_t kGrain = 16;  // (set, head) problems per parallel chunk

#define ACESNIPER_INLINE [[gnu::always_inline]] inline

// The loops below are written as out[c] += f * b[c] over a contiguous row, so that the compiler
// vectorises them without reordering any sum: every element is accumulated in a fixed order.
// Matrices are row-major with a row stride (ld*), so that a head's columns of a (set, t, dim)
// tensor are read and written in place.

// out (rows x cols) = a (rows x inner) b (inner x cols) scale; out is overwritten.
ACESNIPER_INLINE void MultiplyRows(const float* __restrict__ a, int64_t lda, const float* __restrict__ b, int64_t ldb,
                                   float* __restrict__ out, int64_t ldo, int64_t rows, int64_t inner, int64_t cols,
                                   float scale) {
  for (int64_t r = 0; r < rows; ++r) {
    float* __restrict__ o = out + r * ldo;
    for (int64_t c = 0; c < cols; ++c) o[c] = 0;
    for (int64_t x = 0; x < inner; ++x) {
      const float f = a[r * lda + x] * scale;
      const float* __restrict__ brow = b + x * ldb;
      for (int64_t c = 0; c < cols; ++c) o[c] += f * brow[c];
    }
  }
}

// out (cols x rows, contiguous) = transpose of in (rows x cols, row stride ld).
ACESNIPER_INLINE void Transpose(const float* __restrict__ in, int64_t ld, float* __restrict__ out, int64_t rows,
                                int64_t cols) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * ld + c];
}

// Softmax of each row of p (rows x cols, contiguous) in place, its maximum subtracted first.
ACESNIPER_INLINE void SoftmaxRows(float* p, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    Eigen::Map<Eigen::ArrayXf> row(p + r * cols, cols);
    row = (row - row.maxCoeff()).exp();
    row /= row.sum();
  }
}

// Pointers to the (sets, t, dim) inputs and outputs and the (sets x heads, t, t) weights.
struct Buffers {
  const float *q, *k, *v, *dout;
  float *out, *p, *dq, *dk, *dv;
  int64_t t, dim, heads;
  float scale;
};

// Problem i is head i % heads of set i / heads: its rows are t, dim apart, its columns start at
// head x d. Sizes are compile-time constants (kT, kD > 0) for the PCN's default shape, so that the
// compiler unrolls and vectorises the loops, or the run-time ones (0).
template <int64_t kT, int64_t kD>
ACESNIPER_INLINE void ForwardProblems(const Buffers& b, int64_t begin, int64_t end) {
  const int64_t t = kT > 0 ? kT : b.t, d = kD > 0 ? kD : b.dim / b.heads, ld = b.dim;
  std::vector<float> kt(static_cast<size_t>(d * t));
  for (int64_t i = begin; i < end; ++i) {
    const int64_t io = (i / b.heads) * t * ld + (i % b.heads) * d, ip = i * t * t;
    Transpose(b.k + io, ld, kt.data(), t, d);
    MultiplyRows(b.q + io, ld, kt.data(), t, b.p + ip, t, t, d, t, b.scale);  // S = q k^T scale
    SoftmaxRows(b.p + ip, t, t);                                               // P
    MultiplyRows(b.p + ip, t, b.v + io, ld, b.out + io, ld, t, t, d, 1.0f);    // O = P v
  }
}

// With S = q k^T scale, P = softmax(S), O = P v:
// dv = P^T dO; dP = dO v^T; dS = P * (dP - rowsum(dP * P)); dq = dS k scale; dk = dS^T q scale.
template <int64_t kT, int64_t kD>
ACESNIPER_INLINE void BackwardProblems(const Buffers& b, int64_t begin, int64_t end) {
  const int64_t t = kT > 0 ? kT : b.t, d = kD > 0 ? kD : b.dim / b.heads, ld = b.dim;
  std::vector<float> pt(static_cast<size_t>(t * t)), vt(static_cast<size_t>(d * t)), ds(static_cast<size_t>(t * t)),
      dst(static_cast<size_t>(t * t));
  for (int64_t i = begin; i < end; ++i) {
    const int64_t io = (i / b.heads) * t * ld + (i % b.heads) * d, ip = i * t * t;
    const float* pi = b.p + ip;
    Transpose(pi, t, pt.data(), t, t);
    MultiplyRows(pt.data(), t, b.dout + io, ld, b.dv + io, ld, t, t, d, 1.0f);  // dv = P^T dO
    Transpose(b.v + io, ld, vt.data(), t, d);
    MultiplyRows(b.dout + io, ld, vt.data(), t, ds.data(), t, t, d, t, 1.0f);  // dP = dO v^T
    for (int64_t r = 0; r < t; ++r) {                                           // dS
      float dot = 0;
      for (int64_t c = 0; c < t; ++c) dot += ds[r * t + c] * pi[r * t + c];
      for (int64_t c = 0; c < t; ++c) ds[r * t + c] = pi[r * t + c] * (ds[r * t + c] - dot);
    }
    MultiplyRows(ds.data(), t, b.k + io, ld, b.dq + io, ld, t, t, d, b.scale);  // dq = dS k scale
    Transpose(ds.data(), t, dst.data(), t, t);
    MultiplyRows(dst.data(), t, b.q + io, ld, b.dk + io, ld, t, t, d, b.scale);  // dk = dS^T q scale
  }
}

// The PCN's default shape: 1 + 8 + 4 tokens, 16 wide in 2 heads of 8 (acesniper/model/pcn.h).
constexpr int64_t kDefaultTokens = 13, kDefaultHeadWidth = 8;

// Each kernel is compiled for AVX-512, AVX2 and the x86-64 baseline; the loader picks the best the
// CPU has. The file is built with -ffp-contract=off, so no clone fuses a multiply and an add: every
// clone computes the same values.
#define ACESNIPER_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

ACESNIPER_CLONES void ForwardDefaultShape(const Buffers& b, int64_t begin, int64_t end) {
  ForwardProblems<kDefaultTokens, kDefaultHeadWidth>(b, begin, end);
}
ACESNIPER_CLONES void ForwardAnyShape(const Buffers& b, int64_t begin, int64_t end) {
  ForwardProblems<0, 0>(b, begin, end);
}
ACESNIPER_CLONES void BackwardDefaultShape(const Buffers& b, int64_t begin, int64_t end) {
  BackwardProblems<kDefaultTokens, kDefaultHeadWidth>(b, begin, end);
}
ACESNIPER_CLONES void BackwardAnyShape(const Buffers& b, int64_t begin, int64_t end) {
  BackwardProblems<0, 0>(b, begin, end);
}

using Kernel = void (*)(const Buffers&, int64_t, int64_t);

// Runs the default-shape kernel where the shape is the default, the general one otherwise.
void RunProblems(const Buffers& b, int64_t problems, Kernel default_shape, Kernel any_shape) {
  const Kernel kernel = b.t == kDefaultTokens && b.dim == kDefaultHeadWidth * b.heads ? default_shape : any_shape;
  at::parallel_for(0, problems, kGrain, [&](int64_t begin, int64_t end) { kernel(b, begin, end); });
}

Buffers InputsOf(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads) {
  Buffers b{};
  b.q = q.data_ptr<float>();
  b.k = k.data_ptr<float>();
  b.v = v.data_ptr<float>();
  b.t = q.size(1);
  b.dim = q.size(2);
  b.heads = heads;
  b.scale = 1.0f / std::sqrt(static_cast<float>(b.dim / heads));
  return b;
}

struct FusedAttentionFunction : torch::autograd::Function<FusedAttentionFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, int64_t heads) {
    const int64_t problems = q.size(0) * heads;
    torch::Tensor out = torch::empty_like(q);
    torch::Tensor p = torch::empty({problems, q.size(1), q.size(1)}, q.options());
    Buffers b = InputsOf(q, k, v, heads);
    b.out = out.data_ptr<float>();
    b.p = p.data_ptr<float>();
    RunProblems(b, problems, ForwardDefaultShape, ForwardAnyShape);
    ctx->save_for_backward({q, k, v, p});
    ctx->saved_data["heads"] = heads;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &p = saved[3];
    const int64_t heads = ctx->saved_data["heads"].toInt();
    const torch::Tensor dout = grad[0].contiguous();
    torch::Tensor dq = torch::empty_like(q), dk = torch::empty_like(k), dv = torch::empty_like(v);
    Buffers b = InputsOf(q, k, v, heads);
    b.p = p.data_ptr<float>();
    b.dout = dout.data_ptr<float>();
    b.dq = dq.data_ptr<float>();
    b.dk = dk.data_ptr<float>();
    b.dv = dv.data_ptr<float>();
    RunProblems(b, q.size(0) * heads, BackwardDefaultShape, BackwardAnyShape);
    return {dq, dk, dv, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor FusedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads) {
  if (q.dim() != 3 || !q.sizes().equals(k.sizes()) || !q.sizes().equals(v.sizes()))
    throw std::invalid_argument("FusedAttention: q, k and v need the same shape (sets, t, dim)");
  if (heads <= 0 || q.size(2) % heads != 0)
    throw std::invalid_argument("FusedAttention: dim must be a positive multiple of heads");
  if (q.scalar_type() != torch::kFloat || k.scalar_type() != torch::kFloat || v.scalar_type() != torch::kFloat)
    throw std::invalid_argument("FusedAttention: q, k and v must be float");
  return FusedAttentionFunction::apply(q.contiguous(), k.contiguous(), v.contiguous(), heads);
}

}  // namespace acesniper
