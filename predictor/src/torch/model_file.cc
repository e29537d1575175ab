#include <algorithm>
#include <filesystem>
#include <fstream>

#include "acesniper/torch/torchscript.h"

namespace acesniper {

Result<ModelFormat> DetectModelFormat(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".onnx") return ModelFormat::kOnnx;
  if (ext == ".pt" || ext == ".pth" || ext == ".torchscript" || ext == ".ptl") return ModelFormat::kTorchScript;
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot open '" + path + "'");
  char magic[4] = {0, 0, 0, 0};
  f.read(magic, 4);
  if (f.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
    return ModelFormat::kTorchScript;
  return Status::Unsupported("'" + path + "': unsupported model format (expected .onnx, or TorchScript .pt/.pth)");
}

Result<Graph> ImportModelFile(const std::string& path, const ImportOptions& opts) {
  auto fmt = DetectModelFormat(path);
  if (!fmt.ok()) return fmt.status();
  if (fmt.value() == ModelFormat::kOnnx) return ImportOnnx(path, opts);
  return ImportTorchScript(path, opts);
}

}  // namespace acesniper
