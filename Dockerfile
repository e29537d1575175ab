# syntax=docker/dockerfile:1
# Multi-stage build from Debian 12 packages only: the `acesniper` CLI, the scheduler extender and
# the node agent. Every image runs as a non-root user (uid 65532).
#   docker build --target acesniper -t acesniper:dev .
#   docker build --target extender -t acesniper-extender:dev .
#   docker build --target device-plugin -t acesniper-device-plugin:dev .
# arm64 (Jetson): the same file builds natively on an arm64 host or with
#   docker buildx build --platform linux/arm64 --target acesniper .
# because every dependency is a Debian package available for arm64.

FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake ninja-build pkg-config libtorch-dev libonnx-dev libprotobuf-dev \
      libopencv-dnn-dev libssl-dev nlohmann-json3-dev libcli11-dev catch2 libeigen3-dev zlib1g-dev libyaml-cpp-dev libglpk-dev libboost-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY predictor predictor
COPY kube kube
COPY extender extender
COPY device-plugin device-plugin
COPY test test
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DACESNIPER_BUILD_TESTS=OFF \
 && cmake --build /build --target acesniper acesniper-extender acesniper-device-plugin

FROM debian:12 AS runtime-base
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libtorch1.13 libonnx1 libprotobuf32 libopencv-dnn406 libssl3 \
      libopenblas0-pthread libblas3 liblapack3 libyaml-cpp0.7 libglpk40 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --no-create-home acesniper
LABEL org.opencontainers.image.description="Ace-Sniper DNN latency prediction (CLI)" \
      org.opencontainers.image.title="acesniper" \
      org.opencontainers.image.licenses="Apache-2.0"

FROM runtime-base AS acesniper
COPY --from=build /build/bin/acesniper /usr/local/bin/acesniper
USER 65532
ENTRYPOINT ["/usr/local/bin/acesniper"]

# The extender links no LibTorch and no OpenCV (the model predicts through Eigen); `ldd` lists
# only zlib, yaml-cpp, OpenSSL and the C++ runtime: a small image.
FROM debian:12 AS extender
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libssl3 libyaml-cpp0.7 zlib1g && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --no-create-home acesniper
LABEL org.opencontainers.image.description="Ace-Sniper kube-scheduler extender" \
      org.opencontainers.image.title="acesniper-extender" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /build/bin/acesniper-extender /usr/local/bin/acesniper-extender
# Embedded defaults; the chart mounts the trained model and catalogue from a ConfigMap over them.
COPY models/default/latency-model.json models/default/catalogue.json /etc/acesniper/model/
USER 65532
EXPOSE 8888
ENTRYPOINT ["/usr/local/bin/acesniper-extender"]

# The node agent (DaemonSet): acesniper-device-plugin plus `acesniper`, its measuring worker
# (LibTorch, OpenCV DNN, the exec runner). On a Jetson or Cambricon node, mount the vendor tool
# (trtexec, cnrt tools) and a platforms file with its exec platform; the chart does both.
# State (the resumable benchmark store and the last vector) lives in /var/lib/acesniper, a
# hostPath the chart mounts, so a restarted pod neither re-measures nor loses an unpublished vector.
FROM runtime-base AS device-plugin
LABEL org.opencontainers.image.description="Ace-Sniper node agent: benchmarks the node, publishes its HRM vector" \
      org.opencontainers.image.title="acesniper-device-plugin"
COPY --from=build /build/bin/acesniper /usr/local/bin/acesniper
COPY --from=build /build/bin/acesniper-device-plugin /usr/local/bin/acesniper-device-plugin
COPY models/default/latency-model.json /etc/acesniper/model/
COPY device-plugin/config/example.yaml /etc/acesniper/agent.yaml
RUN mkdir -p /var/lib/acesniper && chown 65532 /var/lib/acesniper
USER 65532
ENTRYPOINT ["/usr/local/bin/acesniper-device-plugin", "--config", "/etc/acesniper/agent.yaml"]
