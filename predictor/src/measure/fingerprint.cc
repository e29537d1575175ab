#include "acesniper/measure/fingerprint.h"

#include <sys/utsname.h>

#include "acesniper/common/sha256.h"
#include "acesniper/measure/host.h"

namespace acesniper {

nlohmann::json BuildFingerprint(const PlatformConfig& p, const nlohmann::json& engine) {
  // Instruction sets that change which kernels run (x86 and Arm); the rest of /proc/cpuinfo's
  // flags vary with kernel and hypervisor without changing the platform.
  static const char* kIsa[] = {"sse4_2",     "avx",       "avx2",      "fma",      "f16c",     "avx512f",
                               "avx512bw",   "avx512vl",  "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_bf16",
                               "amx_int8",   "asimd",     "asimdhp",   "asimddp",  "sve",      "i8mm", "bf16"};
  auto flags = CpuFlags();
  nlohmann::json isa = nlohmann::json::array();
  for (const char* f : kIsa)
    if (flags.count(f)) isa.push_back(f);
  nlohmann::json runner = PlatformToJson(p);
  runner.erase("name");    // renaming a platform does not change it
  runner.erase("timing");  // nor does the protocol that measures it
  utsname u{};
  uname(&u);
  return {{"schema", "acesniper.platform/v1"},
          {"cpu_model", CpuModel()},
          {"cpu_isa", isa},
          {"arch", u.machine},
          {"cpus_used", p.threads},
          {"runner", runner},
          {"engine", engine}};
}

std::string FingerprintId(const nlohmann::json& fingerprint) { return Sha256Hex(fingerprint.dump()).substr(0, 16); }

}  // namespace acesniper
