# syntax=docker/dockerfile:1
# Multi-stage build from Debian 12 packages only. Today it builds the `acesniper` CLI; the
# extender and node-agent targets are added with issues #6 and #7.
#   docker build --target acesniper -t acesniper:dev .
# arm64 (Jetson): the same file builds natively on an arm64 host or with
#   docker buildx build --platform linux/arm64 --target acesniper .
# because every dependency is a Debian package available for arm64.

FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake ninja-build pkg-config libtorch-dev libonnx-dev libprotobuf-dev \
      libopencv-dnn-dev libssl-dev nlohmann-json3-dev libcli11-dev catch2 libeigen3-dev zlib1g-dev libyaml-cpp-dev libglpk-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY predictor predictor
COPY test test
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DACESNIPER_BUILD_TESTS=OFF \
 && cmake --build /build --target acesniper

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
