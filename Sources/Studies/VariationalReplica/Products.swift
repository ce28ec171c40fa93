import Numerics

/// The matrix products every solver here is made of, each one BLAS call plus a linear
/// pass, never a loop of scalar quadratic forms.
enum Products {
  /// Xᵀ diag(w) X = Σᵤ wᵤ xᵤxᵤᵀ (d × d): `BLAS.weightedGram` (symmetric rank-k updates
  /// over row blocks). Exact up to the BLAS bound M·ε·Σ|wᵤ||xᵤᵢ||xᵤⱼ| per entry.
  static func weightedGram(_ x: Matrix, _ w: Vector) throws -> Matrix {
    try BLAS.weightedGram(x, weights: w)
  }

  /// The row-wise quadratic forms sᵤ = xᵤᵀ A xᵤ for every row of X:
  /// `BLAS.rowQuadraticForms` (triangular products with the Cholesky factor of a positive
  /// definite A, M·d² flops; a general product otherwise).
  static func rowQuadratic(_ x: Matrix, _ a: Matrix) throws -> Vector {
    try BLAS.rowQuadraticForms(x, a)
  }

  /// Σⱼ Xᵤⱼ Yᵤⱼ for every row μ of two matrices of the same shape.
  static func rowDot(_ x: Matrix, _ y: Matrix) -> Vector {
    let (rows, cols) = (x.rows, x.cols)
    return x.elements.withUnsafeBufferPointer { px in
      y.elements.withUnsafeBufferPointer { py in
        Vector(unsafeUninitializedCount: rows) { out in
          for i in 0..<rows {
            var s = 0.0
            let base = i * cols
            for j in 0..<cols { s += px[base + j] * py[base + j] }
            out[i] = s
          }
        }
      }
    }
  }

  /// The inverse of a symmetric positive definite A by Cholesky (`dpotrf`, `dpotrs`),
  /// symmetrised: relative error about κ(A)·ε. Throws `notPositiveDefinite` (e.g. λ = 0
  /// with fewer effective examples than dimensions) under the name `operation`.
  static func spdInverse(_ a: Matrix, _ operation: String) throws -> Matrix {
    let l: Matrix
    do {
      l = try LinearAlgebra.cholesky(a)
    } catch NumericsError.notPositiveDefinite {
      throw NumericsError.invalidArgument(
        operation: operation,
        message:
          "expected a positive definite λI + τΣ xxᵀ (λ > 0, or M larger than the dimension), found a singular one"
      )
    }
    return symmetrized(try LinearAlgebra.choleskySolve(l, Matrix.identity(a.rows)))
  }

  /// (A + Aᵀ)/2, which removes rounding asymmetry of size ε‖A‖.
  static func symmetrized(_ a: Matrix) -> Matrix {
    let n = a.rows
    return Matrix(rows: n, cols: n) { out in
      for i in 0..<n {
        for j in 0..<n { out[i * n + j] = 0.5 * (a[i, j] + a[j, i]) }
      }
    }
  }

  /// A · B · A for symmetric A and B (two `dgemm`s), symmetrised.
  static func sandwich(_ a: Matrix, _ b: Matrix) throws -> Matrix {
    symmetrized(try BLAS.gemm(try BLAS.gemm(a, b), a))
  }
}
