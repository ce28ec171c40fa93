import Numerics

/// The quenched-covariance equation of the square loss, (S3) with E_z[g²] written out:
///
///     Q = Q₀ + C [Σᵤ aᵤ (xᵤᵀQxᵤ) xᵤxᵤᵀ] C,   Q₀ = C [Σᵤ aᵤ rᵤ² xᵤxᵤᵀ] C,   aᵤ = τ/(1 + Vᵤ)²,
///
/// linear in Q. With sᵤ = xᵤᵀQxᵤ and uᵤ = Cxᵤ it closes on the pool vector s:
/// s = s₀ + L(s), L(s)ᵤ = uᵤᵀ[Xᵀdiag(a∘s)X]uᵤ. L maps non-negative s to non-negative s
/// and its spectral radius is below 1 at a solution of (S2), but approaches 1 for λ → 0 near
/// M ≈ d (isotropic case: ρ = αχ²/(1 + χ)²), where fixed-point iteration stops contracting.
/// Then the equation is solved directly on the d(d+1)/2 entries q = vech(Q):
/// (I − K) q = vech(Q₀) with K = Σᵤ aᵤ vech(uᵤuᵤᵀ) bᵤᵀ, bᵤ = vech((2 − δᵢⱼ) xᵤᵢxᵤⱼ),
/// assembled by `dgemm` over row blocks (M·p² flops, p = d(d+1)/2) and solved by LU
/// (`dgesv`, relative error κ·ε).
enum QEquation {
  /// How the linear Q-equation was solved.
  enum Method: String, Sendable {
    /// Closed form (the scalar ansatz: q = a/(1 − b)).
    case closedForm = "closed form"
    /// Fixed-point iteration on s.
    case fixedPoint = "fixed point"
    /// Direct LU solve on vech(Q).
    case direct
    /// Iterated jointly with (S1) and (S2) (non-quadratic losses).
    case coupled
  }

  /// The largest d(d+1)/2 solved directly (d = 50): beyond it K would be too costly.
  static let directLimit = 1275

  /// Fixed-point iterations tried before the direct solve takes over, when it can.
  static let contractingIterations = 60

  struct Solution {
    var q: Matrix
    var s: Vector
    var method: Method
    var iterations: Int
  }

  /// Solves Q = Q₀ + C[Xᵀdiag(a∘s)X]C for Q and s = rowQuadratic(X, Q).
  static func solve(
    x: Matrix, c: Matrix, weights a: Vector, q0: Matrix, settings: VGA.Settings,
    cancellation: Cancellation
  ) throws -> Solution {
    let d = x.cols
    let p = d * (d + 1) / 2
    let u = try BLAS.gemm(x, c)
    let s0 = try Products.rowQuadratic(x, q0)
    let scale = max(1, s0.elements.max() ?? 1)
    let canSolveDirectly = p <= directLimit
    let limit = canSolveDirectly ? contractingIterations : settings.maxIterations
    func linear(_ s: Vector) throws -> Matrix {
      try Products.weightedGram(x, Vector(zip(a.elements, s.elements).map { $0 * $1 }))
    }
    let fp = try Solvers.fixedPoint(
      { s in
        let ls = try Products.rowQuadratic(u, try linear(s))
        return Vector(zip(s0.elements, ls.elements).map { $0 + $1 })
      }, start: s0, damping: settings.damping, tolerance: settings.tolerance * scale,
      maxIterations: limit, cancellation: cancellation)
    if fp.converged {
      let q = try Products.symmetrized(matrixSum(q0, try Products.sandwich(c, try linear(fp.x))))
      return Solution(
        q: q, s: try Products.rowQuadratic(x, q), method: .fixedPoint, iterations: fp.iterations)
    }
    guard canSolveDirectly else {
      throw NumericsError.noConvergence(operation: "vga.solve (S3)", iterations: limit)
    }
    let q = try direct(x: x, u: u, weights: a, q0: q0, cancellation: cancellation)
    let largest = q.diagonalElements.map(abs).max() ?? 0
    guard q.diagonalElements.allSatisfy({ $0 >= -1e-12 * largest }) else {
      throw NumericsError.invalidArgument(
        operation: "vga.solve (S3)",
        message:
          "expected a positive semidefinite quenched covariance Q, found a negative variance: the Q-equation is past its stability edge (increase lambda or M)"
      )
    }
    return Solution(
      q: q, s: try Products.rowQuadratic(x, q), method: .direct, iterations: fp.iterations)
  }

  /// The direct solve (I − K) vech(Q) = vech(Q₀) described above.
  static func direct(
    x: Matrix, u: Matrix, weights a: Vector, q0: Matrix, cancellation: Cancellation
  ) throws -> Matrix {
    let (rows, d) = (x.rows, x.cols)
    var pairs: [(Int, Int)] = []
    for i in 0..<d { for j in i..<d { pairs.append((i, j)) } }
    let p = pairs.count
    let block = max(1, (1 << 20) / p)
    var k = [Double](repeating: 0, count: p * p)
    var start = 0
    while start < rows {
      try cancellation.check()
      let n = min(block, rows - start)
      let left = Matrix(rows: n, cols: p) { out in
        for r in 0..<n {
          let mu = start + r
          for (l, (i, j)) in pairs.enumerated() { out[r * p + l] = a[mu] * u[mu, i] * u[mu, j] }
        }
      }
      let right = Matrix(rows: n, cols: p) { out in
        for r in 0..<n {
          let mu = start + r
          for (l, (i, j)) in pairs.enumerated() {
            out[r * p + l] = (i == j ? 1 : 2) * x[mu, i] * x[mu, j]
          }
        }
      }
      let part = try BLAS.gemm(left, right, transA: true)
      for e in 0..<(p * p) { k[e] += part.elements[e] }
      start += n
    }
    let system = Matrix(rows: p, cols: p) { out in
      for r in 0..<p {
        for col in 0..<p { out[r * p + col] = (r == col ? 1 : 0) - k[r * p + col] }
      }
    }
    let rhs = Vector(pairs.map { q0[$0.0, $0.1] })
    let q = try LinearAlgebra.solve(system, rhs)
    return Matrix(rows: d, cols: d) { out in
      for (l, (i, j)) in pairs.enumerated() {
        out[i * d + j] = q[l]
        out[j * d + i] = q[l]
      }
    }
  }

  /// A + B for matrices of the same shape.
  static func matrixSum(_ a: Matrix, _ b: Matrix) -> Matrix {
    Matrix(rows: a.rows, cols: a.cols) { out in
      for e in 0..<a.count { out[e] = a.elements[e] + b.elements[e] }
    }
  }
}
