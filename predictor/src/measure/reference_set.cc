#include "acesniper/measure/reference_set.h"

#include <cctype>

namespace acesniper {

namespace {

// A decimal number without sign or leading junk, fitting in 64 bits.
bool ParseDecimal(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  out = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

std::vector<std::string> ReferenceSetNames() {
  const std::string seed = std::to_string(kReferenceSetSeed);
  std::vector<std::string> names;
  uint64_t table_iv = 0, extended = 0;
  while (table_iv < kReferenceSetSize || extended < kExtendedReferenceSetSize) {
    for (uint64_t k = 0; k < kTableIvPerExtendedReference && table_iv < kReferenceSetSize; ++k)
      names.push_back("gen-" + seed + "-" + std::to_string(table_iv++));
    if (extended < kExtendedReferenceSetSize) names.push_back("genx-" + seed + "-" + std::to_string(extended++));
  }
  return names;
}

Result<GeneratedName> ParseGeneratedName(const std::string& name) {
  GeneratedName g;
  std::string rest;
  if (name.rfind("gen-", 0) == 0) rest = name.substr(4);
  else if (name.rfind("genx-", 0) == 0) rest = name.substr(5), g.options.extended = true;
  else return Status::NotFound("'" + name + "' is not a generated network name (gen-SEED-INDEX or genx-SEED-INDEX)");
  const size_t dash = rest.find('-');
  uint64_t seed = 0;
  if (dash == std::string::npos || !ParseDecimal(rest.substr(0, dash), seed) || !ParseDecimal(rest.substr(dash + 1), g.index))
    return Status::NotFound("'" + name + "' is not a generated network name (gen-SEED-INDEX or genx-SEED-INDEX)");
  if (seed == kReferenceSetSeed) {
    const bool extended = g.options.extended;
    g.options = ReferenceSetOptions();
    g.options.extended = extended;
  }
  g.options.seed = seed;
  return g;
}

}  // namespace acesniper
