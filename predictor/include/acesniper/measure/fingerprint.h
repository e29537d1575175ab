// A platform's fingerprint: what defines it as a black box (CPU model and instruction sets, CPUs
// used, the runner's settings, the engine and library versions the process really loaded). Two
// runs with equal fingerprints measure the same platform; the store keys rows by its hash.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "acesniper/measure/platform.h"

namespace acesniper {

// `engine` is Runner::Describe() of the runner that measures.
nlohmann::json BuildFingerprint(const PlatformConfig& p, const nlohmann::json& engine);
// 16 hex digits of the SHA-256 of the fingerprint's canonical JSON (keys sorted).
std::string FingerprintId(const nlohmann::json& fingerprint);

}  // namespace acesniper
