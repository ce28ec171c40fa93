/*
 * Branch-free exp and log over arrays, compiled for several vector widths and chosen at
 * run time. See include/NumericsKernels.h for the interface.
 *
 * The loops are plain C that the compiler auto-vectorises: each element goes through the
 * same straight-line arithmetic, special inputs are handled by selects, and doubles are
 * reinterpreted as 64-bit integers with memcpy (which vectorises to nothing). The same
 * loop is compiled three times on x86-64: at the baseline (SSE2: 2 doubles per
 * instruction), with __attribute__((target("avx2,fma"))) (4) and with
 * __attribute__((target("avx512f"))) (8). No build flags are needed; -ffast-math is not
 * used, so every build keeps IEEE semantics (the AVX builds may contract a*b + c into
 * one FMA, as C's default FP_CONTRACT allows, which only removes a rounding).
 */
#include "NumericsKernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target)
#define NK_X86_DISPATCH 1
#endif
#endif

#if defined(__clang__)
/* x and y are disjoint or identical: element i is read before element i is written, so
 * no iteration depends on another and the loop is safe to vectorise without the run-time
 * overlap check (which would send the in-place case to scalar code). */
#define NK_INDEPENDENT _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define NK_INDEPENDENT _Pragma("GCC ivdep")
#else
#define NK_INDEPENDENT
#endif

#define NK_INLINE static inline __attribute__((always_inline))

NK_INLINE uint64_t nk_bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

NK_INLINE double nk_double(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* 1.5 * 2^52: adding it to a double of magnitude < 2^51 rounds that double to the
 * nearest integer k and leaves k, in two's complement, in the low bits of the sum. */
static const double nk_shifter = 0x1.8p52;

/*
 * e^x for one double, branch-free.
 *
 * Method: Cody-Waite range reduction with a rational Remez approximation, as in fdlibm's
 * e_exp.c (Sun Microsystems 1993; after W. J. Cody and W. Waite, Software Manual for the
 * Elementary Functions, 1980, ch. 6; see also J.-M. Muller, Elementary Functions, 3rd
 * ed., sec. 11.2, and P. T. P. Tang, ACM TOMS 15 (1989) 144):
 *
 * 1. x = k ln2 + r, |r| <= ln2/2, with k = round(x/ln2) by the shifter trick and
 *    r = (x - k ln2hi) - k ln2lo; ln2hi has 32 significant bits, so k ln2hi is exact for
 *    |k| < 2^11 and the first subtraction is exact (Sterbenz).
 * 2. e^r = 1 + r + r c/(2 - c) with c = r - r^2 P(r^2), P fdlibm's degree-5 Remez
 *    polynomial (approximation error < 2^-59), evaluated as 1 - ((lo - r c/(2 - c)) - hi)
 *    to keep the low part of r.
 * 3. e^x = e^r 2^k1 2^k2 with k1 = floor(k/2), k2 = k - k1, each power built from its
 *    exponent bits. Two factors reach every k in [-1077, 1025], so results that overflow
 *    become +inf and results in the subnormal range are rounded once, by the last
 *    multiplication.
 *
 * x is first clamped to [-746, 710], which keeps k small and sends every x beyond the
 * thresholds (709.78..., -745.13...) and +-inf to +inf and +0. NaN fails both
 * comparisons, passes the clamp and propagates through the arithmetic. Error < 1 ulp
 * (fdlibm's bound; the tests measure <= 1 ulp against glibc on every build).
 */
NK_INLINE double nk_exp1(double x) {
  const double ln2hi = 6.93147180369123816490e-01; /* 0x3fe62e42fee00000 */
  const double ln2lo = 1.90821492927058770002e-10; /* 0x3dea39ef35793c76 */
  const double invln2 = 1.44269504088896338700e+00;
  const double p1 = 1.66666666666666019037e-01;
  const double p2 = -2.77777777770155933842e-03;
  const double p3 = 6.61375632143793436117e-05;
  const double p4 = -1.65339022054652515390e-06;
  const double p5 = 4.13813679705723846039e-08;

  double low = x < -746.0 ? -746.0 : x;
  double xc = low > 710.0 ? 710.0 : low;
  double shifted = xc * invln2 + nk_shifter;
  double kd = shifted - nk_shifter;
  double hi = xc - kd * ln2hi;
  double lo = kd * ln2lo;
  double r = hi - lo;
  double t = r * r;
  double c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))));
  double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);

  /* k in two's complement; k1 = floor(k/2) computed as ((k + 2048) >> 1) - 1024 with a
   * logical shift (SSE2 and AVX2 have no 64-bit arithmetic shift). */
  uint64_t k = nk_bits(shifted) - nk_bits(nk_shifter);
  uint64_t k1 = ((k + 2048) >> 1) - 1024;
  uint64_t k2 = k - k1;
  double scale1 = nk_double((k1 + 1023) << 52);
  double scale2 = nk_double((k2 + 1023) << 52);
  return y * scale1 * scale2;
}

/*
 * The natural logarithm of one double, branch-free.
 *
 * Method: fdlibm's e_log.c (Sun Microsystems 1993; Muller, Elementary Functions, 3rd
 * ed., sec. 11.3; Cody & Waite 1980, ch. 5):
 *
 * 1. x = 2^e m with m in [sqrt(2)/2, sqrt(2)), by integer arithmetic on the bit pattern
 *    (subtracting the bits of sqrt(2)/2 moves the binade boundary to sqrt(2)/2).
 *    Subnormal x is first multiplied by 2^54 (exact) and e corrected by -54.
 * 2. With f = m - 1 and s = f/(2 + f) (so |s| <= 0.1716),
 *    log(m) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R(s^2)), R fdlibm's degree-7 Remez
 *    polynomial in s^2 (approximation error < 2^-58.45).
 * 3. log x = e ln2hi - ((f^2/2 - (s (f^2/2 + R) + e ln2lo)) - f); e ln2hi is exact.
 *
 * Special inputs by select: +-0 -> -inf, x < 0 and NaN -> NaN, +inf -> +inf. log(1) is
 * +0 exactly. Error < 1 ulp (fdlibm's bound; the tests measure <= 1 ulp against glibc
 * on every build).
 */
NK_INLINE double nk_log1(double x) {
  const double ln2hi = 6.93147180369123816490e-01; /* 0x3fe62e42fee00000 */
  const double ln2lo = 1.90821492927058770002e-10; /* 0x3dea39ef35793c76 */
  const double lg1 = 6.666666666666735130e-01;
  const double lg2 = 3.999999999940941908e-01;
  const double lg3 = 2.857142874366239149e-01;
  const double lg4 = 2.222219843214978396e-01;
  const double lg5 = 1.818357216161805012e-01;
  const double lg6 = 1.531383769920937332e-01;
  const double lg7 = 1.479819860511658591e-01;
  const uint64_t sqrt_half_bits = 0x3fe6a09e667f3bcdULL;
  const double two52 = 0x1p52;

  int subnormal = x < 0x1p-1022;
  double xs = subnormal ? x * 0x1p54 : x;
  uint64_t bits = nk_bits(xs);
  uint64_t tmp = bits - sqrt_half_bits;
  /* e + 2048 from the top 12 bits of tmp, read as a signed field without an arithmetic
   * shift, then converted to double exactly by the 2^52 bit trick. */
  uint64_t e_biased = (tmp + (UINT64_C(1) << 63)) >> 52;
  double e_raw = nk_double(nk_bits(two52) | e_biased) - (two52 + 2048.0);
  double e = subnormal ? e_raw - 54.0 : e_raw;
  double m = nk_double(bits - (tmp & UINT64_C(0xfff0000000000000)));

  double f = m - 1.0;
  double s = f / (2.0 + f);
  double z = s * s;
  double w = z * z;
  double t1 = w * (lg2 + w * (lg4 + w * lg6));
  double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  double r = t2 + t1;
  double hfsq = 0.5 * f * f;
  double y = e * ln2hi - ((hfsq - (s * (hfsq + r) + e * ln2lo)) - f);

  double finite = x > 0 ? y : (x == 0 ? -INFINITY : NAN);
  return x == INFINITY ? x : finite;
}

/* One build of both loops; `attributes` selects the instruction set. */
#define NK_DEFINE_LOOPS(suffix, attributes)                                       \
  attributes static void nk_exp_##suffix(const double *x, double *y, size_t n) { \
    NK_INDEPENDENT                                                                \
    for (size_t i = 0; i < n; i++) y[i] = nk_exp1(x[i]);                         \
  }                                                                               \
  attributes static void nk_log_##suffix(const double *x, double *y, size_t n) { \
    NK_INDEPENDENT                                                                \
    for (size_t i = 0; i < n; i++) y[i] = nk_log1(x[i]);                         \
  }

NK_DEFINE_LOOPS(baseline, )

#if NK_X86_DISPATCH
NK_DEFINE_LOOPS(avx2, __attribute__((target("avx2,fma"))))
#if defined(__clang__)
/* min_vector_width(512): let the vectoriser use zmm registers, not only ymm. */
NK_DEFINE_LOOPS(avx512, __attribute__((target("avx512f"), min_vector_width(512))))
#else
NK_DEFINE_LOOPS(avx512, __attribute__((target("avx512f"))))
#endif
#endif

/* The widest build this CPU and its operating system can run (__builtin_cpu_supports
 * also checks that the OS saves the ymm/zmm state). */
static int nk_detect(void) {
#if NK_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return NK_LEVEL_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return NK_LEVEL_AVX2;
#endif
  return NK_LEVEL_BASELINE;
}

/* The chosen level, or -1 before the first call. Detection is idempotent, so two
 * threads that race on the first call both store the same value. */
static _Atomic int nk_selected = -1;

int nk_level(void) {
  int level = atomic_load_explicit(&nk_selected, memory_order_relaxed);
  if (level < 0) {
    level = nk_detect();
    atomic_store_explicit(&nk_selected, level, memory_order_relaxed);
  }
  return level;
}

int nk_set_level(int level) {
  if (level < 0) {
    level = nk_detect();
  } else if (level > nk_detect()) {
    return -1;
  }
  atomic_store_explicit(&nk_selected, level, memory_order_relaxed);
  return level;
}

void nk_exp(const double *x, double *y, size_t n) {
  switch (nk_level()) {
#if NK_X86_DISPATCH
    case NK_LEVEL_AVX512: nk_exp_avx512(x, y, n); return;
    case NK_LEVEL_AVX2: nk_exp_avx2(x, y, n); return;
#endif
    default: nk_exp_baseline(x, y, n); return;
  }
}

void nk_log(const double *x, double *y, size_t n) {
  switch (nk_level()) {
#if NK_X86_DISPATCH
    case NK_LEVEL_AVX512: nk_log_avx512(x, y, n); return;
    case NK_LEVEL_AVX2: nk_log_avx2(x, y, n); return;
#endif
    default: nk_log_baseline(x, y, n); return;
  }
}

/*
 * Row products for BLAS.rowBlockPass: z[i] = x_i . w and g += sum_i r[i] x_i over the rows
 * x_i of a row-major block (rows x cols, row stride cols).
 *
 * Every build computes exactly the same sums in the same order, so the results do not
 * depend on the build nor on any thread count: each dot product keeps eight partial sums
 * (lane j mod 8), added as ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)) and then the
 * tail in order; the row update adds the rows one at a time, in row order. Multiply-adds
 * are not contracted into FMA (FP_CONTRACT off), which would round differently in the
 * builds that have FMA. The eight-lane form vectorises to one zmm, two ymm or four xmm
 * accumulators.
 */
#if defined(__clang__)
#define NK_NO_CONTRACT _Pragma("clang fp contract(off)")
#else
#define NK_NO_CONTRACT _Pragma("STDC FP_CONTRACT OFF")
#endif

NK_INLINE double nk_dot8(const double *a, const double *b, size_t n) {
  NK_NO_CONTRACT
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) s[l] += a[j + l] * b[j + l];
  }
  double total = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
  for (; j < n; j++) total += a[j] * b[j];
  return total;
}

/* nk_dot8 for four rows at once (row stride n): the same lanes and the same order per
 * row, so the same results, with four independent accumulators and w read once. */
NK_INLINE void nk_dot8x4(const double *x, size_t n, const double *w, double *z) {
  NK_NO_CONTRACT
  double s0[8] = {0, 0, 0, 0, 0, 0, 0, 0}, s1[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  double s2[8] = {0, 0, 0, 0, 0, 0, 0, 0}, s3[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const double *x1 = x + n, *x2 = x + 2 * n, *x3 = x + 3 * n;
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) {
      double wl = w[j + l];
      s0[l] += x[j + l] * wl;
      s1[l] += x1[j + l] * wl;
      s2[l] += x2[j + l] * wl;
      s3[l] += x3[j + l] * wl;
    }
  }
  double *sums[4] = {s0, s1, s2, s3};
  const double *rows[4] = {x, x1, x2, x3};
  for (int r = 0; r < 4; r++) {
    double *t = sums[r];
    double total = ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
    for (size_t k = j; k < n; k++) total += rows[r][k] * w[k];
    z[r] = total;
  }
}

#define NK_DEFINE_ROWS(suffix, attributes)                                               \
  attributes static void nk_rows_dot_##suffix(const double *x, size_t rows, size_t cols, \
                                              const double *w, double *z) {              \
    size_t i = 0;                                                                        \
    for (; i + 4 <= rows; i += 4) nk_dot8x4(x + i * cols, cols, w, z + i);              \
    for (; i < rows; i++) z[i] = nk_dot8(x + i * cols, w, cols);                         \
  }                                                                                      \
  attributes static void nk_rows_axpy_##suffix(const double *x, size_t rows, size_t cols, \
                                               const double *r, double *g) {             \
    NK_NO_CONTRACT                                                                       \
    for (size_t i = 0; i < rows; i++) {                                                  \
      const double *row = x + i * cols;                                                  \
      const double a = r[i];                                                             \
      NK_INDEPENDENT                                                                     \
      for (size_t j = 0; j < cols; j++) g[j] += a * row[j];                              \
    }                                                                                    \
  }

NK_DEFINE_ROWS(baseline, )

#if NK_X86_DISPATCH
NK_DEFINE_ROWS(avx2, __attribute__((target("avx2,fma"))))
#if defined(__clang__)
NK_DEFINE_ROWS(avx512, __attribute__((target("avx512f"), min_vector_width(512))))
#else
NK_DEFINE_ROWS(avx512, __attribute__((target("avx512f"))))
#endif
#endif

void nk_rows_dot(const double *x, size_t rows, size_t cols, const double *w, double *z) {
  switch (nk_level()) {
#if NK_X86_DISPATCH
    case NK_LEVEL_AVX512: nk_rows_dot_avx512(x, rows, cols, w, z); return;
    case NK_LEVEL_AVX2: nk_rows_dot_avx2(x, rows, cols, w, z); return;
#endif
    default: nk_rows_dot_baseline(x, rows, cols, w, z); return;
  }
}

void nk_rows_axpy(const double *x, size_t rows, size_t cols, const double *r, double *g) {
  switch (nk_level()) {
#if NK_X86_DISPATCH
    case NK_LEVEL_AVX512: nk_rows_axpy_avx512(x, rows, cols, r, g); return;
    case NK_LEVEL_AVX2: nk_rows_axpy_avx2(x, rows, cols, r, g); return;
#endif
    default: nk_rows_axpy_baseline(x, rows, cols, r, g); return;
  }
}
