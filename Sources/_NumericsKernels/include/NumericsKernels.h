/*
 * _NumericsKernels: whole-array exp and log for Numerics' VectorMath, and the row
 * products of BLAS.rowBlockPass.
 *
 * An underscored target with no stable API (as swift-numerics' C shims): only the
 * Numerics target and its tests call it. Each kernel exists in up to three builds of the
 * same C source: the x86-64 baseline (SSE2), AVX2+FMA and AVX-512F; on other
 * architectures only the baseline. The first call picks the widest build the CPU and the
 * operating system support (__builtin_cpu_supports) and caches the choice.
 *
 * Every build computes the same branch-free algorithm (fdlibm's, see NumericsKernels.c)
 * and has error < 1 ulp; the builds may differ from each other in the last bit where
 * the AVX builds contract a multiply-add into one FMA.
 */
#ifndef NUMERICS_KERNELS_H
#define NUMERICS_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel builds, narrowest first. */
enum {
  NK_LEVEL_BASELINE = 0, /* the target's baseline (SSE2 on x86-64) */
  NK_LEVEL_AVX2 = 1,     /* AVX2 + FMA, four doubles per instruction */
  NK_LEVEL_AVX512 = 2    /* AVX-512F, eight doubles per instruction */
};

/* y[i] = exp(x[i]) for i < n. x and y are either disjoint or the same array. */
void nk_exp(const double *x, double *y, size_t n);

/* y[i] = log(x[i]) for i < n. x and y are either disjoint or the same array. */
void nk_log(const double *x, double *y, size_t n);

/* z[i] = sum_j x[i*cols + j] w[j] for i < rows, with the same eight partial sums in
 * every build (bit-identical results on every build and thread count). */
void nk_rows_dot(const double *x, size_t rows, size_t cols, const double *w, double *z);

/* g[j] += sum_i r[i] x[i*cols + j], the rows added one at a time in order (identical in
 * every build). g must not overlap x. */
void nk_rows_axpy(const double *x, size_t rows, size_t cols, const double *r, double *g);

/* The build the kernels run: one of the NK_LEVEL_ values. */
int nk_level(void);

/* For tests: forces the build `level` for all later calls in the process and returns
 * `level`, or returns -1 and changes nothing if this CPU or compiler cannot run it.
 * A negative `level` returns to automatic choice and returns the level chosen. */
int nk_set_level(int level);

#ifdef __cplusplus
}
#endif

#endif
