#include "acesniper/model/pcn_inference.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

namespace acesniper {

namespace {

constexpr float kLayerNormEps = 1e-5f;  // LibTorch's LayerNorm default

// One parameter by name: its values, checked to have `rows` x `cols` (cols 0: a vector of rows).
Result<std::vector<float>> Parameter(const nlohmann::json& params, const std::string& name, int64_t rows, int64_t cols) {
  auto it = params.find(name);
  if (it == params.end()) return Status::InvalidArgument("PCN: missing parameter '" + name + "'");
  try {
    std::vector<int64_t> shape = it->at("shape").get<std::vector<int64_t>>();
    std::vector<int64_t> want = cols > 0 ? std::vector<int64_t>{rows, cols} : std::vector<int64_t>{rows};
    if (name == "readout") want = {1, 1, rows};
    if (shape != want) return Status::InvalidArgument("PCN: parameter '" + name + "' has the wrong shape");
    std::vector<float> values = it->at("values").get<std::vector<float>>();
    int64_t count = 1;
    for (int64_t s : want) count *= s;
    if (static_cast<int64_t>(values.size()) != count)
      return Status::InvalidArgument("PCN: parameter '" + name + "' has the wrong number of values");
    for (float x : values)
      if (!std::isfinite(x)) return Status::InvalidArgument("PCN: parameter '" + name + "' is not finite");
    return values;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("PCN: parameter '" + name + "': " + e.what());
  }
}

}  // namespace

Status CheckPcnInputs(const PcnInputs& in, const PcnDims& d) {
  auto check = [&](const std::vector<float>& v, size_t width, const char* what) -> Status {
    if (v.size() != in.n * width)
      return Status::InvalidArgument(std::string("PCN inputs: '") + what + "' has " + std::to_string(v.size()) +
                                     " values, expected " + std::to_string(in.n) + " x " + std::to_string(width));
    for (float x : v)
      if (!std::isfinite(x)) return Status::InvalidArgument(std::string("PCN inputs: '") + what + "' is not finite");
    return Status::Ok();
  };
  ACESNIPER_RETURN_IF_ERROR(check(in.network, static_cast<size_t>(d.network_features), "network"));
  ACESNIPER_RETURN_IF_ERROR(check(in.key, static_cast<size_t>(d.key_features), "key"));
  ACESNIPER_RETURN_IF_ERROR(check(in.hg, static_cast<size_t>(d.key_features + 1), "hg"));
  ACESNIPER_RETURN_IF_ERROR(check(in.hs, static_cast<size_t>(d.singular), "hs"));
  return Status::Ok();
}

PcnInference::Matrix PcnInference::Linear::Apply(const Matrix& x) const {
  Matrix y = x * weight_t;
  y.rowwise() += bias;
  return y;
}

Result<PcnInference> PcnInference::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.value("architecture", "") != "acesniper.pcn/v1")
    return Status::InvalidArgument("PCN: not an acesniper.pcn/v1 model");
  PcnInference m;
  int hidden = 0, hs_lift = 0;
  try {
    const nlohmann::json& d = j.at("dims");
    m.dims_.network_features = d.at("network_features").get<int>();
    m.dims_.key_features = d.at("key_features").get<int>();
    m.dims_.singular = d.at("singular").get<int>();
    const nlohmann::json& o = j.at("options");
    m.dim_ = o.at("token_dim").get<int>();
    m.heads_ = o.at("heads").get<int>();
    m.network_tokens_ = o.at("network_tokens").get<int>();
    m.hardware_tokens_ = o.at("hardware_tokens").get<int>();
    hidden = o.at("hidden").get<int>();
    hs_lift = o.at("hs_lift").get<int>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("PCN: dims or options: ") + e.what());
  }
  const PcnDims& d = m.dims_;
  if (d.network_features <= 0 || d.key_features < 0 || d.singular < 0 || m.dim_ <= 0 || m.heads_ <= 0 ||
      m.dim_ % m.heads_ != 0 || m.network_tokens_ <= 0 || m.hardware_tokens_ <= 0 || hidden <= 0 || hs_lift <= 0 ||
      d.network_features > 100000 || d.key_features > 10000 || d.singular > 100000 || m.dim_ > 4096 ||
      hidden > 65536 || hs_lift > 1024 || m.network_tokens_ > 1024 || m.hardware_tokens_ > 1024)
    return Status::InvalidArgument("PCN: dims or options out of range");
  auto pit = j.find("parameters");
  if (pit == j.end() || !pit->is_object()) return Status::InvalidArgument("PCN: missing 'parameters'");
  auto linear = [&](const std::string& name, int64_t in, int64_t out, Linear* l) -> Status {
    Result<std::vector<float>> w = Parameter(*pit, name + ".weight", out, in);
    if (!w.ok()) return w.status();
    Result<std::vector<float>> b = Parameter(*pit, name + ".bias", out, 0);
    if (!b.ok()) return b.status();
    l->weight_t = Eigen::Map<const Matrix>(w->data(), out, in).transpose();
    l->bias = Eigen::Map<const Eigen::RowVectorXf>(b->data(), out);
    return Status::Ok();
  };
  const int64_t k = d.key_features, l = d.singular, dim = m.dim_;
  m.lift_width_ = static_cast<int>(l * hs_lift);
  const int64_t hw = k + 1 + m.lift_width_;
  if (l > 0) ACESNIPER_RETURN_IF_ERROR(linear("lift", l, m.lift_width_, &m.lift_));
  ACESNIPER_RETURN_IF_ERROR(linear("net_tokens", d.network_features, m.network_tokens_ * dim, &m.net_tokens_));
  ACESNIPER_RETURN_IF_ERROR(linear("hw_tokens", hw, m.hardware_tokens_ * dim, &m.hw_tokens_));
  ACESNIPER_RETURN_IF_ERROR(linear("q", dim, dim, &m.q_));
  ACESNIPER_RETURN_IF_ERROR(linear("k", dim, dim, &m.k_));
  ACESNIPER_RETURN_IF_ERROR(linear("v", dim, dim, &m.v_));
  ACESNIPER_RETURN_IF_ERROR(linear("proj", dim, dim, &m.proj_));
  ACESNIPER_RETURN_IF_ERROR(linear("fc1", 2 * dim, hidden, &m.fc1_));
  ACESNIPER_RETURN_IF_ERROR(linear("fc2", hidden, hidden, &m.fc2_));
  ACESNIPER_RETURN_IF_ERROR(linear("out", hidden, k + 2, &m.out_));
  for (auto [name, vec] : {std::pair<const char*, Eigen::RowVectorXf*>{"readout", &m.readout_},
                           {"norm.weight", &m.norm_weight_},
                           {"norm.bias", &m.norm_bias_}}) {
    Result<std::vector<float>> v = Parameter(*pit, name, dim, 0);
    if (!v.ok()) return v.status();
    *vec = Eigen::Map<const Eigen::RowVectorXf>(v->data(), dim);
  }
  m.readout_q_ = m.q_.Apply(m.readout_);
  m.readout_k_ = m.k_.Apply(m.readout_);
  m.readout_v_ = m.v_.Apply(m.readout_);
  return m;
}

PcnInference::TokenCache PcnInference::Tokens(const Matrix& flat, int64_t tokens) const {
  TokenCache c;
  // Row-major: a row of `tokens * dim` values is `tokens` consecutive rows of `dim`.
  c.x = Eigen::Map<const Matrix>(flat.data(), flat.rows() * tokens, dim_);
  c.q = q_.Apply(c.x);
  c.k = k_.Apply(c.x);
  c.v = v_.Apply(c.x);
  return c;
}

namespace {

// Distinct rows of a row-major n x width block: the distinct rows, and each input row's index.
std::vector<int64_t> DistinctRows(const float* data, int64_t n, int64_t width, std::vector<int64_t>* first_of) {
  std::unordered_map<std::string, int64_t> seen;
  std::vector<int64_t> index(static_cast<size_t>(n));
  const size_t bytes = static_cast<size_t>(width) * sizeof(float);
  for (int64_t i = 0; i < n; ++i) {
    std::string key(reinterpret_cast<const char*>(data + i * width), bytes);
    auto [it, fresh] = seen.try_emplace(std::move(key), static_cast<int64_t>(first_of->size()));
    if (fresh) first_of->push_back(i);
    index[static_cast<size_t>(i)] = it->second;
  }
  return index;
}

}  // namespace

Result<std::vector<double>> PcnInference::Predict(const PcnInputs& in) const {
  ACESNIPER_RETURN_IF_ERROR(CheckPcnInputs(in, dims_));
  const int64_t n = static_cast<int64_t>(in.n);
  if (n == 0) return std::vector<double>{};
  const int64_t f = dims_.network_features, k = dims_.key_features, l = dims_.singular;
  // Token projections per distinct network and per distinct hardware vector (Hg and Hs together).
  PairIndex index;
  std::vector<int64_t> net_rows, hw_rows;
  index.network = DistinctRows(in.network.data(), n, f, &net_rows);
  std::vector<float> hardware_in(static_cast<size_t>(n * (k + 1 + l)));
  for (int64_t i = 0; i < n; ++i) {
    std::copy_n(in.hg.data() + i * (k + 1), k + 1, hardware_in.data() + i * (k + 1 + l));
    std::copy_n(in.hs.data() + i * l, l, hardware_in.data() + i * (k + 1 + l) + k + 1);
  }
  index.hardware = DistinctRows(hardware_in.data(), n, k + 1 + l, &hw_rows);
  Matrix network(static_cast<int64_t>(net_rows.size()), f);
  for (size_t u = 0; u < net_rows.size(); ++u)
    network.row(static_cast<int64_t>(u)) = Eigen::Map<const Eigen::RowVectorXf>(in.network.data() + net_rows[u] * f, f);
  // The hardware features: Hg, then Hs lifted.
  Matrix hardware(static_cast<int64_t>(hw_rows.size()), k + 1 + lift_width_);
  for (size_t u = 0; u < hw_rows.size(); ++u) {
    const int64_t r = hw_rows[u];
    hardware.row(static_cast<int64_t>(u)).head(k + 1) = Eigen::Map<const Eigen::RowVectorXf>(in.hg.data() + r * (k + 1), k + 1);
    if (l > 0)
      hardware.row(static_cast<int64_t>(u)).tail(lift_width_) =
          lift_.Apply(Eigen::Map<const Matrix>(in.hs.data() + r * l, 1, l)).array().tanh().matrix();
  }
  const TokenCache net = Tokens(net_tokens_.Apply(network), network_tokens_);
  const TokenCache hw = Tokens(hw_tokens_.Apply(hardware), hardware_tokens_);
  std::vector<double> z(static_cast<size_t>(n));
  // Blocks of rows keep every intermediate small (in cache, no fresh pages per call).
  constexpr int64_t kBlock = 64;
  for (int64_t s = 0; s < n; s += kBlock) ForwardBlock(in, net, hw, index, s, std::min(kBlock, n - s), z.data() + s);
  return z;
}

void PcnInference::ForwardBlock(const PcnInputs& in, const TokenCache& net, const TokenCache& hw, const PairIndex& index,
                                int64_t first, int64_t n, double* z) const {
  const int64_t k = dims_.key_features, dim = dim_;
  using Map = Eigen::Map<const Matrix>;
  const Map hg(in.hg.data() + first * (k + 1), n, k + 1);
  const float* key = in.key.data() + first * k;
  // Tokens of all rows stacked: row i's tokens are rows i*t .. i*t+t-1 (read-out, network,
  // hardware), gathered from the caches; each pair's Q, K, V go to small buffers that stay in L1.
  const int64_t tn = network_tokens_, th = hardware_tokens_, t = 1 + tn + th;
  const int64_t dk = dim / heads_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dk));
  Matrix x(n * t, dim), context(n * t, dim);
  Matrix q(t, dim), kk(t, dim), v(t, dim), scores(t, t);
  q.row(0) = readout_q_;
  kk.row(0) = readout_k_;
  v.row(0) = readout_v_;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t un = index.network[static_cast<size_t>(first + i)] * tn;
    const int64_t uh = index.hardware[static_cast<size_t>(first + i)] * th;
    x.row(i * t) = readout_;
    x.middleRows(i * t + 1, tn) = net.x.middleRows(un, tn);
    x.middleRows(i * t + 1 + tn, th) = hw.x.middleRows(uh, th);
    q.middleRows(1, tn) = net.q.middleRows(un, tn);
    kk.middleRows(1, tn) = net.k.middleRows(un, tn);
    v.middleRows(1, tn) = net.v.middleRows(un, tn);
    q.middleRows(1 + tn, th) = hw.q.middleRows(uh, th);
    kk.middleRows(1 + tn, th) = hw.k.middleRows(uh, th);
    v.middleRows(1 + tn, th) = hw.v.middleRows(uh, th);
    // eq. 12 per head: softmax(Q K^T / sqrt(d_k)) V.
    for (int64_t h = 0; h < heads_; ++h) {
      scores.noalias() = q.middleCols(h * dk, dk).lazyProduct(kk.middleCols(h * dk, dk).transpose());
      scores *= scale;
      for (int64_t r = 0; r < t; ++r) {
        auto row = scores.row(r);
        row = (row.array() - row.maxCoeff()).exp().matrix();
        row /= row.sum();
      }
      context.block(i * t, h * dk, t, dk).noalias() = scores.lazyProduct(v.middleCols(h * dk, dk));
    }
  }
  Matrix mixed = x + proj_.Apply(context);
  for (int64_t r = 0; r < mixed.rows(); ++r) {
    auto row = mixed.row(r);
    const float mean = row.mean();
    const float var = (row.array() - mean).square().mean();
    row = ((row.array() - mean) / std::sqrt(var + kLayerNormEps)).matrix();
    row = row.cwiseProduct(norm_weight_) + norm_bias_;
  }
  // Read-out token and token mean; eq. 13, the fully connected head.
  Matrix pooled(n, 2 * dim);
  for (int64_t i = 0; i < n; ++i) {
    pooled.row(i).head(dim) = mixed.row(i * t);
    pooled.row(i).tail(dim) = mixed.middleRows(i * t, t).colwise().mean();
  }
  const Matrix h = out_.Apply(fc2_.Apply(fc1_.Apply(pooled).cwiseMax(0.0f)).cwiseMax(0.0f));
  // eq. 14: gates in [-1, 1] times the HRM's key-feature terms, plus the correction.
  for (int64_t i = 0; i < n; ++i) {
    double sum = h(i, k + 1);
    for (int64_t c = 0; c <= k; ++c) {
      const double gate = 2.0 / (1.0 + std::exp(-static_cast<double>(h(i, c)))) - 1.0;
      const double term = hg(i, c) * (c == 0 ? 1.0 : static_cast<double>(key[i * k + c - 1]));
      sum += (1.0 + gate) * term;
    }
    z[i] = sum;
  }
}

}  // namespace acesniper
