// The parts that make PCN training fast: the fused attention, the flat Adam and the BLAS thread
// scope. Each is checked against what it replaces.
// LibTorch first, then Catch2: glog's CHECK would otherwise clash with Catch's.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "acesniper/torch/blas_threads.h"
#include "acesniper/torch/flat_adam.h"
#include "acesniper/torch/fused_attention.h"

using namespace acesniper;

namespace {

// The attention as the PCN wrote it before: torch::matmul and torch::softmax per head.
torch::Tensor ReferenceAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 int64_t heads) {
  const int64_t b = q.size(0), t = q.size(1), dim = q.size(2), dk = dim / heads;
  auto split = [&](const torch::Tensor& x) { return x.view({b, t, heads, dk}).transpose(1, 2); };
  torch::Tensor attention =
      torch::softmax(torch::matmul(split(q), split(k).transpose(-2, -1)) / std::sqrt(double(dk)), -1);
  return torch::matmul(attention, split(v)).transpose(1, 2).reshape({b, t, dim});
}

struct AttentionRun {
  torch::Tensor out, dq, dk, dv;
};

// Output and the gradients of sum(out * weights) for q, k, v drawn from `seed`.
template <typename Attention>
AttentionRun RunAttention(Attention attention, int64_t sets, int64_t t, int64_t dim, uint64_t seed) {
  torch::manual_seed(seed);
  torch::Tensor q = torch::randn({sets, t, dim}).requires_grad_(), k = torch::randn({sets, t, dim}).requires_grad_(),
                v = torch::randn({sets, t, dim}).requires_grad_(), weights = torch::randn({sets, t, dim});
  torch::Tensor out = attention(q, k, v);
  (out * weights).sum().backward();
  return {out.detach(), q.grad(), k.grad(), v.grad()};
}

void RequireClose(const AttentionRun& a, const AttentionRun& b) {
  CHECK(torch::allclose(a.out, b.out, 1e-5, 1e-5));
  CHECK(torch::allclose(a.dq, b.dq, 1e-4, 1e-5));
  CHECK(torch::allclose(a.dk, b.dk, 1e-4, 1e-5));
  CHECK(torch::allclose(a.dv, b.dv, 1e-4, 1e-5));
}

}  // namespace

TEST_CASE("FusedAttention matches matmul and softmax, forward and gradients") {
  // (t, dim, heads): the PCN's default shape (13 tokens, 2 heads of 8) takes the specialised
  // kernel; the others the general one.
  const std::vector<std::array<int64_t, 3>> shapes = {{13, 16, 2}, {5, 6, 3}, {13, 16, 4}, {1, 4, 1}};
  for (const auto& [t, dim, heads] : shapes) {
    INFO("t " << t << " dim " << dim << " heads " << heads);
    const int64_t h = heads;
    AttentionRun fused = RunAttention(
        [&](auto q, auto k, auto v) { return FusedAttention(q, k, v, h); }, 7, t, dim, 11);
    AttentionRun reference = RunAttention(
        [&](auto q, auto k, auto v) { return ReferenceAttention(q, k, v, h); }, 7, t, dim, 11);
    RequireClose(fused, reference);
  }
}

TEST_CASE("FusedAttention gives the same bits with one thread and with two") {
  const int saved = at::get_num_threads();
  auto run = [](int threads) {
    at::set_num_threads(threads);
    return RunAttention([](auto q, auto k, auto v) { return FusedAttention(q, k, v, 2); }, 100, 13, 16, 5);
  };
  AttentionRun one = run(1), two = run(2);
  at::set_num_threads(saved);
  CHECK(torch::equal(one.out, two.out));
  CHECK(torch::equal(one.dq, two.dq));
  CHECK(torch::equal(one.dk, two.dk));
  CHECK(torch::equal(one.dv, two.dv));
}

TEST_CASE("FusedAttention rejects shapes and dtypes it cannot take") {
  torch::Tensor x = torch::randn({2, 5, 6});
  CHECK_THROWS_AS(FusedAttention(x, x, torch::randn({2, 4, 6}), 2), std::invalid_argument);
  CHECK_THROWS_AS(FusedAttention(x, x, x, 4), std::invalid_argument);  // 6 is not a multiple of 4
  CHECK_THROWS_AS(FusedAttention(x, x, x, 0), std::invalid_argument);
  CHECK_THROWS_AS(FusedAttention(torch::randn({5, 6}), torch::randn({5, 6}), torch::randn({5, 6}), 2),
                  std::invalid_argument);
  torch::Tensor d = x.to(torch::kDouble);
  CHECK_THROWS_AS(FusedAttention(d, d, d, 2), std::invalid_argument);
}

TEST_CASE("FlatAdam makes the same updates as torch::optim::Adam") {
  auto make = [] {
    torch::manual_seed(3);
    return torch::nn::Sequential(torch::nn::Linear(4, 6), torch::nn::Tanh(), torch::nn::Linear(6, 1));
  };
  torch::nn::Sequential a = make(), b = make();
  torch::optim::Adam adam(a->parameters(), torch::optim::AdamOptions(0.01).weight_decay(1e-3));
  FlatAdam flat(b->parameters(), 1e-3);
  torch::manual_seed(4);
  torch::Tensor x = torch::randn({32, 4}), y = torch::randn({32, 1});
  for (int step = 0; step < 20; ++step) {
    const double lr = 0.01 * (1.0 - step / 40.0);
    for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    adam.zero_grad();
    (a->forward(x) - y).pow(2).mean().backward();
    adam.step();
    flat.ZeroGrad();
    (b->forward(x) - y).pow(2).mean().backward();
    flat.Step(lr);
  }
  const auto pa = a->parameters(), pb = b->parameters();
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    INFO("parameter " << i);
    CHECK(torch::equal(pa[i], pb[i]));
  }
  // The training moved the parameters: the comparison is not between two untouched copies.
  CHECK_FALSE(torch::equal(pb[0], make()->parameters()[0]));
}

TEST_CASE("FlatAdam rejects parameters it would silently convert or could not train") {
  CHECK_THROWS_AS(FlatAdam({torch::zeros({3}, torch::kDouble).requires_grad_()}, 0), std::invalid_argument);
  CHECK_THROWS_AS(FlatAdam({torch::zeros({3})}, 0), std::invalid_argument);  // no gradient
  CHECK_NOTHROW(FlatAdam({torch::zeros({3}).requires_grad_()}, 0));
}

TEST_CASE("ScopedBlasThreads sets OpenBLAS's thread count and restores it") {
  const int before = ScopedBlasThreads::Current();
  {
    ScopedBlasThreads one(1);
    if (before > 0) CHECK(ScopedBlasThreads::Current() == 1);  // 0: the loaded BLAS is not OpenBLAS
  }
  CHECK(ScopedBlasThreads::Current() == before);
}
