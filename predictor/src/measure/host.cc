#include "acesniper/measure/host.h"

#include <dlfcn.h>
#include <sched.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace acesniper {

namespace {

std::string CpuInfoField(const std::string& key) {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string k = line.substr(0, colon);
    while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.pop_back();
    if (k == key) {
      std::string v = line.substr(colon + 1);
      size_t b = v.find_first_not_of(' ');
      return b == std::string::npos ? "" : v.substr(b);
    }
  }
  return "";
}

}  // namespace

std::string CpuModel() {
  std::string m = CpuInfoField("model name");
  if (m.empty()) m = CpuInfoField("Hardware");
  return m.empty() ? "unknown" : m;
}

std::set<std::string> CpuFlags() {
  std::string f = CpuInfoField("flags");
  if (f.empty()) f = CpuInfoField("Features");
  std::istringstream in(f);
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

std::vector<int> AllowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return out;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &set)) out.push_back(i);
  return out;
}

Status PinToCpus(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0)
    return Status::IOError(std::string("sched_setaffinity: ") + std::strerror(errno));
  return Status::Ok();
}

std::string LoadedLibrary(const std::string& needle) {
  std::ifstream f("/proc/self/maps");
  std::string line;
  while (std::getline(f, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    std::string file = std::filesystem::path(path).filename().string();
    if (file.find(needle) == std::string::npos) continue;
    std::error_code ec;
    auto real = std::filesystem::canonical(path, ec);
    return ec ? path : real.string();
  }
  return "";
}

std::string LibraryDefiningSymbol(const char* symbol) {
  void* addr = ::dlsym(RTLD_DEFAULT, symbol);
  Dl_info info{};
  if (!addr || !::dladdr(addr, &info) || !info.dli_fname) return "";
  std::error_code ec;
  auto real = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::string(info.dli_fname) : real.string();
}

}  // namespace acesniper
