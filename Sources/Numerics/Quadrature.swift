import Foundation

/// Numerical integration: adaptive Gauss–Kronrod on finite or infinite intervals and
/// Gaussian expectations by Gauss–Hermite rules.
public enum Quadrature {
  /// ∫ₐᵇ f(x) dx by globally adaptive Gauss–Kronrod 7–15 quadrature (the QUADPACK QAG
  /// strategy: Piessens, de Doncker-Kapenga, Überhuber & Kahaner, 1983, routines
  /// `qag`/`qk15`, without extrapolation).
  ///
  /// The interval with the largest error estimate is bisected until the summed error
  /// estimate is ≤ max(absoluteTolerance, relativeTolerance·|value|). The per-interval
  /// estimate is QUADPACK's: e = I_abs·min(1, (200 |K₁₅ − G₇| / I_abs)^{3/2}) with I_abs
  /// the integral of |f − mean|, floored at 50ε times the integral of |f|.
  ///
  /// Infinite endpoints are mapped to a finite interval (QUADPACK `qagi`):
  /// [a, ∞): x = a + t/(1 − t); (−∞, b]: x = b − (1 − t)/t; (−∞, ∞): x = t/(1 − t²),
  /// each with its Jacobian. The Kronrod nodes are interior, so f is never called at an
  /// infinite point.
  ///
  /// - Returns: the integral and the error estimate (an estimate, not a bound).
  /// - Throws: `invalidArgument` for NaN bounds or non-positive tolerances;
  ///   `nonFinite` when f returns NaN or ±∞; `noConvergence` when `maxSubdivisions`
  ///   intervals do not reach the tolerance; `cancelled` from `cancellation`.
  public static func integrate(
    _ f: (Double) throws -> Double, from a: Double, to b: Double,
    absoluteTolerance: Double = 1e-10, relativeTolerance: Double = 1e-10,
    maxSubdivisions: Int = 200, cancellation: Cancellation = .never
  ) throws -> (value: Double, errorEstimate: Double) {
    let operation = "integrate"
    guard !a.isNaN && !b.isNaN else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected numeric bounds, found \(a) and \(b)")
    }
    guard absoluteTolerance >= 0, relativeTolerance >= 0,
      absoluteTolerance > 0 || relativeTolerance > 0
    else {
      throw NumericsError.invalidArgument(
        operation: operation,
        message: "expected non-negative tolerances, not both zero; found "
          + "\(absoluteTolerance) and \(relativeTolerance)")
    }
    guard maxSubdivisions >= 1 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected maxSubdivisions ≥ 1, found \(maxSubdivisions)")
    }
    if a == b { return (0, 0) }
    if a > b {
      let r = try integrate(
        f, from: b, to: a, absoluteTolerance: absoluteTolerance,
        relativeTolerance: relativeTolerance, maxSubdivisions: maxSubdivisions,
        cancellation: cancellation)
      return (-r.value, r.errorEstimate)
    }
    let mapping: Mapping
    switch (a.isInfinite, b.isInfinite) {
    case (false, false): mapping = .finite
    case (false, true): mapping = .upperInfinite(a)
    case (true, false): mapping = .lowerInfinite(b)
    case (true, true): mapping = .bothInfinite
    }
    let (lo, hi) = mapping.interval(a, b)
    return try adapt(
      { t in try mapping.integrand(f, t) }, lo, hi, absoluteTolerance, relativeTolerance,
      maxSubdivisions, cancellation)
  }

  /// The change of variable x(t) for infinite endpoints; the integrand in t is
  /// f(x(t)) x′(t).
  private enum Mapping {
    case finite
    /// [a, ∞): x = a + t/(1 − t), t ∈ [0, 1).
    case upperInfinite(Double)
    /// (−∞, b]: x = b − (1 − t)/t, t ∈ (0, 1].
    case lowerInfinite(Double)
    /// (−∞, ∞): x = t/(1 − t²), t ∈ (−1, 1).
    case bothInfinite

    func interval(_ a: Double, _ b: Double) -> (Double, Double) {
      switch self {
      case .finite: return (a, b)
      case .upperInfinite, .lowerInfinite: return (0, 1)
      case .bothInfinite: return (-1, 1)
      }
    }

    @inline(__always)
    func integrand(_ f: (Double) throws -> Double, _ t: Double) throws -> Double {
      switch self {
      case .finite:
        return try f(t)
      case .upperInfinite(let a):
        let s = 1 - t
        return try f(a + t / s) / (s * s)
      case .lowerInfinite(let b):
        return try f(b - (1 - t) / t) / (t * t)
      case .bothInfinite:
        let s = 1 - t * t
        return try f(t / s) * (1 + t * t) / (s * s)
      }
    }
  }

  private struct Piece {
    var a: Double
    var b: Double
    var value: Double
    var error: Double
  }

  private static func adapt(
    _ g: (Double) throws -> Double, _ a: Double, _ b: Double, _ absTol: Double,
    _ relTol: Double, _ maxSubdivisions: Int, _ cancellation: Cancellation
  ) throws -> (value: Double, errorEstimate: Double) {
    var pieces = [try kronrod15(g, a, b)]
    var value = pieces[0].value
    var error = pieces[0].error
    while error > max(absTol, relTol * abs(value)) {
      try cancellation.check()
      guard pieces.count < maxSubdivisions else {
        throw NumericsError.noConvergence(operation: "integrate", iterations: pieces.count)
      }
      var worst = 0
      for i in pieces.indices where pieces[i].error > pieces[worst].error { worst = i }
      let p = pieces[worst]
      let mid = 0.5 * (p.a + p.b)
      // An interval too narrow to bisect cannot improve: the tolerance is out of reach.
      guard p.a < mid && mid < p.b else {
        throw NumericsError.noConvergence(operation: "integrate", iterations: pieces.count)
      }
      let left = try kronrod15(g, p.a, mid)
      let right = try kronrod15(g, mid, p.b)
      pieces[worst] = left
      pieces.append(right)
      // Re-sum rather than update, so rounding does not accumulate over many steps.
      value = 0
      error = 0
      for q in pieces {
        value += q.value
        error += q.error
      }
    }
    return (value, error)
  }

  /// Gauss–Kronrod 7–15 abscissae (Kronrod nodes at even indices 0, 2, …; Gauss nodes at
  /// odd indices; the centre last) and weights, from QUADPACK `qk15`.
  private static let xgk: [Double] = [
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.000000000000000000000000000000000,
  ]
  private static let wgk: [Double] = [
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
  ]
  private static let wg: [Double] = [
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
  ]

  /// One 15-point Kronrod / 7-point Gauss pair on [a, b] with QUADPACK's error estimate.
  private static func kronrod15(_ g: (Double) throws -> Double, _ a: Double, _ b: Double) throws
    -> Piece
  {
    let centre = 0.5 * (a + b)
    let half = 0.5 * (b - a)
    var fx = [Double](repeating: 0, count: 15)
    fx[7] = try g(centre)
    for j in 0..<7 {
      let dx = half * xgk[j]
      fx[j] = try g(centre - dx)
      fx[14 - j] = try g(centre + dx)
    }
    for v in fx where !v.isFinite {
      throw NumericsError.nonFinite(operation: "integrate")
    }
    var resultGauss = fx[7] * wg[3]
    var resultKronrod = fx[7] * wgk[7]
    var resultAbs = abs(resultKronrod)
    for j in 0..<7 {
      let pair = fx[j] + fx[14 - j]
      resultKronrod += wgk[j] * pair
      resultAbs += wgk[j] * (abs(fx[j]) + abs(fx[14 - j]))
      if j % 2 == 1 { resultGauss += wg[j / 2] * pair }
    }
    let meanValue = 0.5 * resultKronrod
    var resultAsc = wgk[7] * abs(fx[7] - meanValue)
    for j in 0..<7 {
      resultAsc += wgk[j] * (abs(fx[j] - meanValue) + abs(fx[14 - j] - meanValue))
    }
    let width = abs(half)
    resultAbs *= width
    resultAsc *= width
    var error = abs((resultKronrod - resultGauss) * half)
    if resultAsc != 0 && error != 0 {
      error = resultAsc * min(1, Foundation.pow(200 * error / resultAsc, 1.5))
    }
    if resultAbs > Double.leastNormalMagnitude / (50 * Double.ulpOfOne) {
      error = max(50 * Double.ulpOfOne * resultAbs, error)
    }
    return Piece(a: a, b: b, value: resultKronrod * half, error: error)
  }

  /// E_{z∼N(0,1)} f(z) ≈ Σᵢ wᵢ f(xᵢ) with the `nodes`-point probabilists' Gauss–Hermite
  /// rule: exact for polynomials of degree ≤ 2·nodes − 1; for smooth f the error decays
  /// faster than any power of `nodes`.
  ///
  /// - Throws: `invalidArgument` unless 1 ≤ nodes ≤ 200; `nonFinite` when the sum is NaN
  ///   or infinite.
  public static func gaussianExpectation(_ f: (Double) throws -> Double, nodes: Int = 64)
    throws -> Double
  {
    let rule = try GaussHermite.rule(nodes)
    let value = try rule.expectation(f)
    guard value.isFinite else { throw NumericsError.nonFinite(operation: "gaussianExpectation") }
    return value
  }

  /// E f(z₁, z₂) over a standard bivariate normal with correlation ρ ∈ [−1, 1]:
  /// z₂ = ρ z₁ + √(1 − ρ²) ξ with z₁, ξ independent N(0, 1), by the tensor product of two
  /// `nodes`-point Gauss–Hermite rules (nodes² evaluations; exact for polynomials of degree
  /// ≤ 2·nodes − 1 in each of z₁, ξ).
  ///
  /// - Throws: `invalidArgument` when ρ is outside [−1, 1] or nodes outside 1…200;
  ///   `nonFinite` when the sum is NaN or infinite.
  public static func gaussianExpectation2(
    _ f: (Double, Double) throws -> Double, correlation rho: Double, nodes: Int = 48
  ) throws -> Double {
    guard rho >= -1 && rho <= 1 else {
      throw NumericsError.invalidArgument(
        operation: "gaussianExpectation2", message: "expected correlation in [-1, 1], found \(rho)")
    }
    let rule = try GaussHermite.rule(nodes)
    let c = (1 - rho * rho).squareRoot()
    var total = 0.0
    for i in 0..<rule.nodes.count {
      let z1 = rule.nodes[i]
      var inner = 0.0
      for j in 0..<rule.nodes.count {
        inner += rule.weights[j] * (try f(z1, rho * z1 + c * rule.nodes[j]))
      }
      total += rule.weights[i] * inner
    }
    guard total.isFinite else { throw NumericsError.nonFinite(operation: "gaussianExpectation2") }
    return total
  }
}
