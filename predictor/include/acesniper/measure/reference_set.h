// The fixed reference set of generated networks that every platform measures to fit its HRM
// vector (paper, section IV-B): the same networks on every node, so that vectors compare.
// Changing these constants makes a new reference set; docs/measurement.md records its timing.
//
// Version 2 (docs/measurement.md): the 120 Table IV networks gen-20261126-0..119 of version 1
// and 40 networks of the generator's extended space, genx-20261126-0..39 (inverted residual
// and transformer blocks), interleaved three to one, so that the first d of the set (what a
// model with d references uses) mixes both at every d. Table IV networks alone cannot tell a
// fast matrix product from a slow one (docs/model.md, the zoo on held-out platforms).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/generate/generator.h"

namespace acesniper {

inline constexpr uint64_t kReferenceSetSeed = 20261126;
inline constexpr uint64_t kReferenceSetSize = 120;          // Table IV networks (version 1)
inline constexpr uint64_t kExtendedReferenceSetSize = 40;   // extended-space networks (version 2)
inline constexpr uint64_t kTableIvPerExtendedReference = 3;  // the interleaving

inline GeneratorOptions ReferenceSetOptions() {
  GeneratorOptions o;
  o.seed = kReferenceSetSeed;
  o.min_flops = 20e6;
  o.max_flops = 4e9;  // keeps one platform's pass within minutes on a 2-core CPU
  return o;
}

// The whole reference set in order: three Table IV networks, then one extended network, and so
// on (gen-20261126-0, -1, -2, genx-20261126-0, gen-20261126-3, ...), 160 names.
std::vector<std::string> ReferenceSetNames();

// How a generated network is rebuilt from its name: gen-SEED-INDEX (Table IV) or genx-SEED-INDEX
// (the extended space), with the reference set's budget for its seed and the default budget
// otherwise. NotFound for a name the generator does not make.
struct GeneratedName {
  GeneratorOptions options;
  uint64_t index = 0;
};
Result<GeneratedName> ParseGeneratedName(const std::string& name);

}  // namespace acesniper
