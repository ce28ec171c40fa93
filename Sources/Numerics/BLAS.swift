import CLapack

/// Level 1–3 BLAS products over `Vector` and row-major `Matrix`, through OpenBLAS's CBLAS.
///
/// Every routine passes `CblasRowMajor`, so `Matrix.elements` goes to BLAS as it is, with
/// no copy or transpose. Shapes are checked before any C call; a mismatch throws
/// `NumericsError.shapeMismatch(operation: "@", …)` naming both operand shapes (as used,
/// that is after any requested transpose). Empty dimensions are answered in Swift without
/// calling BLAS, whose leading dimensions must be at least 1.
///
/// Non-finite entries propagate by IEEE arithmetic, as they do through the elementwise
/// operators: a NaN in gives NaN out where it is used, never a silent finite answer.
/// (The LAPACK wrappers in `LinearAlgebra` reject them instead, since LAPACK's
/// behaviour on NaN is unspecified.) Results match the exact product to within the
/// usual BLAS bound of about `k · ε · Σ|aᵢₗ||bₗⱼ|` per entry (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, 2nd ed., §3.5).
public enum BLAS {
  /// The BLAS library in use, as OpenBLAS describes itself: build configuration and the
  /// kernel chosen for this processor (e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH … (SkylakeX)`).
  public static var backend: String {
    let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
    let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    return "\(config) (kernel \(core))"
  }

  /// The matrix product `alpha · op(A) · op(B)` (`dgemm`), with `op(X)` = `Xᵀ` when the
  /// corresponding `trans` flag is set and `X` otherwise.
  ///
  /// `op(A)` must be `m × k` and `op(B)` `k × n`; the result is `m × n`. When `k == 0` the
  /// result is the `m × n` zero matrix (an empty sum).
  public static func gemm(
    _ a: Matrix, _ b: Matrix, transA: Bool = false, transB: Bool = false, alpha: Double = 1
  ) throws -> Matrix {
    let (m, k) = transA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transB ? (b.cols, b.rows) : (b.rows, b.cols)
    guard k == kb else {
      throw NumericsError.shapeMismatch(operation: "@", lhs: [m, k], rhs: [kb, n])
    }
    try checkBLASSize([m, n, k], operation: "@")
    if m == 0 || n == 0 || k == 0 { return Matrix(rows: m, cols: n) }
    return a.elements.withUnsafeBufferPointer { pa in
      b.elements.withUnsafeBufferPointer { pb in
        Matrix(rows: m, cols: n) { out in
          cblas_dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(a.cols),
            pb.baseAddress, Int32(b.cols), 0, out.baseAddress, Int32(n))
        }
      }
    }
  }

  /// `C ← alpha · op(A) · op(B) + beta · C` (`dgemm`) into an existing `m × n` matrix, so
  /// loops that repeat a product of the same shape allocate nothing (a fresh large result
  /// per call is a fresh `mmap` and its page faults).
  ///
  /// Throws `shapeMismatch` when the inner dimensions differ or `C` is not `m × n`. With
  /// `beta == 0` the old contents of `C` are not read (BLAS semantics: even NaN is ignored).
  public static func gemm(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix, transA: Bool = false, transB: Bool = false,
    alpha: Double = 1, beta: Double = 0
  ) throws {
    let (m, k) = transA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transB ? (b.cols, b.rows) : (b.rows, b.cols)
    guard k == kb else {
      throw NumericsError.shapeMismatch(operation: "@", lhs: [m, k], rhs: [kb, n])
    }
    guard c.rows == m, c.cols == n else {
      throw NumericsError.shapeMismatch(operation: "gemm into", lhs: [m, n], rhs: c.shape)
    }
    try checkBLASSize([m, n, k], operation: "@")
    if m == 0 || n == 0 { return }
    if k == 0 {
      for e in 0..<c.elements.count { c.elements[e] = beta == 0 ? 0 : beta * c.elements[e] }
      return
    }
    a.elements.withUnsafeBufferPointer { pa in
      b.elements.withUnsafeBufferPointer { pb in
        c.elements.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(a.cols),
            pb.baseAddress, Int32(b.cols), beta, pc.baseAddress, Int32(n))
        }
      }
    }
  }

  /// `C ← alpha · op(A) · op(B) + beta · C` (`dgemm`) on blocks of row-major buffers
  /// addressed by pointer and leading dimension (`lda`, `ldb`, `ldc`: elements between
  /// consecutive rows), for in-place block updates inside a larger matrix (GPTQ's lazy
  /// column updates). `op(A)` is `m × k`, `op(B)` `k × n`, `C` `m × n`. Nothing is
  /// checked beyond the sizes: the caller guarantees that every block lies inside its
  /// buffer and that `C` overlaps neither `A` nor `B`. Does nothing when `m` or `n` is 0;
  /// with `k == 0`, scales `C` by `beta`.
  public static func gemmBlocks(
    m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
    transA: Bool = false, b: UnsafePointer<Double>, ldb: Int, transB: Bool = false,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) throws {
    try checkBLASSize([m, n, k, lda, ldb, ldc], operation: "gemm blocks")
    if m == 0 || n == 0 { return }
    if k == 0 {
      for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
      return
    }
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// The matrix–vector product `op(A) · x` (`dgemv`), with `op(A) = Aᵀ` when `transpose`.
  ///
  /// `op(A)` must be `m × n` and `x` of length `n`; the result has length `m` (zeros when
  /// `n == 0`).
  public static func gemv(_ a: Matrix, _ x: Vector, transpose: Bool = false) throws -> Vector {
    let (m, n) = transpose ? (a.cols, a.rows) : (a.rows, a.cols)
    guard x.count == n else {
      throw NumericsError.shapeMismatch(operation: "@", lhs: [m, n], rhs: x.shape)
    }
    try checkBLASSize([m, n], operation: "@")
    if m == 0 || n == 0 { return Vector(count: m) }
    return a.elements.withUnsafeBufferPointer { pa in
      x.elements.withUnsafeBufferPointer { px in
        Vector(unsafeUninitializedCount: m) { out in
          cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(a.rows), Int32(a.cols),
            1, pa.baseAddress, Int32(a.cols), px.baseAddress, 1, 0, out.baseAddress, 1)
        }
      }
    }
  }

  /// The inner product `Σᵢ xᵢ yᵢ` (`ddot`); 0 for empty vectors.
  public static func dot(_ x: Vector, _ y: Vector) throws -> Double {
    guard x.count == y.count else {
      throw NumericsError.shapeMismatch(operation: "@", lhs: x.shape, rhs: y.shape)
    }
    try checkBLASSize([x.count], operation: "@")
    if x.isEmpty { return 0 }
    return x.elements.withUnsafeBufferPointer { px in
      y.elements.withUnsafeBufferPointer { py in
        cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1)
      }
    }
  }

  /// The update `y ← alpha · x + y` in place (`daxpy`).
  ///
  /// A length mismatch throws `shapeMismatch(operation: "axpy", …)` and leaves `y` alone.
  public static func axpy(_ alpha: Double, _ x: Vector, _ y: inout Vector) throws {
    guard x.count == y.count else {
      throw NumericsError.shapeMismatch(operation: "axpy", lhs: x.shape, rhs: y.shape)
    }
    try checkBLASSize([x.count], operation: "axpy")
    if x.isEmpty { return }
    x.elements.withUnsafeBufferPointer { px in
      y.elements.withUnsafeMutableBufferPointer { py in
        cblas_daxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
      }
    }
  }
}

/// The matrix product `A · B`; see `BLAS.gemm`.
public func matmul(_ a: Matrix, _ b: Matrix) throws -> Matrix { try BLAS.gemm(a, b) }

/// The matrix–vector product `A · x`; see `BLAS.gemv`.
public func matmul(_ a: Matrix, _ x: Vector) throws -> Vector { try BLAS.gemv(a, x) }

/// The row vector–matrix product `xᵀ · A` (numpy `x @ A` for 1-D `x`); see `BLAS.gemv`.
public func matmul(_ x: Vector, _ a: Matrix) throws -> Vector {
  guard x.count == a.rows else {
    throw NumericsError.shapeMismatch(operation: "@", lhs: x.shape, rhs: a.shape)
  }
  return try BLAS.gemv(a, x, transpose: true)
}

/// Throws when a dimension does not fit BLAS/LAPACK's 32-bit integers (OpenBLAS here is
/// built with 32-bit `blasint`/`lapack_int`).
func checkBLASSize(_ dims: [Int], operation: String) throws {
  if let d = dims.first(where: { $0 > Int(Int32.max) }) {
    throw NumericsError.invalidArgument(
      operation: operation,
      message: "dimension \(d) exceeds the 32-bit limit \(Int32.max) of BLAS/LAPACK")
  }
}
