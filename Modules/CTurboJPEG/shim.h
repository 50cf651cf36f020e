#ifndef CTURBOJPEG_SHIM_H
#define CTURBOJPEG_SHIM_H
// libjpeg-turbo's TurboJPEG API (libturbojpeg0-dev, 2.1). Only Sources/PhotoCodec/JPEG.swift uses it.
#include <stddef.h>
#include <turbojpeg.h>

/// TJSCALED (a macro): a dimension scaled by a TurboJPEG scaling factor, rounded up as the decoder does.
static inline int cj_scaled(int dimension, tjscalingfactor factor) { return TJSCALED(dimension, factor); }
#endif
