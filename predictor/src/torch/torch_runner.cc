#include "acesniper/torch/torch_runner.h"

#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/version.h>

#include <chrono>

#include "acesniper/measure/host.h"
#include "acesniper/torch/module_builder.h"

namespace acesniper {

namespace {

class TorchRunner : public Runner {
 public:
  explicit TorchRunner(PlatformConfig c) : config_(std::move(c)) {
    at::set_num_threads(config_.threads);
    at::globalContext().setUserEnabledMkldnn(config_.onednn);
  }

  nlohmann::json Describe() const override {
    return {{"engine", "libtorch"},
            {"version", TORCH_VERSION},
            {"onednn_built", at::hasMKLDNN()},
            {"intra_op_threads", at::get_num_threads()},
            {"blas_library", LibraryDefiningSymbol("sgemm_")},
            {"lapack_library", LibraryDefiningSymbol("sgetrf_")},
            {"openmp_library", LoadedLibrary("gomp")}};
  }

  Status Load(const NetworkJob& job) override {
    loaded_ = false;
    try {
      if (job.graph) {
        auto m = BuildTorchModule(*job.graph, job.weight_seed);
        if (!m.ok()) return m.status();
        module_ = std::move(*m);
      } else if (!job.torchscript_path.empty()) {
        module_ = torch::jit::load(job.torchscript_path);
        module_.eval();
      } else {
        return Status::Unsupported("LibTorch needs a TorchScript file or a generated graph for " + job.name);
      }
      torch::ScalarType dtype = config_.dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
      if (dtype != torch::kFloat32) module_.to(dtype);
      if (config_.frozen) {
        module_ = torch::jit::freeze(module_);
        module_ = torch::jit::optimize_for_inference(module_);
      }
      Shape shape = job.input_shape;
      if (shape.empty()) return Status::InvalidArgument("no input shape for " + job.name);
      shape[0] = job.batch;
      torch::manual_seed(0);
      input_ = torch::rand(shape).to(dtype);
      if (config_.channels_last && shape.size() == 4) input_ = input_.contiguous(at::MemoryFormat::ChannelsLast);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("LibTorch cannot load ") + job.name + ": " + FirstLine(e.what()));
    }
    try {
      torch::NoGradGuard no_grad;
      module_.forward({input_});
    } catch (const std::exception& e) {
      return Status::Unsupported(std::string("LibTorch cannot run it: ") + FirstLine(e.what()));
    }
    loaded_ = true;
    return Status::Ok();
  }

  Result<double> RunOnce() override {
    if (!loaded_) return Status::Internal("torch runner: no network loaded");
    try {
      torch::NoGradGuard no_grad;
      auto t0 = std::chrono::steady_clock::now();
      auto out = module_.forward({input_});
      auto t1 = std::chrono::steady_clock::now();
      return std::chrono::duration<double, std::milli>(t1 - t0).count();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("LibTorch failed: ") + FirstLine(e.what()));
    }
  }

 private:
  static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
  PlatformConfig config_;
  torch::jit::Module module_;
  torch::Tensor input_;
  bool loaded_ = false;
};

}  // namespace

std::unique_ptr<Runner> MakeTorchRunner(const PlatformConfig& config) { return std::make_unique<TorchRunner>(config); }

}  // namespace acesniper
