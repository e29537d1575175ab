// libFuzzer driver for the ONNX importer (outside input: any bytes must give a Status, never a
// crash). Build: cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DACESNIPER_FUZZ=ON
//   && cmake --build build-fuzz --target onnx_import_fuzzer
// Run:   build-fuzz/bin/onnx_import_fuzzer -max_total_time=300 CORPUS_DIR
// (seed the corpus with a few generated .onnx files: acesniper generate --format onnx).
#include <cstddef>
#include <cstdint>
#include <string>

#include "acesniper/analyze/features.h"
#include "acesniper/analyze/importers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto g = acesniper::ImportOnnxBytes(bytes, {}, "fuzz-input");
  if (g.ok()) (void)acesniper::AnalyzeGraph(g.value());
  return 0;
}
