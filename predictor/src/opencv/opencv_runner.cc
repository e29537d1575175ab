#include "acesniper/opencv/opencv_runner.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

#include "acesniper/export/writers.h"
#include "acesniper/opencv/onnx_for_opencv.h"
#include "acesniper/opencv/opencv_broadcasts.h"
#include "cv_net.h"

namespace acesniper {

namespace {

// "Parallel framework: pthreads" from the build information (4.6 has no API for it).
std::string ParallelFramework() {
  const std::string info = cv::getBuildInformation();
  const std::string key = "Parallel framework:";
  auto at = info.find(key);
  if (at == std::string::npos) return "unknown";
  std::string v = FirstLine(info.substr(at + key.size()));
  size_t b = v.find_first_not_of(' ');
  return b == std::string::npos ? "unknown" : v.substr(b);
}

class LoadedCvNetwork : public LoadedNetwork {
 public:
  LoadedCvNetwork(cv::dnn::Net net, cv::Mat input) : net_(std::move(net)), input_(std::move(input)) {}
  Result<double> RunOnce() override {
    try {
      auto t0 = std::chrono::steady_clock::now();
      net_.setInput(input_);
      cv::Mat out = net_.forward();
      auto t1 = std::chrono::steady_clock::now();
      return std::chrono::duration<double, std::milli>(t1 - t0).count();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("OpenCV DNN failed: ") + FirstLine(e.what()));
    }
  }

 private:
  cv::dnn::Net net_;
  cv::Mat input_;
};

class OpenCvRunner : public Runner {
 public:
  explicit OpenCvRunner(PlatformConfig c) : config_(std::move(c)) { cv::setNumThreads(config_.threads); }

  nlohmann::json Describe() const override {
    return {{"engine", "opencv-dnn"},
            {"version", CV_VERSION},
            {"parallel_framework", ParallelFramework()},
            {"threads", cv::getNumThreads()},
            {"backend", "DNN_BACKEND_OPENCV/DNN_TARGET_CPU"}};
  }

  Result<std::unique_ptr<LoadedNetwork>> Load(const NetworkJob& job) override {
    cv::dnn::Net net;
    cv::Mat input;
    try {
      std::string bytes;
      if (!job.onnx_path.empty()) {
        std::ifstream in(job.onnx_path, std::ios::binary);
        std::ostringstream file;
        if (!in || !(file << in.rdbuf())) return Status::IOError("cannot read '" + job.onnx_path + "'");
        bytes = file.str();
      } else if (job.graph) {
        auto written = SerializeOnnx(*job.graph, job.weight_seed);
        if (!written.ok()) return written.status();
        bytes = std::move(written).value();
      } else {
        return Status::Unsupported("OpenCV DNN needs an ONNX file or a generated graph for " + job.name);
      }
      // Into the form OpenCV 4.6 imports (Identity nodes of initializers, Clip bounds), and one it
      // computes correctly (broadcasting elementwise nodes: opencv_broadcasts.h).
      Result<OpenCvOnnx> model = OnnxForOpenCv(bytes, job.onnx_path.empty() ? job.name : job.onnx_path);
      if (!model.ok()) return model.status();
      Result<std::string> checked = WithoutBroadcastFaults(*model, job.input_shape, job.name);
      if (!checked.ok()) return checked.status();
      Result<cv::dnn::Net> read = ReadCpuNet(*checked, job.name);
      if (!read.ok()) return read.status();
      Result<cv::Mat> random = RandomInput(job.input_shape, job.batch, job.name);
      if (!random.ok()) return random.status();
      net = std::move(read).value();
      input = std::move(random).value();
      net.setInput(input);
      net.forward();
    } catch (const std::exception& e) {  // cv::Exception included
      return Status::Unsupported(std::string("OpenCV DNN cannot run it: ") + FirstLine(e.what()));
    }
    return std::unique_ptr<LoadedNetwork>(new LoadedCvNetwork(std::move(net), std::move(input)));
  }

 private:
  PlatformConfig config_;
};

}  // namespace

std::unique_ptr<Runner> MakeOpenCvRunner(const PlatformConfig& config) { return std::make_unique<OpenCvRunner>(config); }

}  // namespace acesniper
