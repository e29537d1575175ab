#include "acesniper/torch/torch_runner.h"

#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/version.h>

#include <chrono>

#include "acesniper/measure/host.h"
#include "acesniper/torch/module_builder.h"

namespace acesniper {

namespace {

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

class LoadedTorchNetwork : public LoadedNetwork {
 public:
  LoadedTorchNetwork(torch::jit::Module m, torch::Tensor input) : module_(std::move(m)), input_(std::move(input)) {}
  Result<double> RunOnce() override {
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
  torch::jit::Module module_;
  torch::Tensor input_;
};

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

  Result<std::unique_ptr<LoadedNetwork>> Load(const NetworkJob& job) override {
    torch::jit::Module module;
    torch::Tensor input;
    try {
      if (job.graph) {
        auto m = BuildTorchModule(*job.graph, job.weight_seed);
        if (!m.ok()) return m.status();
        module = std::move(*m);
      } else if (!job.torchscript_path.empty()) {
        module = torch::jit::load(job.torchscript_path);
        module.eval();
      } else {
        return Status::Unsupported("LibTorch needs a TorchScript file or a generated graph for " + job.name);
      }
      torch::ScalarType dtype = config_.dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
      if (dtype != torch::kFloat32) module.to(dtype);
      if (config_.frozen) {
        module = torch::jit::freeze(module);
        module = torch::jit::optimize_for_inference(module);
      }
      Shape shape = job.input_shape;
      if (shape.empty()) return Status::InvalidArgument("no input shape for " + job.name);
      shape[0] = job.batch;
      torch::manual_seed(0);
      input = torch::rand(shape).to(dtype);
      if (config_.channels_last && shape.size() == 4) input = input.contiguous(at::MemoryFormat::ChannelsLast);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("LibTorch cannot load ") + job.name + ": " + FirstLine(e.what()));
    }
    try {
      torch::NoGradGuard no_grad;
      module.forward({input});
    } catch (const std::exception& e) {
      return Status::Unsupported(std::string("LibTorch cannot run it: ") + FirstLine(e.what()));
    }
    return std::unique_ptr<LoadedNetwork>(new LoadedTorchNetwork(std::move(module), std::move(input)));
  }

 private:
  PlatformConfig config_;
};

}  // namespace

std::unique_ptr<Runner> MakeTorchRunner(const PlatformConfig& config) { return std::make_unique<TorchRunner>(config); }

}  // namespace acesniper
