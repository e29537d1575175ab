// The PCN in LibTorch (see acesniper/model/pcn.h for the architecture).
#include "acesniper/model/pcn.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <string>

#include "acesniper/torch/blas_threads.h"
#include "acesniper/torch/flat_adam.h"
#include "acesniper/torch/fused_attention.h"

namespace acesniper {

namespace {

namespace nn = torch::nn;

struct PcnNet : nn::Module {
  PcnNet(const PcnDims& d, const PcnOptions& o)
      : f(d.network_features), k(d.key_features), l(d.singular), dim(o.token_dim), heads(o.heads),
        tn(o.network_tokens), th(o.hardware_tokens) {
    const int64_t hw = k + 1 + l * o.hs_lift;
    if (l > 0) lift = register_module("lift", nn::Linear(l, l * o.hs_lift));
    net_tokens = register_module("net_tokens", nn::Linear(f, tn * dim));
    hw_tokens = register_module("hw_tokens", nn::Linear(hw, th * dim));
    readout = register_parameter("readout", torch::randn({1, 1, dim}) * 0.1);
    q = register_module("q", nn::Linear(dim, dim));
    kk = register_module("k", nn::Linear(dim, dim));
    v = register_module("v", nn::Linear(dim, dim));
    proj = register_module("proj", nn::Linear(dim, dim));
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({dim})));
    fc1 = register_module("fc1", nn::Linear(2 * dim, o.hidden));
    fc2 = register_module("fc2", nn::Linear(o.hidden, o.hidden));
    out = register_module("out", nn::Linear(o.hidden, k + 2));
    // Gates 0 and correction 0 at the start: the PCN begins as the HRM general fit.
    torch::NoGradGuard no_grad;
    out->weight.zero_();
    out->bias.zero_();
  }

  torch::Tensor forward(const torch::Tensor& network, const torch::Tensor& key, const torch::Tensor& hg,
                        const torch::Tensor& hs) {
    const int64_t b = network.size(0);
    torch::Tensor hardware = hg;
    if (l > 0) hardware = torch::cat({hg, torch::tanh(lift->forward(hs))}, 1);
    torch::Tensor tokens = torch::cat({readout.expand({b, 1, dim}), net_tokens->forward(network).view({b, tn, dim}),
                                       hw_tokens->forward(hardware).view({b, th, dim})},
                                      1);
    // eq. 12: per head, softmax(Q K^T / sqrt(d_k)) V; fused (fused_attention.h: LibTorch's batched
    // matmul and softmax are slow for these small token sets)
    torch::Tensor context = FusedAttention(q->forward(tokens), kk->forward(tokens), v->forward(tokens), heads);
    torch::Tensor mixed = norm->forward(tokens + proj->forward(context));
    torch::Tensor pooled = torch::cat({mixed.select(1, 0), mixed.mean(1)}, 1);
    // eq. 13: the multilayer fully connected head
    torch::Tensor h = out->forward(torch::relu(fc2->forward(torch::relu(fc1->forward(pooled)))));
    // eq. 14: gates in [-1, 1] times the HRM's key-feature terms
    torch::Tensor gates = 2 * torch::sigmoid(h.narrow(1, 0, k + 1)) - 1;
    torch::Tensor correction = h.select(1, k + 1);
    torch::Tensor terms = hg * torch::cat({torch::ones({b, 1}), key}, 1);
    return ((1 + gates) * terms).sum(1) + correction;
  }

  int64_t f, k, l, dim, heads, tn, th;
  torch::Tensor readout;
  nn::Linear lift{nullptr}, net_tokens{nullptr}, hw_tokens{nullptr}, q{nullptr}, kk{nullptr}, v{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr},
      out{nullptr};
  nn::LayerNorm norm{nullptr};
};

torch::Tensor AsTensor(const std::vector<float>& v, size_t n, int64_t width) {
  if (width == 0) return torch::zeros({static_cast<int64_t>(n), 0});
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(n), width}, torch::kFloat).clone();
}

nlohmann::json OptionsToJson(const PcnOptions& o) {
  return {{"token_dim", o.token_dim}, {"heads", o.heads}, {"network_tokens", o.network_tokens},
          {"hardware_tokens", o.hardware_tokens},         {"hidden", o.hidden},
          {"hs_lift", o.hs_lift},     {"epochs", o.epochs},       {"batch_size", o.batch_size},
          {"learning_rate", o.learning_rate}, {"weight_decay", o.weight_decay}, {"seed", o.seed},
          {"threads", o.threads},     {"max_seconds", o.max_seconds}};
}

}  // namespace

struct Pcn::Impl {
  PcnDims dims;
  PcnOptions options;
  std::shared_ptr<PcnNet> net;
};

Pcn::Pcn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pcn::Pcn(Pcn&&) noexcept = default;
Pcn& Pcn::operator=(Pcn&&) noexcept = default;
Pcn::~Pcn() = default;

const PcnDims& Pcn::dims() const { return impl_->dims; }
const PcnOptions& Pcn::options() const { return impl_->options; }

size_t Pcn::parameter_count() const {
  size_t n = 0;
  for (const torch::Tensor& p : impl_->net->parameters()) n += static_cast<size_t>(p.numel());
  return n;
}

Result<Pcn> Pcn::Create(const PcnDims& dims, const PcnOptions& options) {
  if (dims.network_features <= 0 || dims.key_features < 0 || dims.singular < 0)
    return Status::InvalidArgument("PCN: network_features must be > 0, key_features and singular >= 0");
  if (options.token_dim <= 0 || options.heads <= 0 || options.token_dim % options.heads != 0)
    return Status::InvalidArgument("PCN: token_dim must be a positive multiple of heads");
  if (options.network_tokens <= 0 || options.hardware_tokens <= 0 || options.network_tokens > 256 ||
      options.hardware_tokens > 256)
    return Status::InvalidArgument("PCN: network_tokens and hardware_tokens must be in 1..256");
  if (options.hidden <= 0 || options.hs_lift <= 0 || options.batch_size <= 0 || options.epochs < 0 ||
      options.threads <= 0 || !(options.learning_rate > 0))
    return Status::InvalidArgument("PCN: hidden, hs_lift, batch_size, threads and learning_rate must be > 0");
  try {
    torch::manual_seed(options.seed);
    auto impl = std::make_unique<Impl>();
    impl->dims = dims;
    impl->options = options;
    impl->net = std::make_shared<PcnNet>(dims, options);
    return Pcn(std::move(impl));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("PCN: creating the network failed: ") + e.what());
  }
}

Result<PcnTrainReport> Pcn::Train(const PcnInputs& inputs, const std::vector<float>& target,
                                  const std::vector<float>& weight) {
  ACESNIPER_RETURN_IF_ERROR(CheckPcnInputs(inputs, impl_->dims));
  if (target.size() != inputs.n || weight.size() != inputs.n)
    return Status::InvalidArgument("PCN training: target and weight need one value per row");
  if (inputs.n == 0) return Status::InvalidArgument("PCN training: no rows");
  const PcnOptions& o = impl_->options;
  const PcnDims& d = impl_->dims;
  PcnTrainReport report;
  try {
    at::set_num_threads(o.threads);
    ScopedBlasThreads one_blas_thread(1);  // LibTorch's threads are the parallelism (blas_threads.h)
    torch::manual_seed(o.seed + 1);
    const size_t n = inputs.n;
    torch::Tensor network = AsTensor(inputs.network, n, d.network_features);
    torch::Tensor key = AsTensor(inputs.key, n, d.key_features);
    torch::Tensor hg = AsTensor(inputs.hg, n, d.key_features + 1);
    torch::Tensor hs = AsTensor(inputs.hs, n, d.singular);
    torch::Tensor y = AsTensor(target, n, 1).squeeze(1);
    torch::Tensor w = AsTensor(weight, n, 1).squeeze(1);
    PcnNet& net = *impl_->net;
    net.train();
    FlatAdam optimizer(net.parameters(), o.weight_decay);
    auto start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
      double lr = o.learning_rate * (0.1 + 0.45 * (1 + std::cos(M_PI * epoch / std::max(1, o.epochs))));
      // One shuffle of every input per epoch; the batches are then slices of it, not gathers.
      torch::Tensor order = torch::randperm(static_cast<int64_t>(n), torch::kLong);
      torch::Tensor e_network = network.index_select(0, order), e_key = key.index_select(0, order),
                    e_hg = hg.index_select(0, order), e_hs = hs.index_select(0, order),
                    e_y = y.index_select(0, order), e_w = w.index_select(0, order);
      double loss_sum = 0;
      for (int64_t s = 0; s < static_cast<int64_t>(n); s += o.batch_size) {
        const int64_t len = std::min<int64_t>(o.batch_size, static_cast<int64_t>(n) - s);
        torch::Tensor z = net.forward(e_network.narrow(0, s, len), e_key.narrow(0, s, len), e_hg.narrow(0, s, len),
                                      e_hs.narrow(0, s, len));
        torch::Tensor loss = (e_w.narrow(0, s, len) * (z - e_y.narrow(0, s, len)).pow(2)).mean();
        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step(lr);
        loss_sum += loss.item<double>() * static_cast<double>(len);
      }
      report.epoch_loss.push_back(loss_sum / static_cast<double>(n));
      report.epochs = epoch + 1;
      report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!std::isfinite(report.epoch_loss.back())) return Status::Internal("PCN training diverged (loss not finite)");
      if (o.max_seconds > 0 && report.seconds > o.max_seconds) break;
    }
    net.eval();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("PCN training failed: ") + e.what());
  }
  return report;
}

Result<std::vector<double>> Pcn::Predict(const PcnInputs& inputs) const {
  ACESNIPER_RETURN_IF_ERROR(CheckPcnInputs(inputs, impl_->dims));
  const PcnDims& d = impl_->dims;
  try {
    at::set_num_threads(impl_->options.threads);
    ScopedBlasThreads one_blas_thread(1);
    torch::NoGradGuard no_grad;
    const size_t n = inputs.n;
    if (n == 0) return std::vector<double>{};
    torch::Tensor z = impl_->net->forward(AsTensor(inputs.network, n, d.network_features),
                                          AsTensor(inputs.key, n, d.key_features),
                                          AsTensor(inputs.hg, n, d.key_features + 1), AsTensor(inputs.hs, n, d.singular))
                          .to(torch::kDouble)
                          .contiguous();
    return std::vector<double>(z.data_ptr<double>(), z.data_ptr<double>() + n);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("PCN prediction failed: ") + e.what());
  }
}

nlohmann::json Pcn::ToJson() const {
  nlohmann::json j;
  j["architecture"] = "acesniper.pcn/v1";
  j["dims"] = {{"network_features", impl_->dims.network_features},
               {"key_features", impl_->dims.key_features},
               {"singular", impl_->dims.singular}};
  j["options"] = OptionsToJson(impl_->options);
  nlohmann::json params = nlohmann::json::object();
  for (const auto& item : impl_->net->named_parameters()) {
    torch::Tensor t = item.value().detach().to(torch::kFloat).contiguous();
    std::vector<float> values(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    params[item.key()] = {{"shape", t.sizes().vec()}, {"values", values}};
  }
  j["parameters"] = params;
  return j;
}

Result<Pcn> Pcn::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.value("architecture", "") != "acesniper.pcn/v1")
    return Status::InvalidArgument("PCN: not an acesniper.pcn/v1 model");
  PcnDims d;
  PcnOptions o;
  try {
    const nlohmann::json& dj = j.at("dims");
    d.network_features = dj.at("network_features").get<int>();
    d.key_features = dj.at("key_features").get<int>();
    d.singular = dj.at("singular").get<int>();
    const nlohmann::json& oj = j.at("options");
    o.token_dim = oj.at("token_dim").get<int>();
    o.heads = oj.at("heads").get<int>();
    o.network_tokens = oj.at("network_tokens").get<int>();
    o.hardware_tokens = oj.at("hardware_tokens").get<int>();
    o.hidden = oj.at("hidden").get<int>();
    o.hs_lift = oj.at("hs_lift").get<int>();
    o.epochs = oj.at("epochs").get<int>();
    o.batch_size = oj.at("batch_size").get<int>();
    o.learning_rate = oj.at("learning_rate").get<double>();
    o.weight_decay = oj.at("weight_decay").get<double>();
    o.seed = oj.at("seed").get<uint64_t>();
    o.threads = oj.at("threads").get<int>();
    o.max_seconds = oj.at("max_seconds").get<double>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("PCN: dims or options: ") + e.what());
  }
  if (d.network_features > 100000 || d.key_features > 10000 || d.singular > 100000 || o.token_dim > 4096 ||
      o.hidden > 65536 || o.hs_lift > 1024)
    return Status::InvalidArgument("PCN: dims or options out of range");
  Result<Pcn> pcn = Create(d, o);
  if (!pcn.ok()) return pcn.status();
  auto pit = j.find("parameters");
  if (pit == j.end() || !pit->is_object()) return Status::InvalidArgument("PCN: missing 'parameters'");
  try {
    torch::NoGradGuard no_grad;
    for (auto& item : pcn->impl_->net->named_parameters()) {
      auto p = pit->find(item.key());
      if (p == pit->end()) return Status::InvalidArgument("PCN: missing parameter '" + item.key() + "'");
      std::vector<int64_t> shape = p->at("shape").get<std::vector<int64_t>>();
      if (shape != item.value().sizes().vec())
        return Status::InvalidArgument("PCN: parameter '" + item.key() + "' has the wrong shape");
      std::vector<float> values = p->at("values").get<std::vector<float>>();
      if (static_cast<int64_t>(values.size()) != item.value().numel())
        return Status::InvalidArgument("PCN: parameter '" + item.key() + "' has the wrong number of values");
      for (float x : values)
        if (!std::isfinite(x)) return Status::InvalidArgument("PCN: parameter '" + item.key() + "' is not finite");
      item.value().copy_(torch::from_blob(values.data(), shape, torch::kFloat));
    }
    pcn->impl_->net->eval();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("PCN: parameters: ") + e.what());
  }
  return pcn;
}

}  // namespace acesniper
