import Foundation
import Numerics

extension VGA {
  /// The VGA at one sampling rate τ = M/M₀: the solution of (S1)–(S3) and the learning
  /// quantities it predicts (averages over Poisson(τ) datasets drawn from the pool).
  public struct Solution: Sendable {
    /// The sampling rate τ = M/M₀.
    public let tau: Double
    /// The expected dataset size M = τM₀.
    public let size: Double
    /// The mean estimator m (length d), (S1).
    public let mean: Vector
    /// C (d × d), (S2): β × the thermal (posterior) covariance; at β = 1 it is the
    /// posterior covariance of the Gibbs measure.
    public let thermal: Matrix
    /// Q (d × d), (S3): the quenched (dataset-to-dataset) covariance of the estimator.
    public let quenched: Matrix
    /// Vᵤ = xᵤᵀCxᵤ for every pool example.
    public let poolV: Vector
    /// sᵤ = xᵤᵀQxᵤ for every pool example.
    public let poolS: Vector
    /// The expected test error on the test set: mean of (y − m·x)² + xᵀQx (square loss)
    /// or of E_z ℓ(m·x + √(xᵀQx) z; y) (logistic loss).
    public let testError: Double
    /// The expected training error (1/M₀)Σᵤ E_z[κ ℓ(u*ᵤ)] at the proximal points, e.g.
    /// (1/M₀)Σᵤ[(yᵤ − m·xᵤ)² + sᵤ]/(1 + Vᵤ)² for the square loss.
    public let trainError: Double
    /// Expected test and training misclassification (logistic loss only).
    public let testMisclassification: Double?
    public let trainMisclassification: Double?
    /// tr(Q)/d: the quenched variance per parameter.
    public let quenchedVariance: Double
    /// tr(C)/d: the thermal variance per parameter (× β).
    public let thermalVariance: Double
    /// Takeuchi's information-criterion penalty in VGA variables,
    /// κ(1/M₀)Σᵤ E_z[gᵤ²]Vᵤ = κ tr(QC⁻¹)/M — the quenched covariance measured in units of
    /// the thermal one — which predicts the train–test gap to leading order in 1/M
    /// (κ = 2 for squared residuals, 1 for the logistic loss).
    public let penalty: Double
    /// Fixed-point iterations of (S2) (square loss) or of the coupled system (logistic).
    public let iterations: Int
    /// Fixed-point iterations spent on the Q-equation before it converged or was solved
    /// directly.
    public let qIterations: Int
    /// How the Q-equation was solved: "closed form", "fixed point", "direct" or "coupled".
    public let qMethod: String

    /// The train–test gap test − train.
    public var gap: Double { testError - trainError }
  }

  /// Solves the VGA stationarity conditions at sampling rate τ on `pool`, reporting errors
  /// on `test`; `start` (a solution at a nearby τ) warm-starts the iteration.
  ///
  /// Square loss, matrix ansatz: (S2) is iterated on the weights νᵤ = 1/(1 + Vᵤ) with
  /// `Solvers.fixedPoint` (each step one Cholesky inverse of λI + τXᵀdiag(ν)X and the
  /// row-wise forms xᵤᵀCxᵤ); (S1) is then the linear solve m = C τXᵀ(ν∘y); (S3) is the
  /// linear `QEquation`. Scalar ansatz (C = χI, Q = qI, the trace of (S2), (S3)):
  /// 1/χ = λ + (τ/d)Σᵤ nᵤ/(1 + χnᵤ) with nᵤ = |xᵤ|², then q = a/(1 − b) with
  /// a = (χ²τ/d)Σᵤ nᵤrᵤ²/(1 + χnᵤ)², b = (χ²τ/d)Σᵤ nᵤ²/(1 + χnᵤ)². Logistic loss: the
  /// state (m, ν, s) is iterated jointly, each step the Newton-type update of (S1)
  /// m ← C τXᵀ(E[∂g]∘(Xm) − E[g]) with C from (S2) and Q from (S3), the averages by
  /// Gauss–Hermite (`LogisticEnvelope`). Converged to `settings.tolerance` on ν, m and s;
  /// throws `noConvergence` otherwise (try damping, or a larger λ).
  public static func solve(
    pool: Data, test: Data, tau: Double, settings: Settings, start: Solution? = nil,
    cancellation: Cancellation = .never
  ) throws -> Solution {
    let op = "vga.solve"
    try validate(pool: pool, test: test, loss: settings.loss, op)
    try validate(tau: tau, op)
    guard settings.lambda > 0 || tau * Double(pool.count) > Double(pool.dimension) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected M = tau·M0 larger than the dimension \(pool.dimension) at lambda = 0, found M = \(tau * Double(pool.count))"
      )
    }
    let warm = start.flatMap { $0.poolV.count == pool.count ? $0 : nil }
    switch (settings.loss, settings.ansatz) {
    case (.square, .matrix):
      return try squareMatrix(pool, test, tau, settings, warm, cancellation)
    case (.square, .scalar):
      return try squareScalar(pool, test, tau, settings, cancellation)
    case (.logistic, _):
      return try logistic(pool, test, tau, settings, warm, cancellation)
    }
  }

  /// λI + τXᵀdiag(w)X inverted: C of (S2) for the curvature weights w.
  static func thermalCovariance(_ x: Matrix, _ w: Vector, _ tau: Double, _ lambda: Double)
    throws -> Matrix
  {
    var a = try Products.weightedGram(x, w)
    for e in 0..<a.count { a.elements[e] *= tau }
    for i in 0..<a.rows { a[i, i] += lambda }
    return try Products.spdInverse(a, "vga.solve")
  }

  static func squareMatrix(
    _ pool: Data, _ test: Data, _ tau: Double, _ settings: Settings, _ warm: Solution?,
    _ cancellation: Cancellation
  ) throws -> Solution {
    let x = pool.inputs
    let nuStart =
      warm.map { $0.poolV.map { 1 / (1 + $0) } } ?? Vector(count: pool.count, repeating: 1)
    let fp = try Solvers.fixedPoint(
      { nu in
        let c = try thermalCovariance(x, nu, tau, settings.lambda)
        return try Products.rowQuadratic(x, c).map { 1 / (1 + max($0, 0)) }
      }, start: nuStart, damping: settings.damping, tolerance: settings.tolerance,
      maxIterations: settings.maxIterations, cancellation: cancellation)
    guard fp.converged else {
      throw NumericsError.noConvergence(operation: "vga.solve (S2)", iterations: fp.iterations)
    }
    let nu = fp.x
    let c = try thermalCovariance(x, nu, tau, settings.lambda)
    let v = try Products.rowQuadratic(x, c)
    let xy = try BLAS.gemv(x, Vector(zip(nu, pool.targets).map { tau * $0 * $1 }), transpose: true)
    let m = try BLAS.gemv(c, xy)
    let residual = Vector(zip(pool.targets, try BLAS.gemv(x, m)).map { $0 - $1 })
    let a = Vector(nu.map { tau * $0 * $0 })
    let q0 = try Products.sandwich(
      c, try Products.weightedGram(x, Vector(zip(a, residual).map { $0 * $1 * $1 })))
    let qs = try QEquation.solve(
      x: x, c: c, weights: a, q0: q0, settings: settings, cancellation: cancellation)
    let testS = try Products.rowQuadratic(test.inputs, qs.q)
    return try squareSolution(
      pool: pool, test: test, tau: tau, m: m, c: c, q: qs.q, v: v, s: qs.s, testS: testS,
      iterations: fp.iterations, qIterations: qs.iterations, qMethod: qs.method)
  }

  static func squareScalar(
    _ pool: Data, _ test: Data, _ tau: Double, _ settings: Settings,
    _ cancellation: Cancellation
  ) throws -> Solution {
    let x = pool.inputs
    let d = Double(pool.dimension)
    let norms = Products.rowDot(x, x)
    func chi(_ nu: Double) -> Double { 1 / nu - 1 }
    let fp = try Solvers.fixedPoint(
      { nu in
        let c = chi(nu[0])
        let sum = norms.reduce(0) { $0 + $1 / (1 + c * $1) }
        let next = 1 / (settings.lambda + tau * sum / d)
        return [1 / (1 + next)]
      }, start: [1], damping: settings.damping, tolerance: settings.tolerance,
      maxIterations: settings.maxIterations, cancellation: cancellation)
    guard fp.converged, fp.x[0] > 0 else {
      throw NumericsError.noConvergence(
        operation: "vga.solve (scalar χ)", iterations: fp.iterations)
    }
    let c = chi(fp.x[0])
    let v = norms.map { c * $0 }
    let nu = Vector(v.map { 1 / (1 + $0) })
    let cFull = try thermalCovariance(x, nu, tau, settings.lambda)
    let xy = try BLAS.gemv(x, Vector(zip(nu, pool.targets).map { tau * $0 * $1 }), transpose: true)
    let m = try BLAS.gemv(cFull, xy)
    let residual = Vector(zip(pool.targets, try BLAS.gemv(x, m)).map { $0 - $1 })
    var a = 0.0
    var b = 0.0
    for i in 0..<pool.count {
      let w = c * c * tau / d * nu[i] * nu[i]
      a += w * norms[i] * residual[i] * residual[i]
      b += w * norms[i] * norms[i]
    }
    guard b < 1 else {
      throw NumericsError.invalidArgument(
        operation: "vga.solve",
        message: "expected a contracting scalar Q-equation (b < 1), found b = \(b)")
    }
    let q = a / (1 - b)
    let d0 = pool.dimension
    return try squareSolution(
      pool: pool, test: test, tau: tau, m: m, c: scaledIdentity(d0, c),
      q: scaledIdentity(d0, q), v: v, s: norms.map { q * $0 },
      testS: Products.rowDot(test.inputs, test.inputs).map { q * $0 },
      iterations: fp.iterations, qIterations: 0, qMethod: .closedForm)
  }

  /// The learning quantities of a square-loss solution.
  static func squareSolution(
    pool: Data, test: Data, tau: Double, m: Vector, c: Matrix, q: Matrix, v: Vector,
    s: Vector, testS: Vector, iterations: Int, qIterations: Int, qMethod: QEquation.Method
  ) throws -> Solution {
    let predictions = try BLAS.gemv(pool.inputs, m)
    var train = 0.0
    var penalty = 0.0
    for i in 0..<pool.count {
      let r = pool.targets[i] - predictions[i]
      let g2 = (r * r + s[i]) / ((1 + v[i]) * (1 + v[i]))
      train += g2
      penalty += g2 * v[i]
    }
    let testPredictions = try BLAS.gemv(test.inputs, m)
    var testError = 0.0
    for i in 0..<test.count {
      let r = test.targets[i] - testPredictions[i]
      testError += r * r + testS[i]
    }
    let m0 = Double(pool.count)
    let d = Double(pool.dimension)
    return Solution(
      tau: tau, size: tau * m0, mean: m, thermal: c, quenched: q, poolV: v, poolS: s,
      testError: testError / Double(test.count), trainError: train / m0,
      testMisclassification: nil, trainMisclassification: nil,
      quenchedVariance: q.trace / d, thermalVariance: c.trace / d,
      penalty: Loss.square.errorScale * penalty / m0, iterations: iterations,
      qIterations: qIterations, qMethod: qMethod.rawValue)
  }

  static func scaledIdentity(_ n: Int, _ x: Double) -> Matrix {
    var a = Matrix(rows: n, cols: n)
    for i in 0..<n { a[i, i] = x }
    return a
  }

  /// One step of the coupled logistic map on (m, ν, s), returning the new state and the
  /// quantities it computed on the way.
  static func logisticStep(
    _ pool: Data, _ tau: Double, _ settings: Settings, _ rule: GaussHermite,
    m: Vector, nu: Vector, s: Vector
  ) throws -> (
    m: Vector, c: Matrix, q: Matrix, v: Vector, s: Vector, moments: [LogisticEnvelope.Moments]
  ) {
    let x = pool.inputs
    let omega = try BLAS.gemv(x, m)
    let moments = (0..<pool.count).map { i in
      LogisticEnvelope.moments(
        omega: omega[i], s: max(s[i], 0), v: 1 / nu[i] - 1, y: pool.targets[i], rule: rule)
    }
    let c = try thermalCovariance(x, Vector(moments.map(\.dg)), tau, settings.lambda)
    let force = Vector((0..<pool.count).map { tau * (moments[$0].dg * omega[$0] - moments[$0].g) })
    let newM = try BLAS.gemv(c, try BLAS.gemv(x, force, transpose: true))
    var j = try Products.weightedGram(x, Vector(moments.map(\.g2)))
    for e in 0..<j.count { j.elements[e] *= tau }
    let q = try Products.sandwich(c, j)
    return (
      newM, c, q, try Products.rowQuadratic(x, c), try Products.rowQuadratic(x, q), moments
    )
  }

  static func logistic(
    _ pool: Data, _ test: Data, _ tau: Double, _ settings: Settings, _ warm: Solution?,
    _ cancellation: Cancellation
  ) throws -> Solution {
    guard settings.lambda > 0 else {
      throw NumericsError.invalidArgument(
        operation: "vga.solve",
        message:
          "expected lambda > 0 for the logistic loss (separable data has no finite λ = 0 estimator), found 0"
      )
    }
    let rule = try GaussHermite.rule(settings.quadraturePoints)
    let (d, n) = (pool.dimension, pool.count)
    let norms = Products.rowDot(pool.inputs, pool.inputs)
    var state = [Double]()
    if let warm {
      state = warm.mean.elements + warm.poolV.elements.map { 1 / (1 + $0) } + warm.poolS.elements
    } else {
      let v0 = norms.map { $0 / (settings.lambda + tau * Double(n) / Double(d)) }
      state =
        [Double](repeating: 0, count: d) + v0.elements.map { 1 / (1 + $0) }
        + [Double](repeating: 0, count: n)
    }
    func split(_ z: Vector) -> (Vector, Vector, Vector) {
      (
        Vector(z.elements[0..<d]), Vector(z.elements[d..<(d + n)]),
        Vector(z.elements[(d + n)...])
      )
    }
    let fp = try Solvers.fixedPoint(
      { z in
        let (m, nu, s) = split(z)
        let r = try logisticStep(pool, tau, settings, rule, m: m, nu: nu, s: s)
        return Vector(r.m.elements + r.v.elements.map { 1 / (1 + max($0, 0)) } + r.s.elements)
      }, start: Vector(state), damping: settings.damping, tolerance: settings.tolerance,
      maxIterations: settings.maxIterations, cancellation: cancellation)
    guard fp.converged else {
      throw NumericsError.noConvergence(
        operation: "vga.solve (logistic)", iterations: fp.iterations)
    }
    let (m, nu, s) = split(fp.x)
    let r = try logisticStep(pool, tau, settings, rule, m: m, nu: nu, s: s)
    let v = nu.map { 1 / $0 - 1 }
    var train = 0.0
    var trainMis = 0.0
    var penalty = 0.0
    for i in 0..<n {
      train += r.moments[i].loss
      trainMis += r.moments[i].error
      penalty += r.moments[i].g2 * v[i]
    }
    let testOmega = try BLAS.gemv(test.inputs, m)
    let testS = try Products.rowQuadratic(test.inputs, r.q)
    var testLoss = 0.0
    var testMis = 0.0
    for i in 0..<test.count {
      let (omega, si, y) = (testOmega[i], max(testS[i], 0), test.targets[i])
      testLoss += LogisticEnvelope.testLoss(omega: omega, s: si, y: y, rule: rule)
      testMis += LogisticEnvelope.testError(omega: omega, s: si, y: y)
    }
    let (m0, t) = (Double(n), Double(test.count))
    return Solution(
      tau: tau, size: tau * m0, mean: m, thermal: r.c, quenched: r.q, poolV: v, poolS: r.s,
      testError: testLoss / t, trainError: train / m0,
      testMisclassification: testMis / t, trainMisclassification: trainMis / m0,
      quenchedVariance: r.q.trace / Double(d), thermalVariance: r.c.trace / Double(d),
      penalty: Loss.logistic.errorScale * penalty / m0, iterations: fp.iterations,
      qIterations: 0, qMethod: QEquation.Method.coupled.rawValue)
  }
}
