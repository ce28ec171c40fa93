import Foundation
import _NumericsKernels

/// Whole-array elementary functions over `Vector` and over raw buffers.
///
/// Every function comes in two forms: `f(_ x: Vector) -> Vector`, which allocates the
/// result, and `f(_ x: UnsafeBufferPointer<Double>, into: UnsafeMutableBufferPointer<Double>)`,
/// which writes into caller-owned storage of the same length (the two may be the same
/// memory: each element is read before it is written). A length mismatch throws
/// `NumericsError.shapeMismatch` naming the function and both lengths.
///
/// `exp` and `log` run the branch-free polynomial kernels of the C target
/// `_NumericsKernels` (fdlibm's algorithms; see `NumericsKernels.c` for the maths and
/// sources). That target compiles each kernel for the x86-64 baseline (SSE2, two doubles
/// per instruction), for AVX2+FMA (four) and for AVX-512F (eight), and picks the widest
/// one the CPU supports at first use; on other architectures it runs the one portable
/// build. Special inputs (±0, subnormals, ±∞, NaN, overflow and underflow) are handled by
/// selects inside the same loop, with no scalar fallback. Their error bound is < 1 ulp
/// (fdlibm's); measured, every build differs from glibc's `exp`/`log` by at most 1 ulp
/// over the whole double range, and the tests assert ≤ 2 ulp on each build. `sqrt`
/// (`sqrtpd`) and `abs` (`andpd`) vectorise to single instructions and are exact.
///
/// `sumExp` and `sumExpTimes` fuse `exp` with the sum that follows it (`Σ eˣⁱ`,
/// `Σ eˣⁱ yᵢ`), block by block, so no result vector is allocated.
///
/// Results of 4 MiB or more are allocated with a transparent-huge-page hint (Linux), which
/// makes writing a fresh 80 MB result about 0.02 s cheaper; see `adviseHugePages`.
///
/// `expm1`, `log1p`, `sin`, `cos` and `tanh` are loops over the C library's scalar
/// functions (glibc: < 1 ulp). They are correct on the whole double range including
/// special values, but not vectorised: they cost about the same per element as a
/// `map` over `Foundation`'s functions, without the closure.
public enum VectorMath {
  /// The build of the `exp`/`log` kernels this process runs, as `BLAS.backend` names
  /// OpenBLAS's: `"AVX-512F"`, `"AVX2+FMA"` or `"baseline"` (SSE2 on x86-64).
  public static var kernelBuild: String {
    switch Int(nk_level()) {
    case NK_LEVEL_AVX512: "AVX-512F"
    case NK_LEVEL_AVX2: "AVX2+FMA"
    default: "baseline"
    }
  }

  // MARK: - Vector forms

  /// `eˣ` elementwise (SIMD kernel, `nk_exp`). Error < 1 ulp.
  public static func exp(_ x: Vector) -> Vector { map(x, kernel: nk_exp) }
  /// The natural logarithm elementwise (SIMD kernel, `nk_log`). Error < 1 ulp; NaN for
  /// x < 0.
  public static func log(_ x: Vector) -> Vector { map(x, kernel: nk_log) }
  /// `eˣ − 1` elementwise, accurate near 0 (scalar libm `expm1`).
  public static func expm1(_ x: Vector) -> Vector { map(x) { Foundation.expm1($0) } }
  /// `log(1 + x)` elementwise, accurate near 0 (scalar libm `log1p`); NaN for x < −1.
  public static func log1p(_ x: Vector) -> Vector { map(x) { Foundation.log1p($0) } }
  /// The sine elementwise (scalar libm `sin`, with its full-range argument reduction).
  public static func sin(_ x: Vector) -> Vector { map(x) { Foundation.sin($0) } }
  /// The cosine elementwise (scalar libm `cos`, with its full-range argument reduction).
  public static func cos(_ x: Vector) -> Vector { map(x) { Foundation.cos($0) } }
  /// The hyperbolic tangent elementwise (scalar libm `tanh`).
  public static func tanh(_ x: Vector) -> Vector { map(x) { Foundation.tanh($0) } }
  /// The correctly rounded square root elementwise (IEEE 754 `sqrt`); NaN for x < 0.
  public static func sqrt(_ x: Vector) -> Vector { map(x) { $0.squareRoot() } }
  /// The absolute value elementwise (clears the sign bit; exact).
  public static func abs(_ x: Vector) -> Vector { map(x) { $0.magnitude } }
  /// `f` applied to each element: the fallback for functions with no kernel here.
  public static func apply(_ x: Vector, _ f: (Double) -> Double) -> Vector { map(x, f) }

  // MARK: - Buffer forms

  /// `eˣ` of each element of `x` into `out` (SIMD kernel, `nk_exp`).
  public static func exp(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("exp", x, out, kernel: nk_exp) }

  /// The natural logarithm of each element of `x` into `out` (SIMD kernel, `nk_log`).
  public static func log(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("log", x, out, kernel: nk_log) }

  /// `eˣ − 1` of each element of `x` into `out` (scalar libm `expm1`).
  public static func expm1(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("expm1", x, out) { Foundation.expm1($0) } }

  /// `log(1 + x)` of each element of `x` into `out` (scalar libm `log1p`).
  public static func log1p(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("log1p", x, out) { Foundation.log1p($0) } }

  /// The sine of each element of `x` into `out` (scalar libm `sin`).
  public static func sin(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("sin", x, out) { Foundation.sin($0) } }

  /// The cosine of each element of `x` into `out` (scalar libm `cos`).
  public static func cos(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("cos", x, out) { Foundation.cos($0) } }

  /// The hyperbolic tangent of each element of `x` into `out` (scalar libm `tanh`).
  public static func tanh(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("tanh", x, out) { Foundation.tanh($0) } }

  /// The square root of each element of `x` into `out` (IEEE 754, correctly rounded).
  public static func sqrt(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("sqrt", x, out) { $0.squareRoot() } }

  /// The absolute value of each element of `x` into `out` (exact).
  public static func abs(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>
  ) throws { try map("abs", x, out) { $0.magnitude } }

  /// `f` of each element of `x` into `out`.
  public static func apply(
    _ x: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
    _ f: (Double) -> Double
  ) throws { try map("apply", x, out, f) }

  // MARK: - Fused reductions

  /// `Σᵢ aᵢ bᵢ` without forming the product vector (BLAS `ddot`; see `BLAS.dot`).
  ///
  /// Lengths must agree, else `shapeMismatch(operation: "@", …)`; 0 for empty vectors.
  public static func sumOfProducts(_ a: Vector, _ b: Vector) throws -> Double {
    try BLAS.dot(a, b)
  }

  /// `Σᵢ eˣⁱ`, equal to `exp(x).sum()` without allocating `exp(x)`; 0 for an empty vector.
  ///
  /// `x` is cut into blocks of `fusedBlock` elements; each block goes through the SIMD
  /// `exp` kernel into one scratch buffer and is summed there by `Kernels.pairwiseSum`, and
  /// the block sums are combined as a balanced binary tree. The whole is therefore a
  /// pairwise summation (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
  /// §4.2): with terms `tᵢ = eˣⁱ` each within 1 ulp, the error is at most
  /// `(1 + ⌈log₂ n⌉ + 32) u Σ |tᵢ|` to first order (`u = 2⁻⁵³`; 32 bounds the linear
  /// accumulation inside a 128-element leaf), the same bound as `exp(x).sum()`. Overflow
  /// gives +∞, and a NaN element gives NaN, as in the unfused form.
  public static func sumExp(_ x: Vector) -> Double {
    x.elements.withUnsafeBufferPointer { fusedSum($0.baseAddress, nil, $0.count) }
  }

  /// `Σᵢ eˣⁱ yᵢ`, equal to `(exp(x) * y).sum()` without allocating either vector.
  ///
  /// Blockwise like `sumExp`: each block of `eˣⁱ` is multiplied by the matching `yᵢ` in the
  /// scratch buffer and summed pairwise, so the error is at most
  /// `(2 + ⌈log₂ n⌉ + 32) u Σ |eˣⁱ yᵢ|` to first order (one more rounding per term, for
  /// the product). Shapes follow the broadcasting of `*` (`Elementwise.apply`): equal
  /// lengths pair up; a length-1 operand multiplies every element of the other (`y₀ Σ eˣⁱ`
  /// or `e^x₀ Σ yᵢ`, with glibc's `exp` for the one scalar); any other pair of lengths
  /// throws `NumericsError.shapeMismatch(operation: "*", …)` with both lengths. A sum
  /// over zero terms is 0.
  public static func sumExpTimes(_ x: Vector, _ y: Vector) throws -> Double {
    switch (x.count, y.count) {
    case let (n, m) where n == m:
      return x.elements.withUnsafeBufferPointer { px in
        y.elements.withUnsafeBufferPointer { py in
          fusedSum(px.baseAddress, py.baseAddress, n)
        }
      }
    case (_, 1): return x.isEmpty ? 0 : y[0] * sumExp(x)
    case (1, _): return y.isEmpty ? 0 : Foundation.exp(x[0]) * y.sum()
    default: throw NumericsError.shapeMismatch(operation: "*", lhs: x.shape, rhs: y.shape)
    }
  }

  // MARK: - Loops

  /// Elements per block of the fused reductions: 32 KiB of scratch, which stays in the
  /// L1/L2 cache between the `exp` kernel writing it and the sum reading it.
  static let fusedBlock = 4096

  /// `Σ eˣⁱ` (`y == nil`) or `Σ eˣⁱ yᵢ` over `n` elements, blockwise in one scratch block
  /// (on the stack when the stack has room, else one heap allocation).
  private static func fusedSum(
    _ x: UnsafePointer<Double>?, _ y: UnsafePointer<Double>?, _ n: Int
  ) -> Double {
    guard let x, n > 0 else { return 0 }
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.min(n, fusedBlock)) {
      scratch in fusedTree(x, y, n, scratch.baseAddress.unsafelyUnwrapped)
    }
  }

  /// The tree of `fusedSum`: leaves are whole blocks (the last one may be shorter), so
  /// the split point is the multiple of `fusedBlock` nearest below n/2, at least one block.
  private static func fusedTree(
    _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>?, _ n: Int,
    _ scratch: UnsafeMutablePointer<Double>
  ) -> Double {
    if n <= fusedBlock {
      nk_exp(x, scratch, n)
      if let y { for i in 0..<n { scratch[i] *= y[i] } }
      return Kernels.pairwiseSum(UnsafeBufferPointer(start: scratch, count: n))
    }
    let half = Swift.max(fusedBlock, (n / 2) / fusedBlock * fusedBlock)
    let left = fusedTree(x, y, half, scratch)
    return left + fusedTree(x + half, y.map { $0 + half }, n - half, scratch)
  }

  /// A whole-array kernel of `_NumericsKernels`: `(x, y, n)` writes f(x[i]) to y[i].
  private typealias ArrayKernel = (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int) ->
    Void

  @inline(__always)
  private static func map(_ x: Vector, _ f: (Double) -> Double) -> Vector {
    let n = x.count
    return x.elements.withUnsafeBufferPointer { src in
      Vector(unsafeUninitializedCount: n) { dst in
        adviseHugePages(dst)
        loop(n, src.baseAddress, dst.baseAddress, f)
      }
    }
  }

  @inline(__always)
  private static func map(_ x: Vector, kernel: ArrayKernel) -> Vector {
    let n = x.count
    return x.elements.withUnsafeBufferPointer { src in
      Vector(unsafeUninitializedCount: n) { dst in
        adviseHugePages(dst)
        if n > 0 { kernel(src.baseAddress, dst.baseAddress, n) }
      }
    }
  }

  @inline(__always)
  private static func map(
    _ operation: String, _ x: UnsafeBufferPointer<Double>,
    _ out: UnsafeMutableBufferPointer<Double>, _ f: (Double) -> Double
  ) throws {
    guard x.count == out.count else {
      throw NumericsError.shapeMismatch(operation: operation, lhs: [x.count], rhs: [out.count])
    }
    loop(x.count, x.baseAddress, out.baseAddress, f)
  }

  @inline(__always)
  private static func map(
    _ operation: String, _ x: UnsafeBufferPointer<Double>,
    _ out: UnsafeMutableBufferPointer<Double>, kernel: ArrayKernel
  ) throws {
    guard x.count == out.count else {
      throw NumericsError.shapeMismatch(operation: operation, lhs: [x.count], rhs: [out.count])
    }
    if x.count > 0 { kernel(x.baseAddress, out.baseAddress, x.count) }
  }

  /// The one loop every scalar-function form runs: straight-line, so `f` inlines into it
  /// and, where `f` is a single instruction (`sqrt`, `abs`), the loop vectorises.
  @inline(__always)
  private static func loop(
    _ n: Int, _ src: UnsafePointer<Double>?, _ dst: UnsafeMutablePointer<Double>?,
    _ f: (Double) -> Double
  ) {
    guard n > 0, let src, let dst else { return }
    for i in 0..<n { dst[i] = f(src[i]) }
  }

  /// Asks Linux to back a large result buffer with transparent huge pages before it is
  /// first written, as numpy does for arrays of 4 MiB and more (`madvise(…,
  /// MADV_HUGEPAGE)` in numpy's `multiarray/alloc.c`). Writing 80 MB into fresh 4 KiB pages costs
  /// 20 000 page faults; with 2 MiB pages it costs 40. Only the page-aligned interior is
  /// advised, and the advice is only a hint: without THP support nothing changes.
  private static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
    #if canImport(Glibc)
      guard let base = buffer.baseAddress, buffer.count >= 1 << 19 else { return }
      let page = 4096
      let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
      let end = Int(bitPattern: base + buffer.count) & ~(page - 1)
      _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
    #endif
  }
}
