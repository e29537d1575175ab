#include "onnx_shape_folding.h"

#include <cstring>
#include <optional>

namespace acesniper {

namespace {

struct IntTensor {
  Shape dims;                 // {} for a scalar
  std::vector<int64_t> data;  // row-major
  bool is_bool = false;       // a BOOL tensor (Equal), values 0/1
};

std::optional<IntTensor> FromProto(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::INT64 && t.data_type() != onnx::TensorProto::INT32 &&
      t.data_type() != onnx::TensorProto::BOOL)
    return std::nullopt;
  IntTensor r;
  r.dims.assign(t.dims().begin(), t.dims().end());
  int64_t n = NumElements(r.dims);
  if (n > 4096) return std::nullopt;  // shape computations are small; leave big tensors alone
  if (t.data_type() == onnx::TensorProto::INT64) {
    r.data.assign(t.int64_data().begin(), t.int64_data().end());
    if (r.data.empty() && t.raw_data().size() == static_cast<size_t>(n) * 8) {
      r.data.resize(static_cast<size_t>(n));
      std::memcpy(r.data.data(), t.raw_data().data(), t.raw_data().size());
    }
  } else if (t.data_type() == onnx::TensorProto::BOOL) {
    r.is_bool = true;
    r.data.assign(t.int32_data().begin(), t.int32_data().end());
    if (r.data.empty() && t.raw_data().size() == static_cast<size_t>(n))
      for (char c : t.raw_data()) r.data.push_back(c != 0);
  } else {
    r.data.assign(t.int32_data().begin(), t.int32_data().end());
    if (r.data.empty() && t.raw_data().size() == static_cast<size_t>(n) * 4) {
      std::vector<int32_t> v(static_cast<size_t>(n));
      std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
      r.data.assign(v.begin(), v.end());
    }
  }
  if (static_cast<int64_t>(r.data.size()) != n) return std::nullopt;
  return r;
}

onnx::TensorProto ToProto(const IntTensor& t) {
  onnx::TensorProto p;
  for (int64_t d : t.dims) p.add_dims(d);
  if (t.is_bool) {
    p.set_data_type(onnx::TensorProto::BOOL);
    for (int64_t v : t.data) p.add_int32_data(v != 0);
  } else {
    p.set_data_type(onnx::TensorProto::INT64);
    for (int64_t v : t.data) p.add_int64_data(v);
  }
  return p;
}

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t Wrap(int64_t i, int64_t n) { return i < 0 ? i + n : i; }

// Elementwise op on a scalar/1-D pair with broadcasting of size-1 operands.
std::optional<IntTensor> Binary(const IntTensor& a, const IntTensor& b, const std::string& op) {
  if (a.dims.size() > 1 || b.dims.size() > 1) return std::nullopt;
  size_t na = a.data.size(), nb = b.data.size();
  if (na != nb && na != 1 && nb != 1) return std::nullopt;
  IntTensor r;
  r.dims = na != nb ? (na > nb ? a.dims : b.dims) : (a.dims.size() >= b.dims.size() ? a.dims : b.dims);
  r.is_bool = op == "Equal";
  size_t n = std::max(na, nb);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = a.data[na == 1 ? 0 : i], y = b.data[nb == 1 ? 0 : i];
    if (op == "Add") r.data.push_back(x + y);
    else if (op == "Sub") r.data.push_back(x - y);
    else if (op == "Mul") r.data.push_back(x * y);
    else if (op == "Div") { if (y == 0) return std::nullopt; r.data.push_back(x / y); }
    else if (op == "Equal") r.data.push_back(x == y);
    else if (op == "Mod") {  // fmod = 0: the result takes the divisor's sign, as in Python
      if (y == 0) return std::nullopt;
      int64_t m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) m += y;
      r.data.push_back(m);
    }
    else return std::nullopt;
  }
  return r;
}

std::optional<IntTensor> Evaluate(const onnx::NodeProto& n, const std::vector<std::optional<IntTensor>>& in,
                                  const std::unordered_map<std::string, Shape>& shapes) {
  const std::string& op = n.op_type();
  auto all = [&](size_t k) {
    if (in.size() < k) return false;
    for (size_t i = 0; i < k; ++i) if (!in[i]) return false;
    return true;
  };
  if (op == "Shape") {
    Shape dims;
    if (!in.empty() && in[0]) {
      dims = in[0]->dims;
    } else {
      auto s = shapes.find(n.input(0));
      if (s == shapes.end()) return std::nullopt;
      dims = s->second;
    }
    int64_t r = static_cast<int64_t>(dims.size());
    int64_t start = Attr(n, "start") ? Wrap(Attr(n, "start")->i(), r) : 0;
    int64_t end = Attr(n, "end") ? Wrap(Attr(n, "end")->i(), r) : r;
    start = std::clamp<int64_t>(start, 0, r);
    end = std::clamp<int64_t>(end, start, r);
    IntTensor t;
    t.data.assign(dims.begin() + start, dims.begin() + end);
    t.dims = {static_cast<int64_t>(t.data.size())};
    return t;
  }
  if (op == "Size") {
    auto s = shapes.find(n.input(0));
    if (s == shapes.end()) return std::nullopt;
    return IntTensor{{}, {NumElements(s->second)}};
  }
  if (op == "Gather" && all(2) && in[0]->dims.size() == 1) {
    int64_t axis = Attr(n, "axis") ? Attr(n, "axis")->i() : 0;
    if (axis != 0 && axis != -1) return std::nullopt;
    IntTensor t;
    t.dims = in[1]->dims;
    for (int64_t i : in[1]->data) {
      int64_t k = Wrap(i, static_cast<int64_t>(in[0]->data.size()));
      if (k < 0 || k >= static_cast<int64_t>(in[0]->data.size())) return std::nullopt;
      t.data.push_back(in[0]->data[static_cast<size_t>(k)]);
    }
    return t;
  }
  if (op == "Unsqueeze" && all(1)) {
    std::vector<int64_t> axes;
    if (in.size() > 1 && in[1]) axes = in[1]->data;
    else if (const auto* a = Attr(n, "axes")) axes.assign(a->ints().begin(), a->ints().end());
    IntTensor t = *in[0];
    int64_t r = static_cast<int64_t>(t.dims.size() + axes.size());
    std::vector<int64_t> norm;
    for (int64_t a : axes) norm.push_back(Wrap(a, r));
    std::sort(norm.begin(), norm.end());
    for (int64_t a : norm) {
      if (a < 0 || a > static_cast<int64_t>(t.dims.size())) return std::nullopt;
      t.dims.insert(t.dims.begin() + a, 1);
    }
    return t;
  }
  if (op == "Squeeze" && all(1)) {
    IntTensor t = *in[0];
    Shape d;
    for (int64_t x : t.dims) if (x != 1) d.push_back(x);
    t.dims = d;
    return t;
  }
  if (op == "Concat" && all(in.size()) && !in.empty()) {
    IntTensor t;
    for (const auto& x : in) {
      if (x->dims.size() != 1) return std::nullopt;
      t.data.insert(t.data.end(), x->data.begin(), x->data.end());
    }
    t.dims = {static_cast<int64_t>(t.data.size())};
    return t;
  }
  if (op == "Slice" && all(3)) {
    const IntTensor& x = *in[0];
    size_t r = x.dims.size();
    if (r == 0) return std::nullopt;
    std::vector<int64_t> axes;
    if (in.size() > 3 && in[3]) axes = in[3]->data;
    else for (size_t i = 0; i < in[1]->data.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    std::vector<int64_t> start(r, 0), step(r, 1), count(x.dims.begin(), x.dims.end());
    for (size_t k = 0; k < axes.size(); ++k) {
      int64_t ax = Wrap(axes[k], static_cast<int64_t>(r));
      if (ax < 0 || ax >= static_cast<int64_t>(r) || k >= in[1]->data.size() || k >= in[2]->data.size()) return std::nullopt;
      int64_t d = x.dims[static_cast<size_t>(ax)];
      int64_t st = in.size() > 4 && in[4] ? in[4]->data.at(k) : 1;
      if (st == 0) return std::nullopt;
      int64_t b = in[1]->data[k], e = in[2]->data[k];
      if (b < 0) b += d;
      if (e < 0) e += d;
      if (st > 0) {
        b = std::clamp<int64_t>(b, 0, d);
        e = std::clamp<int64_t>(e, 0, d);
        count[static_cast<size_t>(ax)] = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = std::clamp<int64_t>(b, 0, d - 1);
        e = std::clamp<int64_t>(e, -1, d - 1);
        count[static_cast<size_t>(ax)] = b > e ? (b - e + (-st) - 1) / (-st) : 0;
      }
      start[static_cast<size_t>(ax)] = b;
      step[static_cast<size_t>(ax)] = st;
    }
    IntTensor t;
    t.dims = count;
    t.is_bool = x.is_bool;
    int64_t n_out = NumElements(count);
    std::vector<int64_t> stride(r, 1);
    for (size_t i = r - 1; i > 0; --i) stride[i - 1] = stride[i] * x.dims[i];
    for (int64_t o = 0; o < n_out; ++o) {
      int64_t rem = o, src = 0;
      for (size_t i = r; i-- > 0;) {
        int64_t idx = rem % count[i];
        rem /= count[i];
        src += (start[i] + idx * step[i]) * stride[i];
      }
      t.data.push_back(x.data[static_cast<size_t>(src)]);
    }
    return t;
  }
  if (op == "Transpose" && all(1)) {
    const IntTensor& x = *in[0];
    size_t r = x.dims.size();
    std::vector<int64_t> perm;
    if (const auto* a = Attr(n, "perm")) perm.assign(a->ints().begin(), a->ints().end());
    else for (size_t i = r; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != r) return std::nullopt;
    IntTensor t;
    t.is_bool = x.is_bool;
    for (int64_t p : perm) t.dims.push_back(x.dims[static_cast<size_t>(p)]);
    std::vector<int64_t> stride(r, 1);
    for (size_t i = r; i-- > 1;) stride[i - 1] = stride[i] * x.dims[i];
    int64_t n_out = NumElements(t.dims);
    for (int64_t o = 0; o < n_out; ++o) {
      int64_t rem = o, src = 0;
      for (size_t i = r; i-- > 0;) {
        int64_t idx = rem % t.dims[i];
        rem /= t.dims[i];
        src += idx * stride[static_cast<size_t>(perm[i])];
      }
      t.data.push_back(x.data[static_cast<size_t>(src)]);
    }
    return t;
  }
  if (op == "Cast" && all(1)) {
    const auto* to = Attr(n, "to");
    if (!to || (to->i() != onnx::TensorProto::INT64 && to->i() != onnx::TensorProto::INT32)) return std::nullopt;
    return in[0];
  }
  if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && all(2)) return Binary(*in[0], *in[1], op);
  if (op == "Equal" && all(2)) return Binary(*in[0], *in[1], op);
  if (op == "Mod" && all(2) && !(Attr(n, "fmod") && Attr(n, "fmod")->i())) return Binary(*in[0], *in[1], op);
  if (op == "Where" && all(3) && in[0]->dims.size() <= 1) {
    size_t n = std::max({in[0]->data.size(), in[1]->data.size(), in[2]->data.size()});
    IntTensor t;
    t.dims = {static_cast<int64_t>(n)};
    for (size_t i = 0; i < n; ++i) {
      auto at = [&](const IntTensor& x) -> std::optional<int64_t> {
        if (x.data.size() == 1) return x.data[0];
        if (x.data.size() == n) return x.data[i];
        return std::nullopt;
      };
      auto c = at(*in[0]), a = at(*in[1]), b = at(*in[2]);
      if (!c || !a || !b) return std::nullopt;
      t.data.push_back(*c ? *a : *b);
    }
    if (in[0]->dims.empty() && in[1]->dims.empty() && in[2]->dims.empty()) t.dims = {};
    return t;
  }
  if (op == "ConstantOfShape" && all(1) && in[0]->dims.size() == 1) {
    const auto* v = Attr(n, "value");
    if (!v || !v->has_t()) return std::nullopt;  // default is a float zero: not a shape computation
    auto fill = FromProto(v->t());
    if (!fill || fill->data.size() != 1 || fill->is_bool) return std::nullopt;
    IntTensor t;
    t.dims = in[0]->data;
    if (NumElements(t.dims) > 4096) return std::nullopt;
    t.data.assign(static_cast<size_t>(NumElements(t.dims)), fill->data[0]);
    return t;
  }
  if (op == "Identity" && all(1)) return in[0];
  if (op == "Reshape" && all(2)) {
    IntTensor t = *in[0];
    Shape target = in[1]->data;
    int64_t known = 1, infer = -1;
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] == 0 && i < t.dims.size()) target[i] = t.dims[i];
      if (target[i] == -1) { if (infer >= 0) return std::nullopt; infer = static_cast<int64_t>(i); }
      else known *= target[i];
    }
    int64_t total = static_cast<int64_t>(t.data.size());
    if (infer >= 0) {
      if (known == 0 || total % known) return std::nullopt;
      target[static_cast<size_t>(infer)] = total / known;
    }
    if (NumElements(target) != total) return std::nullopt;
    t.dims = target;
    return t;
  }
  return std::nullopt;
}

}  // namespace

Result<int> FoldShapeComputations(onnx::GraphProto& graph, const std::unordered_map<std::string, Shape>& shapes) {
  std::unordered_map<std::string, IntTensor> known;
  for (const auto& t : graph.initializer())
    if (auto v = FromProto(t)) known[t.name()] = *v;
  int replaced = 0;
  for (auto& n : *graph.mutable_node()) {
    if (n.op_type() == "Constant") {
      const auto* v = Attr(n, "value");
      if (v && v->has_t() && n.output_size() == 1)
        if (auto t = FromProto(v->t())) known[n.output(0)] = *t;
      continue;
    }
    if (n.output_size() != 1) continue;
    std::vector<std::optional<IntTensor>> in;
    for (const auto& name : n.input()) {
      auto it = known.find(name);
      in.push_back(it == known.end() ? std::nullopt : std::optional<IntTensor>(it->second));
    }
    auto v = Evaluate(n, in, shapes);
    if (!v) continue;
    known[n.output(0)] = *v;
    std::string out = n.output(0), name = n.name();
    n.Clear();
    n.set_op_type("Constant");
    n.set_name(name);
    n.add_output(out);
    auto* a = n.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = ToProto(*v);
    ++replaced;
  }
  return replaced;
}

}  // namespace acesniper
