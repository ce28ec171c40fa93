import Foundation
import Numerics

extension RSA {
  /// The top Lyapunov exponents of a map and their running estimates.
  public struct LyapunovResult: Sendable {
    /// λ_1 ≥ … ≥ λ_k, in nats per step (natural log of the growth factor per iteration).
    public let exponents: Vector
    /// Running estimates after each measured step, `steps` × k: row t holds
    /// (1/(t+1)) Σ_{s≤t} log|R_s,jj|, showing the convergence of each exponent.
    public let running: Matrix
    /// The state after burn-in and the measured steps.
    public let finalState: Vector
  }

  /// The top-k Lyapunov exponents of a map x ↦ f(x) by the QR method (Benettin, Galgani,
  /// Giorgilli & Strelcyn, Meccanica 15, 1980; Eckmann & Ruelle, Rev. Mod. Phys. 57, 1985,
  /// §IV.C; study spec, "Jacobians and spectra"):
  ///
  ///   Q_{t+1} R_t = J_f(x_t) Q_t,   λ_j = (1/T) Σ_t log|R_t,jj|,
  ///
  /// with Q_0 the QR factor of a seeded Gaussian dim × k matrix. The first `burnIn` steps
  /// move the state onto the attractor and align Q without being counted. The QR step is
  /// modified Gram–Schmidt applied twice ("twice is enough", Giraud et al. 2005), which
  /// keeps Q orthonormal to rounding for k ≪ dim. The statistical error decays like
  /// 1/√T; exponents are in nats per step.
  ///
  /// - Parameters:
  ///   - initial: x_0.
  ///   - count: k, 1 ≤ k ≤ dim. Only the top k are computed: directions that a
  ///     normalisation removes have exponent −∞ (or log ε-small), not worth resolving.
  ///   - steps: T ≥ 1 measured steps (default 1000).
  ///   - burnIn: unmeasured steps first (default 100).
  ///   - seed: for Q_0 (default 0).
  ///   - map: f. - jacobian: J_f(x), dim × dim.
  /// - Throws: `nonFinite` when the orbit or a tangent vector overflows (a diverging
  ///   orbit); `invalidArgument` when a tangent vector collapses to zero (the Jacobian's
  ///   rank is below k); `cancelled`.
  public static func lyapunovExponents(
    initial: Vector, count: Int, steps: Int = 1000, burnIn: Int = 100, seed: UInt64 = 0,
    cancellation: Cancellation = .never, map: (Vector) throws -> Vector,
    jacobian: (Vector) throws -> Matrix
  ) throws -> LyapunovResult {
    let dim = initial.count
    return try benettin(
      initial: initial.elements, count: count, steps: steps, burnIn: burnIn, seed: seed,
      cancellation: cancellation, map: { try map(Vector($0)).elements },
      jacobian: { x in
        let j = try jacobian(Vector(x))
        try RSA.require(
          j.rows == dim && j.cols == dim, "rsa.lyapunov",
          "expected a \(dim)×\(dim) Jacobian, found \(j.rows)×\(j.cols)")
        return j.elements
      })
  }

  /// The Benettin QR iteration on flat buffers (see `lyapunovExponents`).
  static func benettin(
    initial: [Double], count k: Int, steps: Int, burnIn: Int, seed: UInt64,
    cancellation: Cancellation, map: ([Double]) throws -> [Double],
    jacobian: ([Double]) throws -> [Double]
  ) throws -> LyapunovResult {
    let op = "rsa.lyapunov"
    let dim = initial.count
    try require(dim >= 1, op, "expected a non-empty initial state")
    try require(initial.allSatisfy(\.isFinite), op, "the initial state contains NaN or infinity")
    try require(
      k >= 1 && k <= dim, op, "expected 1 ≤ count ≤ \(dim) (the state dimension), found \(k)")
    try requireCount(steps, "steps", atLeast: 1, op)
    try requireCount(burnIn, "burnIn", atLeast: 0, op)
    var rng = RandomGenerator(seed: seed)
    // Tangent vectors as the k rows of a k × dim buffer.
    var q = rng.normalVector(count: k * dim).elements
    _ = orthonormalise(&q, k, dim)
    var y = [Double](repeating: 0, count: k * dim)
    var sums = [Double](repeating: 0, count: k)
    var running = [Double](repeating: 0, count: steps * k)
    var x = initial
    for t in 0..<(burnIn + steps) {
      try cancellation.check()
      let j = try jacobian(x)
      try requireFiniteResult(j, op)
      j.withUnsafeBufferPointer { pj in
        for v in 0..<k {
          for r in 0..<dim {
            var acc = 0.0
            let row = r * dim
            for c in 0..<dim { acc += pj[row + c] * q[v * dim + c] }
            y[v * dim + r] = acc
          }
        }
      }
      let diag = orthonormalise(&y, k, dim)
      for v in 0..<k {
        // A tangent vector that overflows (or turns NaN) belongs to a diverging orbit.
        guard diag[v].isFinite else { throw NumericsError.nonFinite(operation: op) }
        guard diag[v] > 0 else {
          throw NumericsError.invalidArgument(
            operation: op,
            message:
              "tangent vector \(v + 1) of \(k) collapsed (|R_jj| = \(diag[v])): the Jacobian has rank below \(k); ask for fewer exponents"
          )
        }
      }
      swap(&q, &y)
      if t >= burnIn {
        let m = t - burnIn
        for v in 0..<k {
          sums[v] += Foundation.log(diag[v])
          running[m * k + v] = sums[v] / Double(m + 1)
        }
      }
      x = try map(x)
      try requireFiniteResult(x, op)
    }
    let exponents = sums.map { $0 / Double(steps) }.sorted(by: >)
    return LyapunovResult(
      exponents: Vector(exponents),
      running: try Matrix(rows: steps, cols: k, elements: running), finalState: Vector(x))
  }

  /// Orthonormalises the k rows of a k × dim buffer in place by modified Gram–Schmidt,
  /// twice; returns |R_jj| (the norm of each row after removing the earlier ones).
  static func orthonormalise(_ y: inout [Double], _ k: Int, _ dim: Int) -> [Double] {
    var diag = [Double](repeating: 0, count: k)
    y.withUnsafeMutableBufferPointer { p in
      for v in 0..<k {
        for _ in 0..<2 {
          for u in 0..<v {
            var proj = 0.0
            for c in 0..<dim { proj += p[u * dim + c] * p[v * dim + c] }
            for c in 0..<dim { p[v * dim + c] -= proj * p[u * dim + c] }
          }
        }
        var norm = 0.0
        for c in 0..<dim { norm += p[v * dim + c] * p[v * dim + c] }
        norm = norm.squareRoot()
        diag[v] = norm
        if norm > 0 {
          for c in 0..<dim { p[v * dim + c] /= norm }
        }
      }
    }
    return diag
  }

  /// The Lyapunov exponent of the logistic map x ↦ r x (1 − x) (reference check of the
  /// estimator; at r = 4 it is exactly ln 2, Ulam & von Neumann 1947), in nats per step.
  /// Defaults: r = 4, x₀ = 0.3, T = 100 000 steps, burn-in 100.
  public static func logisticLyapunov(
    r: Double = 4, initial: Double = 0.3, steps: Int = 100_000, burnIn: Int = 100
  ) throws -> LyapunovResult {
    let op = "rsa.logisticLyapunov"
    try require(r.isFinite && r > 0 && r <= 4, op, "expected 0 < r ≤ 4, found \(r)")
    try require(
      initial > 0 && initial < 1, op, "expected an initial point in (0, 1), found \(initial)")
    return try benettin(
      initial: [initial], count: 1, steps: steps, burnIn: burnIn, seed: 0,
      cancellation: .never, map: { [r * $0[0] * (1 - $0[0])] },
      jacobian: { [r * (1 - 2 * $0[0])] })
  }

  /// Both Lyapunov exponents of the Hénon map (x, y) ↦ (1 − a x² + y, b x) (Hénon,
  /// Commun. Math. Phys. 50, 1976), in nats per step. At a = 1.4, b = 0.3 they are about
  /// (0.4192, −1.6232) (Sprott, "Chaos and Time-Series Analysis", 2003, App. A); their sum
  /// is exactly ln|b| because det J = −b. Defaults: a = 1.4, b = 0.3, start (0.1, 0.1),
  /// T = 100 000, burn-in 1000.
  public static func henonLyapunov(
    a: Double = 1.4, b: Double = 0.3, steps: Int = 100_000, burnIn: Int = 1000
  ) throws -> LyapunovResult {
    let op = "rsa.henonLyapunov"
    try require(
      a.isFinite && b.isFinite && b != 0, op, "expected finite a and b ≠ 0, found \(a), \(b)")
    return try benettin(
      initial: [0.1, 0.1], count: 2, steps: steps, burnIn: burnIn, seed: 0,
      cancellation: .never, map: { [1 - a * $0[0] * $0[0] + $0[1], b * $0[0]] },
      jacobian: { [-2 * a * $0[0], 1, b, 0] })
  }
}

extension RSA.IteratedAttention {
  /// The top-k Lyapunov exponents of the iterated map (study spec: "top-k exponents only
  /// (RMSNorm's zero directions give −∞), after burn-in"; Tomihari & Karakida 2025, §5),
  /// by `RSA.lyapunovExponents` with the analytic step Jacobian. Defaults: k = 3,
  /// T = 300, burn-in 100, Q_0 from `seed` 0. Exponents in nats per step.
  public func lyapunov(
    from initial: Matrix, count: Int = 3, steps: Int = 300, burnIn: Int = 100,
    seed: UInt64 = 0, cancellation: Cancellation = .never
  ) throws -> RSA.LyapunovResult {
    try validate(initial, "rsa.lyapunov")
    return try RSA.benettin(
      initial: initial.elements, count: count, steps: steps, burnIn: burnIn, seed: seed,
      cancellation: cancellation, map: { try apply($0) }, jacobian: { try stepJacobian($0) })
  }
}
