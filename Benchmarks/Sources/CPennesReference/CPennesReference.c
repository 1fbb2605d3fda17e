// Plain-C twin of AblationKernels' PennesOperator.step, used only to judge how close the Swift
// SIMD kernel gets to what a C compiler makes of the same algorithm. Compiled with
// -O3 -march=haswell -ffp-contract=fast (see Package.swift); with ABLSIM_CPU=native the Swift
// kernel targets the build machine, and the C side should then be built with -march=native.
#include "CPennesReference.h"

// Uniform row: only T (and q when the row is heated) are streamed; coefficients are scalars.
// The arithmetic follows the Swift kernel term for term:
//   nb  = (T[-1] + T[+1]) + (T[-sy] + T[+sy]) + (T[-sz] + T[+sz])
//   rhs = (s0 [+ q]) - w c + g (nb - 6 c)
//   T'  = c + (dt a) rhs
static inline void uniform_row(float *restrict out, const float *restrict t,
                               const float *restrict q, ptrdiff_t n, ptrdiff_t sy, ptrdiff_t sz,
                               float g, float dta, float w, float s0) {
    if (q) {
        for (ptrdiff_t i = 0; i < n; i++) {
            const float c = t[i];
            const float nb = (t[i - 1] + t[i + 1]) + (t[i - sy] + t[i + sy]) + (t[i - sz] + t[i + sz]);
            float rhs = (s0 + q[i]) - w * c;
            rhs = rhs + g * (nb - 6.0f * c);
            out[i] = c + dta * rhs;
        }
    } else {
        for (ptrdiff_t i = 0; i < n; i++) {
            const float c = t[i];
            const float nb = (t[i - 1] + t[i + 1]) + (t[i - sy] + t[i + sy]) + (t[i - sz] + t[i + sz]);
            float rhs = s0 - w * c;
            rhs = rhs + g * (nb - 6.0f * c);
            out[i] = c + dta * rhs;
        }
    }
}

// General row: every coefficient comes from its array (7 coefficient streams).
static inline void general_row(float *restrict out, const float *restrict t,
                               const float *restrict gx, const float *restrict gy,
                               const float *restrict gz, const float *restrict a,
                               const float *restrict w, const float *restrict s0,
                               const float *restrict q, ptrdiff_t n, ptrdiff_t sy, ptrdiff_t sz,
                               float dt) {
    for (ptrdiff_t i = 0; i < n; i++) {
        const float c = t[i];
        float flux = gx[i] * (t[i + 1] - c);
        flux += gx[i - 1] * (t[i - 1] - c);
        flux += gy[i] * (t[i + sy] - c);
        flux += gy[i - sy] * (t[i - sy] - c);
        flux += gz[i] * (t[i + sz] - c);
        flux += gz[i - sz] * (t[i - sz] - c);
        const float rhs = (flux + s0[i] + q[i]) - w[i] * c;
        out[i] = c + (dt * a[i]) * rhs;
    }
}

void pennes_step_c(const PennesArgs *args, int k_begin, int k_end) {
    const ptrdiff_t nx = args->nx, ny = args->ny;
    const ptrdiff_t sy = args->strideY, sz = args->strideZ;
    const float dt = args->dt;
    for (ptrdiff_t k = k_begin; k < k_end; k++) {
        for (ptrdiff_t j = 0; j < ny; j++) {
            const ptrdiff_t row = j + ny * k;
            const ptrdiff_t base = 1 + (j + 1) * sy + (k + 1) * sz;
            const int32_t cls = args->rowClass[row];
            if (cls >= 0) {
                const PennesUniform u = args->uniform[cls];
                uniform_row(args->destination + base, args->temperature + base,
                            args->rowHasSource[row] ? args->externalSource + base : NULL,
                            nx, sy, sz, u.conductance, dt * u.inverseHeatCapacity,
                            u.perfusion, u.baseSource);
            } else {
                general_row(args->destination + base, args->temperature + base,
                            args->gx + base, args->gy + base, args->gz + base,
                            args->inverseHeatCapacity + base, args->perfusion + base,
                            args->baseSource + base, args->externalSource + base,
                            nx, sy, sz, dt);
            }
        }
    }
}

void triad_c(float *restrict a, const float *restrict b, const float *restrict c, float s, size_t n) {
    for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

const char *c_reference_isa(void) {
#if defined(__AVX512F__)
    return "AVX-512F";
#elif defined(__AVX2__) && defined(__FMA__)
    return "AVX2+FMA";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE2__)
    return "SSE2";
#else
    return "scalar/other";
#endif
}
