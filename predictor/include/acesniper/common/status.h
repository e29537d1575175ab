// Cheap error values: a Status says what failed and why; Result<T> is a value or a Status.
// Exceptions from third-party libraries are caught where they are called and turned into these.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace acesniper {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIOError, kUnsupported, kInternal };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>" and so on; "ok" when ok.
  std::string ToString() const;
  // A copy whose message is "<context>: <message>", for adding where an error happened.
  Status WithContext(const std::string& context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}    // NOLINT: implicit on purpose
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace acesniper

#define ACESNIPER_RETURN_IF_ERROR(expr)        \
  do {                                         \
    ::acesniper::Status _st = (expr);          \
    if (!_st.ok()) return _st;                 \
  } while (0)
