// A validating JSON scanner that builds no DOM: one pass checks a document against RFC 8259
// (strings with valid escapes and UTF-8, numbers that are finite doubles, nesting at most
// kMaxJsonDepth) and records every value's byte span in pre-order. The extender uses it so that a
// NodeList of several MB is validated at memory speed while only the small parts it reads
// (metadata) are parsed into nlohmann objects, and surviving Node objects are echoed byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper::extender {

inline constexpr int kMaxJsonDepth = 256;

class JsonTape {
 public:
  struct Value {
    size_t begin = 0, end = 0;  // [begin, end) in the text
    char kind = 0;              // '{' '[' '"' '0' (number) 't' 'f' 'n'
    int32_t next = -1;          // next sibling (object children alternate key, value), -1: last
  };
  // Validates the whole text as one JSON value (whitespace around it allowed). The text must
  // outlive the tape. Errors give the byte offset and what was wrong.
  static Result<JsonTape> Scan(std::string_view text);
  ~JsonTape();  // gives its memory back to the thread's pool (next Scan reuses it: no page faults)
  JsonTape(JsonTape&&) = default;
  JsonTape& operator=(JsonTape&&) = default;

  const Value& at(int i) const { return values_[static_cast<size_t>(i)]; }
  std::string_view Text(int i) const { return text_.substr(at(i).begin, at(i).end - at(i).begin); }
  // First child of a container (-1 when empty); then follow Value::next.
  int FirstChild(int i) const;
  // The member of object `i` whose key equals `key` (exactly, or ignoring ASCII case); -1 if none.
  int Member(int i, std::string_view key, bool ignore_case = false) const;
  // A string value, unescaped.
  std::string String(int i) const;

 private:
  JsonTape() = default;
  std::string_view text_;
  std::vector<Value> values_;
  friend class JsonScanner;
};

}  // namespace acesniper::extender
