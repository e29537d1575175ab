#include "acesniper/torch/blas_threads.h"

#include <dlfcn.h>

namespace acesniper {

namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

// Looked up in the process, not linked: libblas.so.3 may be OpenBLAS or the reference BLAS.
SetThreads FindSet() { return reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
GetThreads FindGet() { return reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }

}  // namespace

int ScopedBlasThreads::Current() {
  GetThreads get = FindGet();
  return get == nullptr ? 0 : get();
}

ScopedBlasThreads::ScopedBlasThreads(int threads) {
  SetThreads set = FindSet();
  previous_ = Current();
  if (set != nullptr && previous_ > 0 && threads > 0) set(threads);
}

ScopedBlasThreads::~ScopedBlasThreads() {
  SetThreads set = FindSet();
  if (set != nullptr && previous_ > 0) set(previous_);
}

}  // namespace acesniper
