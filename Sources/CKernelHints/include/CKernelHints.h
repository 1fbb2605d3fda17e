#ifndef CKERNELHINTS_H
#define CKERNELHINTS_H
// Cache hints the Swift kernels cannot spell: inlined into the Swift loops by the optimiser.
static inline __attribute__((always_inline)) void ablsim_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }
static inline __attribute__((always_inline)) void ablsim_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }
#endif
