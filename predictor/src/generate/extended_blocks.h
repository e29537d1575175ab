// Internal to the generator: the blocks of the extended space (docs/generator.md), which Table IV
// lacks and the zoo is built from.
#pragma once

#include <cstdint>

#include "graph_builder.h"

namespace acesniper::generate_internal {

// Inverted residual (MobileNetV2/V3, EfficientNet): 1x1 expansion (x1, 3, 4 or 6), a depthwise
// or grouped kxk convolution that takes the stride, squeeze-and-excitation half the time, a 1x1
// projection to out_ch, batch norm after each convolution, and a residual add when the shapes
// agree. One activation per block: ReLU, ReLU6, SiLU or hard swish.
Result<int> InvertedResidualBlock(GraphBuilder& b, int x, int64_t out_ch, int64_t stride);

// Pre-norm transformer encoder block (ViT) on the H*W positions as tokens: layer norm, q/k/v
// projections, multi-head scaled dot-product attention (1-8 heads), output projection and
// residual; layer norm, MLP (ratio 2 or 4, GELU) and residual; back to N,C,H,W. Keeps the shape.
Result<int> AttentionBlock(GraphBuilder& b, int x);

}  // namespace acesniper::generate_internal
