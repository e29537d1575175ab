// libFuzzer driver for everything the extender decodes from outside: ExtenderArgs (the request
// body), the pod's acesniper.io annotations inside it, node HRM annotations, and the encoders
// that echo what was decoded. Any crash, leak, sanitizer report or uncaught exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "acesniper/kube/annotations.h"
#include "wire/extender_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acesniper;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  Result<extender::ExtenderArgs> args = extender::ParseExtenderArgs(std::string(body));
  if (!args.ok()) {
    (void)extender::EncodeFilterError(args.status().message());
    return 0;
  }
  (void)kube::ParseInferenceRequest(args->pod.annotations);
  extender::FilterResult r;
  r.nodes_mode = args->nodes.has_value();
  r.args = &*args;
  if (args->nodes) {
    for (const extender::NodeInfo& n : *args->nodes) {
      (void)kube::ParseNodeHrm(n.annotations);
      (void)kube::ParseNodeBandwidth(n.annotations, 125);
      r.nodes.push_back(&n);
      r.failed[n.name] = n.name;
    }
  }
  if (args->node_names) r.node_names = *args->node_names;
  (void)extender::EncodeFilterResult(r);
  return 0;
}
