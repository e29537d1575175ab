// What the fingerprint records about the machine and process: CPU model and flags, the CPUs this
// process may use, and which shared libraries it actually loaded (Linux /proc).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper {

std::string CpuModel();               // /proc/cpuinfo "model name" (or "Hardware" on Arm)
std::set<std::string> CpuFlags();     // /proc/cpuinfo "flags" (x86) or "Features" (Arm)
std::vector<int> AllowedCpus();       // sched_getaffinity
Status PinToCpus(const std::vector<int>& cpus);
// Real path of the first mapped shared object whose file name contains `needle`; empty if none.
std::string LoadedLibrary(const std::string& needle);
// Real path of the shared object that the dynamic linker resolves `symbol` to (for example the
// BLAS that serves sgemm_); empty if unresolved.
std::string LibraryDefiningSymbol(const char* symbol);

}  // namespace acesniper
