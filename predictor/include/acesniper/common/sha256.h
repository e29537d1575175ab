// SHA-256 (OpenSSL) for content identities: network structure hashes, platform fingerprints.
#pragma once

#include <string>

namespace acesniper {

// Lower-case hex digest of `bytes`.
std::string Sha256Hex(const std::string& bytes);

}  // namespace acesniper
