#ifndef C_PENNES_REFERENCE_H
#define C_PENNES_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Scalar coefficients of one uniform row class (mirrors PennesOperator.UniformCoefficients).
typedef struct PennesUniform {
    float conductance;
    float inverseHeatCapacity;
    float perfusion;
    float baseSource;
} PennesUniform;

/// Everything pennes_step_c needs, all on the same padded layout as AblationKernels.PaddedLayout:
/// voxel (i, j, k) lives at (i + 1) + (j + 1) * strideY + (k + 1) * strideZ.
typedef struct PennesArgs {
    const float *temperature;        ///< T (read)
    float *destination;              ///< T' (written, interior voxels only)
    const float *gx, *gy, *gz;       ///< face conductances on the + side of each voxel
    const float *inverseHeatCapacity;
    const float *perfusion;
    const float *baseSource;
    const float *externalSource;     ///< q
    const int32_t *rowClass;         ///< per interior row: index into `uniform`, or -1 (general row)
    const uint8_t *rowHasSource;     ///< per interior row: 1 when q != 0 somewhere in the row
    const PennesUniform *uniform;    ///< uniform coefficient table
    ptrdiff_t nx, ny, nz;
    ptrdiff_t strideY, strideZ;
    float dt;
} PennesArgs;

/// One explicit Pennes step for interior planes k in [k_begin, k_end): the same algorithm as
/// PennesOperator.step (uniform rows from scalar coefficients, general rows from the full arrays),
/// written as plain scalar loops for the C compiler to vectorise.
void pennes_step_c(const PennesArgs *args, int k_begin, int k_end);

/// STREAM triad a[i] = b[i] + s * c[i] for i in [0, n).
void triad_c(float *a, const float *b, const float *c, float s, size_t n);

/// The widest x86 vector extension this file was compiled for ("AVX-512F", "AVX2+FMA", ...),
/// so that reports can show which ISA the C side used.
const char *c_reference_isa(void);

#ifdef __cplusplus
}
#endif

#endif
