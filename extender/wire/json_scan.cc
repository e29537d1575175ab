#include "wire/json_scan.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace acesniper::extender {

namespace {
// Bytes a string may hold without a closer look: printable ASCII but '"' and '\\'.
struct PlainTable {
  bool v[256] = {};
  constexpr PlainTable() {
    for (int c = 0x20; c < 0x80; ++c) v[c] = c != '"' && c != '\\';
  }
  constexpr bool operator[](unsigned char c) const { return v[c]; }
};
constexpr PlainTable kPlain;
}  // namespace

class JsonScanner {
 public:
  JsonScanner(std::string_view t, std::vector<JsonTape::Value>* out) : t_(t), out_(out) {}

  Status Fail(const char* what) const {
    return Status::InvalidArgument("request body is not JSON: " + std::string(what) + " at byte " + std::to_string(p_));
  }
  void SkipSpace() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) ++p_;
  }
  // Appends the value at p_ (and, before its end is known, its descendants) to the tape.
  Status Value(int depth) {
    SkipSpace();
    if (p_ >= t_.size()) return Fail("unexpected end");
    const size_t self = out_->size();
    out_->push_back({p_, 0, 0, -1});
    const char c = t_[p_];
    Status st = Status::Ok();
    char kind;
    if (c == '{') {
      kind = '{';
      st = Container(depth, '}', true);
    } else if (c == '[') {
      kind = '[';
      st = Container(depth, ']', false);
    } else if (c == '"') {
      kind = '"';
      st = String();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      kind = '0';
      st = Number();
    } else if (Literal("true")) {
      kind = 't';
    } else if (Literal("false")) {
      kind = 'f';
    } else if (Literal("null")) {
      kind = 'n';
    } else {
      return Fail("expected a value");
    }
    (*out_)[self].kind = kind;
    (*out_)[self].end = p_;
    return st;
  }
  size_t pos() const { return p_; }

 private:
  bool Literal(std::string_view word) {
    if (t_.compare(p_, word.size(), word) != 0) return false;
    p_ += word.size();
    return true;
  }
  Status Container(int depth, char close, bool object) {
    if (depth >= kMaxJsonDepth) return Fail("nesting too deep");
    ++p_;
    SkipSpace();
    if (p_ < t_.size() && t_[p_] == close) {
      ++p_;
      return Status::Ok();
    }
    int32_t prev = -1;
    auto link = [this, &prev](size_t index) {
      if (prev >= 0) (*out_)[static_cast<size_t>(prev)].next = static_cast<int32_t>(index);
      prev = static_cast<int32_t>(index);
    };
    for (;;) {
      if (object) {
        SkipSpace();
        if (p_ >= t_.size() || t_[p_] != '"') return Fail("expected a member name");
        link(out_->size());
        ACESNIPER_RETURN_IF_ERROR(Value(depth + 1));
        SkipSpace();
        if (p_ >= t_.size() || t_[p_] != ':') return Fail("expected ':'");
        ++p_;
      }
      link(out_->size());
      ACESNIPER_RETURN_IF_ERROR(Value(depth + 1));
      SkipSpace();
      if (p_ < t_.size() && t_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < t_.size() && t_[p_] == close) {
        ++p_;
        return Status::Ok();
      }
      return Fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  static bool Hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
  // The code unit of the \uXXXX escape at `at`, or -1.
  long Unicode(size_t at) const {
    if (at + 6 > t_.size() || t_[at] != '\\' || t_[at + 1] != 'u') return -1;
    for (size_t k = 2; k < 6; ++k)
      if (!Hex(t_[at + k])) return -1;
    return std::strtol(std::string(t_.substr(at + 2, 4)).c_str(), nullptr, 16);
  }
  Status String() {
    ++p_;  // "
    const char* data = t_.data();
    const size_t size = t_.size();
    while (p_ < size) {
      // Plain ASCII needs no checks beyond these three; most of a Node object is such bytes.
      while (p_ < size && kPlain[static_cast<unsigned char>(data[p_])]) ++p_;
      if (p_ >= size) break;
      const auto c = static_cast<unsigned char>(t_[p_]);
      if (c == '"') {
        ++p_;
        return Status::Ok();
      }
      if (c < 0x20) return Fail("control character in a string");
      if (c == '\\') {
        if (p_ + 1 >= t_.size()) return Fail("unfinished escape");
        const char e = t_[p_ + 1];
        if (e == 'u') {
          const long u = Unicode(p_);
          if (u < 0) return Fail("bad \\u escape");
          if (u >= 0xDC00 && u <= 0xDFFF) return Fail("lone low surrogate");
          p_ += 6;
          if (u >= 0xD800 && u <= 0xDBFF) {  // must pair with a low surrogate
            const long low = p_ + 1 < t_.size() && t_[p_] == '\\' && t_[p_ + 1] == 'u' ? Unicode(p_) : -1;
            if (low < 0xDC00 || low > 0xDFFF) return Fail("lone high surrogate");
            p_ += 6;
          }
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          p_ += 2;
        } else {
          return Fail("bad escape");
        }
        continue;
      }
      if (c < 0x80) {
        ++p_;
        continue;
      }
      // UTF-8: a lead byte and 1-3 continuation bytes; no overlongs, surrogates or > U+10FFFF.
      size_t n = 0;
      unsigned lo = 0x80, hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) n = 1;
      else if (c == 0xE0) n = 2, lo = 0xA0;
      else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 2;
      else if (c == 0xED) n = 2, hi = 0x9F;
      else if (c == 0xF0) n = 3, lo = 0x90;
      else if (c >= 0xF1 && c <= 0xF3) n = 3;
      else if (c == 0xF4) n = 3, hi = 0x8F;
      else return Fail("invalid UTF-8");
      if (p_ + n >= t_.size()) return Fail("invalid UTF-8");
      for (size_t k = 1; k <= n; ++k) {
        const auto b = static_cast<unsigned char>(t_[p_ + k]);
        if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu)) return Fail("invalid UTF-8");
      }
      p_ += n + 1;
    }
    return Fail("unterminated string");
  }
  Status Number() {
    const size_t start = p_;
    auto digits = [this] {
      size_t n = 0;
      while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') ++p_, ++n;
      return n;
    };
    bool plain = true;
    if (t_[p_] == '-') ++p_;
    if (p_ < t_.size() && t_[p_] == '0') ++p_;
    else if (digits() == 0) return Fail("bad number");
    if (p_ < t_.size() && t_[p_] == '.') {
      ++p_;
      plain = false;
      if (digits() == 0) return Fail("bad number");
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      ++p_;
      plain = false;
      if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
      if (digits() == 0) return Fail("bad number");
    }
    // A number that overflows a double (1e999) is refused, as nlohmann refuses it.
    if (!plain || p_ - start > 300) {
      const std::string copy(t_.substr(start, p_ - start));
      if (!std::isfinite(std::strtod(copy.c_str(), nullptr))) return Fail("number out of range");
    }
    return Status::Ok();
  }

  std::string_view t_;
  std::vector<JsonTape::Value>* out_;
  size_t p_ = 0;
};

namespace {
thread_local std::vector<JsonTape::Value> tape_pool;
}  // namespace

JsonTape::~JsonTape() {
  if (values_.capacity() > tape_pool.capacity()) tape_pool.swap(values_);
}

Result<JsonTape> JsonTape::Scan(std::string_view text) {
  JsonTape tape;
  tape.text_ = text;
  tape.values_.swap(tape_pool);
  tape.values_.clear();
  tape.values_.reserve(text.size() / 64 + 8);  // ~30 bytes a value in Node objects; grows if needed
  JsonScanner s(text, &tape.values_);
  Status st = s.Value(0);
  if (!st.ok()) return st;
  s.SkipSpace();
  if (s.pos() != text.size()) return s.Fail("trailing characters");
  return tape;
}

int JsonTape::FirstChild(int i) const {
  const Value& v = at(i);
  if ((v.kind != '{' && v.kind != '[') || static_cast<size_t>(i) + 1 >= values_.size()) return -1;
  const Value& c = at(i + 1);
  return c.begin < v.end ? i + 1 : -1;
}

int JsonTape::Member(int i, std::string_view key, bool ignore_case) const {
  if (at(i).kind != '{') return -1;
  for (int k = FirstChild(i); k >= 0; k = at(at(k).next).next) {
    const int value = at(k).next;
    std::string_view raw = Text(k).substr(1, Text(k).size() - 2);
    std::string unescaped;
    if (raw.find('\\') != std::string_view::npos) {
      unescaped = String(k);
      raw = unescaped;
    }
    bool equal = raw.size() == key.size();
    for (size_t c = 0; equal && c < raw.size(); ++c)
      equal = ignore_case ? std::tolower(static_cast<unsigned char>(raw[c])) == std::tolower(static_cast<unsigned char>(key[c]))
                          : raw[c] == key[c];
    if (equal) return value;
  }
  return -1;
}

std::string JsonTape::String(int i) const {
  const std::string_view raw = Text(i).substr(1, Text(i).size() - 2);
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  auto hex4 = [&raw](size_t at) { return std::strtoul(std::string(raw.substr(at, 4)).c_str(), nullptr, 16); };
  for (size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] != '\\') {
      out += raw[k];
      continue;
    }
    const char e = raw[++k];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        unsigned long cp = hex4(k + 1);
        k += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // validated: a low surrogate follows
          cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(k + 3) - 0xDC00);
          k += 6;
        }
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xF0 | (cp >> 18));
          out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: out += e;  // " \ /
    }
  }
  return out;
}

}  // namespace acesniper::extender
