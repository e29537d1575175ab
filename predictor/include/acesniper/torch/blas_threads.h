// Holds OpenBLAS to a thread count for a scope, and restores it after.
//
// Debian's LibTorch calls the system libblas.so.3. When that is OpenBLAS (pthread build), OpenBLAS
// starts one thread per core on its own, beside LibTorch's OpenMP threads: on a 2-core machine the
// PCN's small matrix products then spend most of their time waiting in the kernel (measured
// 2026-11-29: 14.97 s of system time in a 20.8 s training run). With another BLAS, or an OpenBLAS
// without openblas_set_num_threads, this does nothing.
#pragma once

namespace acesniper {

class ScopedBlasThreads {
 public:
  explicit ScopedBlasThreads(int threads);
  ~ScopedBlasThreads();
  ScopedBlasThreads(const ScopedBlasThreads&) = delete;
  ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

  // OpenBLAS's thread count now, or 0 where the loaded BLAS is not OpenBLAS.
  static int Current();

 private:
  int previous_ = 0;
};

}  // namespace acesniper
