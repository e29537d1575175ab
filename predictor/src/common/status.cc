#include "acesniper/common/status.h"

namespace acesniper {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid argument: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kIOError: return "I/O error: " + message_;
    case Code::kUnsupported: return "unsupported: " + message_;
    case Code::kInternal: return "internal error: " + message_;
  }
  return message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace acesniper
