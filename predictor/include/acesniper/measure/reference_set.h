// The fixed reference set of generated networks that every platform measures to fit its HRM
// vector (paper, section IV-B): the same networks on every node, so that vectors compare.
// Changing these constants makes a new reference set; docs/measurement.md records its timing.
#pragma once

#include <cstdint>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/generate/generator.h"

namespace acesniper {

inline constexpr uint64_t kReferenceSetSeed = 20261126;
inline constexpr uint64_t kReferenceSetSize = 120;

inline GeneratorOptions ReferenceSetOptions() {
  GeneratorOptions o;
  o.seed = kReferenceSetSeed;
  o.min_flops = 20e6;
  o.max_flops = 4e9;  // keeps one platform's pass within minutes on a 2-core CPU
  return o;
}

// How a generated network is rebuilt from its name: gen-SEED-INDEX (Table IV) or genx-SEED-INDEX
// (the extended space), with the reference set's budget for its seed and the default budget
// otherwise. NotFound for a name the generator does not make.
struct GeneratedName {
  GeneratorOptions options;
  uint64_t index = 0;
};
Result<GeneratedName> ParseGeneratedName(const std::string& name);

}  // namespace acesniper
