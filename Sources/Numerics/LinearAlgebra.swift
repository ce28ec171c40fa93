import CLapack
import Foundation

/// Dense linear algebra over `Matrix` through LAPACKE (reference LAPACKE over OpenBLAS).
///
/// Every routine validates its arguments before any C call:
/// - a NaN or infinity anywhere in the input throws `NumericsError.nonFinite` (LAPACK's
///   behaviour on non-finite data is unspecified: it may loop, or return garbage);
/// - a non-square matrix where a square one is needed throws `invalidArgument` with the
///   shape found; operands that do not fit together throw `shapeMismatch`;
/// - LAPACK's `info > 0` maps to the routine's mathematical failure (`singular`,
///   `notPositiveDefinite`) or, for the iterative ones, to `noConvergence`, whose
///   `iterations` is LAPACK's documented iteration cap for that routine.
///
/// Layout. `Matrix` is row-major, LAPACK column-major. The row-major storage of `A` *is*
/// the column-major storage of `Aᵀ`, and several routines use that deliberately to avoid
/// any copy: `eigh`, `eigvalsh` and `cholesky` (for symmetric `A`, `Aᵀ = A`), `eig` and
/// `det`/`logdet` (`Aᵀ` has the same eigenvalues and determinant), `inverse`
/// (`(Aᵀ)⁻¹ = (A⁻¹)ᵀ`) and `svd` (`Aᵀ = V Σ Uᵀ`, so LAPACK's `U` and `Vᵀ` come back as
/// our `Vᵀ` and `U`). `solve`, `qr` and `lstsq` pass `LAPACK_ROW_MAJOR` and let LAPACKE
/// transpose in and out (O(n²), small beside the O(n³) factorisation).
///
/// Tolerances: backward-stable factorisations (Golub & Van Loan, *Matrix Computations*,
/// 4th ed., §3.3 LU, §4.2 Cholesky, §5.2 QR, §8.3 symmetric eigenproblem, §8.6 SVD) give
/// residuals of order `n · ε · ‖A‖`, ε = 2.2e-16; the tests check 1e-10 on O(1) data.
public enum LinearAlgebra {
  /// The relative asymmetry `|aᵢⱼ − aⱼᵢ| ≤ tol · maxₖₗ |aₖₗ|` accepted as symmetric.
  ///
  /// 1e-10 admits the rounding of products such as `XᵀX` computed by `gemm` (entries
  /// differ by about `k · ε` relative, k the inner dimension, so up to k ≈ 10⁵) and
  /// rejects any matrix that is not symmetric by intent.
  public static let symmetryTolerance = 1e-10

  // MARK: - Symmetric eigenproblem

  /// Eigen-decomposition `A = V Λ Vᵀ` of a real symmetric matrix (LAPACK `dsyevd`,
  /// divide and conquer; Golub & Van Loan §8.4).
  ///
  /// Returns the eigenvalues in ascending order and the orthonormal eigenvectors as the
  /// columns of `vectors` (`A · vectors.column(k) = values[k] · vectors.column(k)`).
  /// The residual `‖AV − VΛ‖` and the loss of orthogonality `‖VᵀV − I‖` are of order
  /// `n · ε · ‖A‖`. Input must be symmetric within `symmetryTolerance`; LAPACK then
  /// reads the upper triangle (row-major), so tiny asymmetries are resolved in its favour.
  public static func eigh(_ a: Matrix) throws -> (values: Vector, vectors: Matrix) {
    let (values, storage) = try symmetricEigen(a, vectors: true, operation: "eigh")
    let n = a.rows
    // Column-major Z holds eigenvector k contiguously, i.e. as row k of the row-major
    // view; one transpose makes them columns.
    return (values, Matrix(uncheckedRows: n, cols: n, elements: storage).transposed())
  }

  /// The eigenvalues of a real symmetric matrix in ascending order (`dsyevd` without
  /// vectors). Same checks and accuracy as `eigh`; each eigenvalue is within about
  /// `n · ε · ‖A‖₂` of the exact one (Weyl).
  public static func eigvalsh(_ a: Matrix) throws -> Vector {
    try symmetricEigen(a, vectors: false, operation: "eigvalsh").values
  }

  private static func symmetricEigen(
    _ a: Matrix, vectors: Bool, operation op: String
  ) throws -> (values: Vector, storage: [Double]) {
    try requireSquare(a, op)
    try requireFinite(a, op)
    try requireSymmetric(a, op)
    let n = a.rows
    if n == 0 { return (Vector([]), []) }
    var z = a.elements
    var w = [Double](repeating: 0, count: n)
    let jobz = vectors ? char("V") : char("N")
    let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, jobz, char("L"), Int32(n), &z, Int32(n), &w)
    // dstedc falls back to dsteqr, which allows 30 QL/QR sweeps per eigenvalue.
    try check(info, op, iterationLimit: 30 * n)
    return (Vector(w), z)
  }

  // MARK: - General eigenproblem

  /// Eigenvalues `λ = real + i·imaginary` of a general real square matrix (LAPACK
  /// `dgeev`: Hessenberg reduction then the shifted QR algorithm; Golub & Van Loan
  /// §7.5).
  ///
  /// Values come in LAPACK's order, with complex conjugate pairs adjacent, the one with
  /// positive imaginary part first. Each is accurate to about `ε · ‖A‖ / s(λ)`, where
  /// `s(λ)` is its condition number (G&VL §7.2.2): well-conditioned eigenvalues to ~1e-14
  /// relative.
  public static func eig(_ a: Matrix) throws -> (real: Vector, imaginary: Vector) {
    let op = "eig"
    try requireSquare(a, op)
    try requireFinite(a, op)
    let n = a.rows
    if n == 0 { return (Vector([]), Vector([])) }
    var storage = a.elements  // column-major Aᵀ: same eigenvalues as A
    var wr = [Double](repeating: 0, count: n)
    var wi = [Double](repeating: 0, count: n)
    let info = LAPACKE_dgeev(
      LAPACK_COL_MAJOR, char("N"), char("N"), Int32(n), &storage, Int32(n), &wr, &wi,
      nil, 1, nil, 1)
    // dlaqr0/dlahqr cap the QR iterations at 30 · max(10, n).
    try check(info, op, iterationLimit: 30 * max(10, n))
    return (Vector(wr), Vector(wi))
  }

  // MARK: - Singular value decomposition

  /// Thin singular value decomposition `A = U · diag(s) · Vᵀ` (LAPACK `dgesdd`, divide
  /// and conquer; Golub & Van Loan §8.6).
  ///
  /// For an `m × n` matrix with `k = min(m, n)`: `u` is `m × k` with orthonormal columns,
  /// `s` has the `k` singular values in descending order, `vt` is `k × n` with
  /// orthonormal rows. Reconstruction error `‖A − UΣVᵀ‖` is of order `k · ε · ‖A‖`.
  public static func svd(_ a: Matrix) throws -> (u: Matrix, s: Vector, vt: Matrix) {
    let op = "svd"
    try requireFinite(a, op)
    try checkBLASSize([a.rows, a.cols], operation: op)
    let (m, n) = (a.rows, a.cols)
    let k = min(m, n)
    if k == 0 {
      return (Matrix(rows: m, cols: 0), Vector([]), Matrix(rows: 0, cols: n))
    }
    // LAPACK sees the column-major n × m matrix Aᵀ = U′ Σ V′ᵀ, so A = V′ Σ U′ᵀ. Its
    // column-major n × k factor U′ read row-major is U′ᵀ = our vt (k × n), and its
    // column-major k × m factor V′ᵀ read row-major is V′ = our u (m × k).
    var storage = a.elements
    var s = [Double](repeating: 0, count: k)
    var uPrime = [Double](repeating: 0, count: n * k)
    var vtPrime = [Double](repeating: 0, count: k * m)
    let info = LAPACKE_dgesdd(
      LAPACK_COL_MAJOR, char("S"), Int32(n), Int32(m), &storage, Int32(n), &s,
      &uPrime, Int32(n), &vtPrime, Int32(k))
    // dbdsdc's small subproblems go through dbdsqr, capped at 6 · k² sweeps.
    try check(info, op, iterationLimit: 6 * k * k)
    return (
      Matrix(uncheckedRows: m, cols: k, elements: vtPrime), Vector(s),
      Matrix(uncheckedRows: k, cols: n, elements: uPrime)
    )
  }

  // MARK: - Linear systems

  /// The solution `x` of the square system `A x = b` (LAPACK `dgesv`: LU with partial
  /// pivoting, G&VL §3.4), with `A` checked for being singular to working precision.
  ///
  /// Throws `singular` when a pivot is exactly zero or the reciprocal condition number
  /// estimated by `dgecon` (1-norm, Hager–Higham) is below ε = 2.2e-16, where no digit
  /// of `x` could be trusted. Otherwise the relative error of `x` is about `κ₁(A) · ε`.
  public static func solve(_ a: Matrix, _ b: Vector) throws -> Vector {
    try requireFinite(b.elements, "solve")
    guard b.count == a.rows else {
      throw NumericsError.shapeMismatch(operation: "solve", lhs: a.shape, rhs: b.shape)
    }
    return Vector(try luSolve(a, b.elements, rightHandSides: 1))
  }

  /// The solution `X` of `A X = B` for every column of `B` at once; see `solve(_:_:)`
  /// for `Vector`.
  public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
    try requireFinite(b.elements, "solve")
    guard b.rows == a.rows else {
      throw NumericsError.shapeMismatch(operation: "solve", lhs: a.shape, rhs: b.shape)
    }
    let x = try luSolve(a, b.elements, rightHandSides: b.cols)
    return Matrix(uncheckedRows: b.rows, cols: b.cols, elements: x)
  }

  /// `dgesv` on row-major `a` and the row-major `n × nrhs` right-hand sides `b`.
  private static func luSolve(_ a: Matrix, _ b: [Double], rightHandSides nrhs: Int) throws
    -> [Double]
  {
    let op = "solve"
    try requireSquare(a, op)
    try requireFinite(a, op)
    try checkBLASSize([nrhs], operation: op)
    let n = a.rows
    if n == 0 || nrhs == 0 { return b }
    // ‖A‖₁, the largest column sum, before dgesv overwrites A with its LU factors.
    let anorm = oneNorm(a.transposed().elements, n: n)
    var lu = a.elements
    var x = b
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(
      LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), &lu, Int32(n), &pivots, &x, Int32(nrhs))
    if info > 0 { throw NumericsError.singular(operation: op) }
    try check(info, op, iterationLimit: 0)
    var rcond = 0.0
    try check(
      LAPACKE_dgecon(LAPACK_ROW_MAJOR, char("1"), Int32(n), lu, Int32(n), anorm, &rcond), op,
      iterationLimit: 0)
    if !(rcond >= Double.ulpOfOne) { throw NumericsError.singular(operation: op) }
    return x
  }

  /// The inverse `A⁻¹` (LAPACK `dgetrf` then `dgetri`; G&VL §3.4).
  ///
  /// Throws `singular` under the same criterion as `solve`. Each entry of `A⁻¹` carries a
  /// relative error of about `κ(A) · ε`; prefer `solve` for a system.
  public static func inverse(_ a: Matrix) throws -> Matrix {
    let op = "inverse"
    try requireSquare(a, op)
    try requireFinite(a, op)
    let n = a.rows
    if n == 0 { return a }
    // LAPACK factors Aᵀ (the column-major view); (Aᵀ)⁻¹ read back row-major is A⁻¹.
    var storage = a.elements
    let anorm = oneNorm(storage, n: n)  // ‖Aᵀ‖₁ of the matrix LAPACK sees
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(n), Int32(n), &storage, Int32(n), &pivots)
    if info > 0 { throw NumericsError.singular(operation: op) }
    try check(info, op, iterationLimit: 0)
    var rcond = 0.0
    try check(
      LAPACKE_dgecon(LAPACK_COL_MAJOR, char("1"), Int32(n), storage, Int32(n), anorm, &rcond),
      op, iterationLimit: 0)
    if !(rcond >= Double.ulpOfOne) { throw NumericsError.singular(operation: op) }
    try check(
      LAPACKE_dgetri(LAPACK_COL_MAJOR, Int32(n), &storage, Int32(n), pivots), op,
      iterationLimit: 0)
    return Matrix(uncheckedRows: n, cols: n, elements: storage)
  }

  // MARK: - Determinant

  /// The determinant `det A = (−1)^p · Πᵢ uᵢᵢ` from the LU factorisation `PA = LU`
  /// (LAPACK `dgetrf`; G&VL §3.4), with `p` the number of row interchanges.
  ///
  /// A singular matrix gives 0 (not an error) when LU meets an exactly zero pivot; a
  /// matrix singular only to working precision gives a value of order `ε · ‖A‖ⁿ`. The
  /// product can overflow to ±∞ for large `n`: use `logdet` there. 1 for a 0 × 0 matrix.
  public static func det(_ a: Matrix) throws -> Double {
    let (sign, pivots) = try luDiagonal(a, operation: "det")
    if pivots.contains(0) { return 0 }
    return pivots.reduce(sign, *)
  }

  /// The sign and the natural logarithm of `|det A|` (numpy `slogdet`), from the same LU
  /// factorisation as `det` but summing `log|uᵢᵢ|`, so it neither overflows nor
  /// underflows. A singular matrix gives `(0, −∞)`.
  public static func logdet(_ a: Matrix) throws -> (sign: Double, logAbs: Double) {
    let (sign, pivots) = try luDiagonal(a, operation: "logdet")
    if pivots.contains(0) { return (0, -.infinity) }
    var s = sign
    var logAbs = 0.0
    for u in pivots {
      if u < 0 { s = -s }
      logAbs += Foundation.log(Swift.abs(u))
    }
    return (s, logAbs)
  }

  /// The permutation sign and the diagonal of `U` in `PAᵀ = LU` (`det Aᵀ = det A`).
  private static func luDiagonal(_ a: Matrix, operation op: String) throws -> (
    sign: Double, diagonal: [Double]
  ) {
    try requireSquare(a, op)
    try requireFinite(a, op)
    let n = a.rows
    if n == 0 { return (1, []) }
    var storage = a.elements
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(n), Int32(n), &storage, Int32(n), &pivots)
    // info > 0 flags an exactly zero pivot: the factorisation is complete and det is 0.
    if info < 0 { try check(info, op, iterationLimit: 0) }
    var sign = 1.0
    for (i, p) in pivots.enumerated() where Int(p) != i + 1 { sign = -sign }
    return (sign, (0..<n).map { storage[$0 * n + $0] })
  }

  // MARK: - Cholesky

  /// The Cholesky factor: lower-triangular `L` with positive diagonal and `A = L Lᵀ`
  /// (LAPACK `dpotrf`; G&VL §4.2). The strict upper triangle of the result is zero.
  ///
  /// Throws `invalidArgument` when `A` is not symmetric within `symmetryTolerance` and
  /// `notPositiveDefinite` when a pivot is not positive (`A` has an eigenvalue ≤ 0 up to
  /// rounding). `‖A − LLᵀ‖` is of order `n · ε · ‖A‖`.
  public static func cholesky(_ a: Matrix) throws -> Matrix {
    let op = "cholesky"
    try requireSquare(a, op)
    try requireFinite(a, op)
    try requireSymmetric(a, op)
    let n = a.rows
    if n == 0 { return a }
    // For symmetric A the column-major view is A itself; its column-major upper factor U
    // (A = UᵀU) read row-major is Uᵀ = L, in the lower triangle.
    var storage = a.elements
    let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, char("U"), Int32(n), &storage, Int32(n))
    if info > 0 { throw NumericsError.notPositiveDefinite(operation: op) }
    try check(info, op, iterationLimit: 0)
    for i in 0..<n {
      for j in (i + 1)..<n { storage[i * n + j] = 0 }
    }
    return Matrix(uncheckedRows: n, cols: n, elements: storage)
  }

  /// The solution of `L Lᵀ x = b` given the Cholesky factor `L` of `A` (LAPACK `dpotrs`:
  /// two triangular solves). Only the lower triangle of `l` is read.
  ///
  /// Throws `invalidArgument` when `l` has a diagonal entry that is not positive, since
  /// it is then no Cholesky factor. Accuracy as `solve`, with `κ₂(A) = κ₂(L)²`.
  public static func choleskySolve(_ l: Matrix, _ b: Vector) throws -> Vector {
    try requireFinite(b.elements, "choleskySolve")
    guard b.count == l.rows else {
      throw NumericsError.shapeMismatch(operation: "choleskySolve", lhs: l.shape, rhs: b.shape)
    }
    return Vector(try choleskySolveColumns(l, b.elements, rightHandSides: 1))
  }

  /// `choleskySolve` for every column of `B` at once.
  public static func choleskySolve(_ l: Matrix, _ b: Matrix) throws -> Matrix {
    try requireFinite(b.elements, "choleskySolve")
    guard b.rows == l.rows else {
      throw NumericsError.shapeMismatch(operation: "choleskySolve", lhs: l.shape, rhs: b.shape)
    }
    let x = try choleskySolveColumns(l, b.transposed().elements, rightHandSides: b.cols)
    return Matrix(uncheckedRows: b.cols, cols: b.rows, elements: x).transposed()
  }

  /// The solution `X = B A⁻¹` of `X A = B` (every row of `B` solved against the
  /// symmetric `A = L Lᵀ`), given the Cholesky factor `L`: `dpotrs` on `B` as it is,
  /// since row-major `B` is column-major `Bᵀ` and `Xᵀ = A⁻¹Bᵀ` (no transposes).
  /// Same checks and accuracy as `choleskySolve`.
  public static func choleskySolveRight(_ l: Matrix, _ b: Matrix) throws -> Matrix {
    try requireFinite(b.elements, "choleskySolve")
    guard b.cols == l.rows else {
      throw NumericsError.shapeMismatch(operation: "choleskySolve", lhs: b.shape, rhs: l.shape)
    }
    let x = try choleskySolveColumns(l, b.elements, rightHandSides: b.rows)
    return Matrix(uncheckedRows: b.rows, cols: b.cols, elements: x)
  }

  /// `dpotrs` on the column-major `n × nrhs` right-hand sides `b`.
  private static func choleskySolveColumns(
    _ l: Matrix, _ b: [Double], rightHandSides nrhs: Int
  ) throws -> [Double] {
    let op = "choleskySolve"
    try requireSquare(l, op)
    try requireFinite(l, op)
    try checkBLASSize([nrhs], operation: op)
    let n = l.rows
    for i in 0..<n where !(l[i, i] > 0) {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected a Cholesky factor with a positive diagonal, found l[\(i), \(i)] = \(l[i, i])"
      )
    }
    if n == 0 || nrhs == 0 { return b }
    // Row-major L is column-major U = Lᵀ, and UᵀU = LLᵀ.
    var x = b
    let info = l.elements.withUnsafeBufferPointer { pl in
      LAPACKE_dpotrs(
        LAPACK_COL_MAJOR, char("U"), Int32(n), Int32(nrhs), pl.baseAddress, Int32(n), &x,
        Int32(n))
    }
    try check(info, op, iterationLimit: 0)
    return x
  }

  /// The inverse `A⁻¹ = L⁻ᵀL⁻¹` of a symmetric positive definite `A` from its Cholesky
  /// factor `L` (LAPACK `dpotri`: `dtrtri` then `dlauum`, about 2n³/3 flops against 2n³
  /// for `choleskySolve` with the identity as right-hand side). Only the lower triangle
  /// of `l` is read; the result is exactly symmetric.
  ///
  /// Throws `invalidArgument` when `l` has a diagonal entry that is not positive and
  /// `nonFinite` for non-finite entries. The error is of order κ₂(A) · ε relative
  /// (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §14.2).
  public static func choleskyInverse(_ l: Matrix) throws -> Matrix {
    let op = "choleskyInverse"
    try requireSquare(l, op)
    let n = l.rows
    for i in 0..<n {
      for j in 0...i where !l.elements[i * n + j].isFinite {
        throw NumericsError.nonFinite(operation: op)
      }
    }
    for i in 0..<n where !(l[i, i] > 0) {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected a Cholesky factor with a positive diagonal, found l[\(i), \(i)] = \(l[i, i])"
      )
    }
    if n == 0 { return l }
    // Row-major lower L is column-major upper U = Lᵀ with A = UᵀU; dpotri overwrites the
    // upper triangle (column-major), that is the lower triangle row-major, with A⁻¹.
    var storage = l.elements
    let info = LAPACKE_dpotri(LAPACK_COL_MAJOR, char("U"), Int32(n), &storage, Int32(n))
    try check(info, op, iterationLimit: 0)
    for i in 0..<n {
      for j in (i + 1)..<n { storage[i * n + j] = storage[j * n + i] }
    }
    return Matrix(uncheckedRows: n, cols: n, elements: storage)
  }

  /// The upper-triangular Cholesky factor `U` of the inverse, `A⁻¹ = UᵀU`, returned
  /// transposed (the lower-triangular `Uᵀ`), for symmetric positive definite `A`, without
  /// forming `A⁻¹`: with `P` the reversal permutation and `PAP = L̃L̃ᵀ` (`dpotrf`),
  /// `A⁻¹ = (PL̃⁻¹P)ᵀ(PL̃⁻¹P)`, and `PL̃⁻¹P` is upper triangular with positive diagonal,
  /// so it is `U` by uniqueness of the Cholesky factor. One `dpotrf` and one `dtrtri`,
  /// about 2n³/3 flops, against 4n³/3 for the Cholesky factor of `choleskyInverse(L)`
  /// (GPTQ's Hinv factor, Frantar et al., ICLR 2023, §3 "Cholesky reformulation").
  /// From order `parallelFactorSize` on, the factorisation and the inversion run on two
  /// threads with a fixed blocking, so the result does not depend on the thread count.
  ///
  /// Throws as `cholesky` (`invalidArgument` unless symmetric within
  /// `symmetryTolerance`, `nonFinite`, `notPositiveDefinite`). The error of `UᵀU` as
  /// `A⁻¹` is of order κ₂(A) · ε relative (Higham, *Accuracy and Stability of Numerical
  /// Algorithms*, 2nd ed., §14.2).
  public static func inverseCholeskyFactorTransposed(_ a: Matrix) throws -> Matrix {
    let op = "inverseCholeskyFactor"
    try requireSquare(a, op)
    try requireFinite(a, op)
    try requireSymmetric(a, op)
    let n = a.rows
    if n == 0 { return a }
    // PAP: element (i, j) = A(n−1−i, n−1−j), i.e. the elements in reverse order.
    let work = SharedDoubles([Double](a.elements.reversed()))
    defer { work.free() }
    let inverse: SharedDoubles
    if n < parallelFactorSize {
      // As in `cholesky`: column-major upper Ũ with PAP = ŨᵀŨ, read row-major, is L̃ = Ũᵀ.
      var info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, char("U"), Int32(n), work.p, Int32(n))
      if info > 0 { throw NumericsError.notPositiveDefinite(operation: op) }
      try check(info, op, iterationLimit: 0)
      // Inverting the column-major Ũ in place leaves Ũ⁻¹, read row-major L̃⁻¹ (lower).
      info = LAPACKE_dtrtri(LAPACK_COL_MAJOR, char("U"), char("N"), Int32(n), work.p, Int32(n))
      try check(info, op, iterationLimit: 0)
      inverse = work
    } else {
      try parallelCholesky(work.p, n, op)
      inverse = try parallelLowerInverse(work.p, n, op)
    }
    defer { if inverse !== work { inverse.free() } }
    // Uᵀ(k, i) = U(i, k) = L̃⁻¹(n−1−i, n−1−k): the reversed transpose of L̃⁻¹, lower.
    // In 64 × 64 tiles, so that both the reads and the writes stay in cache.
    let li = inverse.p
    return Matrix(rows: n, cols: n) { o in
      let tile = 64
      for k0 in stride(from: 0, to: n, by: tile) {
        for i0 in stride(from: 0, to: n, by: tile) {
          for k in k0..<min(k0 + tile, n) {
            for i in i0..<min(i0 + tile, n) {
              o[k * n + i] = i <= k ? li[(n - 1 - i) * n + (n - 1 - k)] : 0
            }
          }
        }
      }
    }
  }

  /// From this order on, `inverseCholeskyFactorTransposed` factors and inverts on two
  /// threads with a fixed blocking (so its result does not depend on the thread count).
  static let parallelFactorSize = 256

  /// In place, the lower Cholesky factor of the symmetric row-major `n × n` matrix at `a`
  /// (right-looking, blocks of 128 columns: `dpotrf` of the diagonal block, then the
  /// panel's `dtrsm` and the trailing `dsyrk`/`dgemm` update, each split over two
  /// threads by rows). Only the lower triangle is read and written.
  private static func parallelCholesky(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ op: String)
    throws
  {
    let nb = 128
    let ld = Int32(n)
    let base = SharedDoubles(pointer: a)
    for k0 in stride(from: 0, to: n, by: nb) {
      let k1 = min(k0 + nb, n)
      let kb = k1 - k0
      // Row-major lower block = column-major upper block.
      let info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, char("U"), Int32(kb), a + k0 * n + k0, ld)
      if info > 0 { throw NumericsError.notPositiveDefinite(operation: op) }
      try check(info, op, iterationLimit: 0)
      if k1 < n {
        let rest = n - k1
        // Panel: A[k1…, k0..<k1] ← A[k1…, k0..<k1] L_kk⁻ᵀ, rows split in two.
        let mid = k1 + rest / 2
        let panels = [k1..<mid, mid..<n]
        _ = try ParallelWork.map(count: 2, workers: 2, cancellation: .never) { c in
          let rows = panels[c]
          if rows.isEmpty { return }
          let p = base.p
          cblas_dtrsm(
            CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(rows.count),
            Int32(kb), 1, p + k0 * n + k0, ld, p + rows.lowerBound * n + k0, ld)
        }
        // Trailing lower triangle: A[r, c] −= P_r · P_c for k1 ≤ c ≤ r, P = the panel;
        // top rows k1..<m and bottom rows m..<n hold equal areas when m − k1 = rest/√2.
        let m = min(n, k1 + max(1, Int((Double(rest) / 2.0.squareRoot()).rounded())))
        let parts = [k1..<m, m..<n]
        _ = try ParallelWork.map(count: 2, workers: 2, cancellation: .never) { c in
          let rows = parts[c]
          if rows.isEmpty { return }
          let p = base.p
          let r0 = rows.lowerBound
          if r0 > k1 {
            cblas_dgemm(
              CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(r0 - k1),
              Int32(kb), -1, p + r0 * n + k0, ld, p + k1 * n + k0, ld, 1, p + r0 * n + k1, ld)
          }
          cblas_dsyrk(
            CblasRowMajor, CblasLower, CblasNoTrans, Int32(rows.count), Int32(kb), -1,
            p + r0 * n + k0, ld, 1, p + r0 * n + r0, ld)
        }
      }
    }
  }

  /// The inverse of the lower-triangular row-major `n × n` factor at `l`, on two threads:
  /// with blocks split at c = n/5, X₂₂ = L₂₂⁻¹ (`dtrtri`) on one thread while the other
  /// forms X₁₁ = L₁₁⁻¹ and X₂₁ = −L₂₂⁻¹(L₂₁X₁₁) (`dtrtri`, `dgemm`, `dtrsm`); the two
  /// threads then do about n³/6 flops each. Returns a new buffer, lower triangle set.
  private static func parallelLowerInverse(
    _ l: UnsafeMutablePointer<Double>, _ n: Int, _ op: String
  )
    throws -> SharedDoubles
  {
    let c = n / 5
    let r = n - c
    let ld = Int32(n)
    let source = SharedDoubles(pointer: l)
    let out = SharedDoubles(count: n * n)
    _ = try ParallelWork.map(count: 2, workers: 2, cancellation: .never) { task in
      let (lp, x) = (source.p, out.p)
      if task == 0 {
        // X₂₂ = L₂₂⁻¹ in the output's lower-right block.
        for i in 0..<r {
          (x + (c + i) * n + c).update(from: lp + (c + i) * n + c, count: i + 1)
        }
        let info = LAPACKE_dtrtri_work(
          LAPACK_COL_MAJOR, char("U"), char("N"), Int32(r), x + c * n + c, ld)
        try check(info, op, iterationLimit: 0)
      } else {
        for i in 0..<c { (x + i * n).update(from: lp + i * n, count: i + 1) }
        let info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, char("U"), char("N"), Int32(c), x, ld)
        try check(info, op, iterationLimit: 0)
        // X₂₁ = −L₂₂⁻¹ (L₂₁ X₁₁): X₁₁ is lower, so only its lower triangle enters.
        for i in 0..<c { for j in (i + 1)..<c { x[i * n + j] = 0 } }
        cblas_dgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(r), Int32(c), Int32(c), -1,
          lp + c * n, ld, x, ld, 0, x + c * n, ld)
        cblas_dtrsm(
          CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(r), Int32(c), 1,
          lp + c * n + c, ld, x + c * n, ld)
      }
    }
    return out
  }

  // MARK: - QR and least squares

  /// The reduced QR factorisation `A = Q R` of an `m × n` matrix (LAPACK `dgeqrf`, then
  /// `dorgqr` to form `Q`; Householder, G&VL §5.2).
  ///
  /// With `k = min(m, n)`: `q` is `m × k` with orthonormal columns and `r` is `k × n`
  /// upper triangular (upper trapezoidal when `n > m`). Signs follow LAPACK (the
  /// diagonal of `r` may be negative). `‖A − QR‖` and `‖QᵀQ − I‖` are of order `ε`
  /// times `‖A‖` and 1.
  public static func qr(_ a: Matrix) throws -> (q: Matrix, r: Matrix) {
    let op = "qr"
    try requireFinite(a, op)
    try checkBLASSize([a.rows, a.cols], operation: op)
    let (m, n) = (a.rows, a.cols)
    let k = min(m, n)
    if k == 0 { return (Matrix(rows: m, cols: 0), Matrix(rows: 0, cols: n)) }
    var storage = a.elements
    var tau = [Double](repeating: 0, count: k)
    try check(
      LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), &storage, Int32(n), &tau), op,
      iterationLimit: 0)
    var r = Matrix(rows: k, cols: n)
    for i in 0..<k {
      for j in i..<n { r[i, j] = storage[i * n + j] }
    }
    // The reflectors sit in the first k columns (leading dimension n); dorgqr forms Q there.
    try check(
      LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(k), Int32(k), &storage, Int32(n), tau),
      op, iterationLimit: 0)
    let q = Matrix(rows: m, cols: k) { out in
      for i in 0..<m {
        for j in 0..<k { out[i * k + j] = storage[i * n + j] }
      }
    }
    return (q, r)
  }

  /// The least-squares solution `argminₓ ‖A x − b‖₂` of minimum norm (LAPACK `dgelsd`:
  /// SVD by divide and conquer; G&VL §5.5).
  ///
  /// Singular values below `ε · max(m, n) · σ₁` are treated as zero (numpy's default
  /// `rcond`), so rank-deficient and underdetermined systems get the minimum-norm
  /// solution. For an exact, well-conditioned system the answer matches to ~`κ(A) · ε`.
  public static func lstsq(_ a: Matrix, _ b: Vector) throws -> Vector {
    let op = "lstsq"
    try requireFinite(a, op)
    try requireFinite(b.elements, op)
    guard b.count == a.rows else {
      throw NumericsError.shapeMismatch(operation: op, lhs: a.shape, rhs: b.shape)
    }
    try checkBLASSize([a.rows, a.cols], operation: op)
    let (m, n) = (a.rows, a.cols)
    if n == 0 { return Vector([]) }
    if m == 0 { return Vector(count: n) }
    var storage = a.elements
    var x = b.elements + [Double](repeating: 0, count: max(0, n - m))
    var s = [Double](repeating: 0, count: min(m, n))
    var rank: Int32 = 0
    let rcond = Double.ulpOfOne * Double(max(m, n))
    let info = LAPACKE_dgelsd(
      LAPACK_ROW_MAJOR, Int32(m), Int32(n), 1, &storage, Int32(n), &x, 1, &s, rcond, &rank)
    // dgelsd's bidiagonal SVD (dlasdq/dbdsqr) is capped at 6 · min(m, n)² sweeps.
    try check(info, op, iterationLimit: 6 * min(m, n) * min(m, n))
    return Vector(x[0..<n])
  }

  // MARK: - Norm

  /// The Euclidean norm `‖v‖₂ = √(Σ vᵢ²)` (BLAS `dnrm2`, which rescales so that no square
  /// overflows or underflows; relative error a few ε). 0 for an empty vector; NaN in
  /// gives NaN out.
  public static func norm(_ v: Vector) -> Double {
    v.elements.withUnsafeBufferPointer { p in
      guard let base = p.baseAddress else { return 0 }
      if p.contains(where: { $0.isNaN }) { return .nan }
      // dnrm2 counts in 32 bits: combine chunks with hypot for longer vectors.
      var result = 0.0
      var start = 0
      while start < p.count {
        let length = min(p.count - start, Int(Int32.max))
        result = hypot(result, cblas_dnrm2(Int32(length), base + start, 1))
        start += length
      }
      return result
    }
  }

  // MARK: - Argument checks and LAPACK status

  static func requireSquare(_ a: Matrix, _ op: String) throws {
    guard a.isSquare else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected a square matrix, found shape \(NumericsError.shapeText(a.shape))")
    }
    try checkBLASSize([a.rows], operation: op)
  }

  static func requireFinite(_ a: Matrix, _ op: String) throws {
    try requireFinite(a.elements, op)
  }

  static func requireFinite(_ x: [Double], _ op: String) throws {
    let finite = x.withUnsafeBufferPointer { p in
      // x − x is 0 for finite x and NaN for ±∞ and NaN; one pass, no branch per element.
      var acc = 0.0
      for v in p { acc += v - v }
      return acc == 0
    }
    if !finite { throw NumericsError.nonFinite(operation: op) }
  }

  /// Throws unless `|aᵢⱼ − aⱼᵢ| ≤ symmetryTolerance · maxₖₗ |aₖₗ|` for all `i, j`.
  static func requireSymmetric(_ a: Matrix, _ op: String) throws {
    let n = a.rows
    // One pass for the scale, then the lower triangle against the upper in 64 × 64 tiles
    // (the transposed reads stay in cache), the first offending pair in row order.
    let offending: (Int, Int)? = a.elements.withUnsafeBufferPointer { p in
      var scale = 0.0
      for v in p { scale = max(scale, Swift.abs(v)) }
      let bound = symmetryTolerance * scale
      var first: (Int, Int)?
      let tile = 64
      for i0 in stride(from: 0, to: n, by: tile) {
        for j0 in stride(from: 0, through: i0, by: tile) {
          for i in i0..<min(i0 + tile, n) {
            for j in j0..<min(j0 + tile, i) where Swift.abs(p[i * n + j] - p[j * n + i]) > bound {
              if first == nil || (i, j) < first! { first = (i, j) }
            }
          }
        }
        if first != nil { return first }
      }
      return first
    }
    if let (i, j) = offending {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected a symmetric matrix, found a[\(i), \(j)] = \(a[i, j]) but a[\(j), \(i)] = \(a[j, i])"
      )
    }
  }

  /// The largest column sum of absolute values of a column-major `n × n` matrix (‖·‖₁).
  private static func oneNorm(_ columnMajor: [Double], n: Int) -> Double {
    var best = 0.0
    for j in 0..<n {
      var s = 0.0
      for i in 0..<n { s += Swift.abs(columnMajor[j * n + i]) }
      best = max(best, s)
    }
    return best
  }

  /// Maps a LAPACKE status to success or a thrown error. `info > 0` here is reached only
  /// from iterative routines (the others handle it first) and means non-convergence.
  private static func check(_ info: Int32, _ op: String, iterationLimit: Int) throws {
    switch info {
    case 0: return
    case LAPACK_WORK_MEMORY_ERROR, LAPACK_TRANSPOSE_MEMORY_ERROR:
      throw NumericsError.invalidArgument(
        operation: op, message: "LAPACK could not allocate its workspace")
    case ..<0:
      throw NumericsError.invalidArgument(
        operation: op, message: "LAPACK rejected argument \(-info)")
    default:
      throw NumericsError.noConvergence(operation: op, iterations: iterationLimit)
    }
  }

  private static func char(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }
}
