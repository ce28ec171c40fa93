import Foundation
import Numerics

extension ONC {
  /// A cumulative link loss with class proportions π_k: the data of the UFM theory.
  public struct Model: Sendable, Equatable {
    /// The cumulative link loss (link and thresholds).
    public let loss: CumulativeLink
    /// π_0 … π_{Q−1}, positive, summing to 1.
    public let proportions: [Double]

    /// Validates one proportion per class, each finite and > 0; they are divided by their
    /// sum, so class counts may be given directly.
    public init(loss: CumulativeLink, proportions: [Double]) throws {
      let op = "onc.model"
      guard proportions.count == loss.classes else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected \(loss.classes) class proportions (one per class), found \(proportions.count)"
        )
      }
      for (k, p) in proportions.enumerated() where !(p.isFinite && p > 0) {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected finite proportions > 0, found π_\(k) = \(p)")
      }
      let total = proportions.reduce(0, +)
      self.loss = loss
      self.proportions = proportions.map { $0 / total }
    }

    /// Balanced classes, π_k = 1/Q.
    public init(loss: CumulativeLink) {
      self.loss = loss
      self.proportions = [Double](repeating: 1 / Double(loss.classes), count: loss.classes)
    }

    /// The critical constant C = Σ_k π_k ℓ′(0; k)²: a collapsed optimum with w ≠ 0 exists
    /// iff λ_h λ_w < C, i.e. λ_w < λ_w,c = C/λ_h (the trivial point H = 0, w = 0 loses
    /// stability there: the Hessian of L at 0 is positive definite iff λ_h λ_w > C).
    public var criticalConstant: Double {
      var c = 0.0
      for k in 0..<loss.classes {
        let t = loss.terms(0, k)
        let d = t.upper - t.lower
        c += proportions[k] * d * d
      }
      return c
    }

    /// λ_w,c = C/λ_h.
    /// - Throws: `invalidArgument` unless λ_h is finite and > 0.
    public func criticalLambdaW(lambdaH: Double) throws -> Double {
      try ONC.validateNonNegative(lambdaH, "lambda_h", strict: true, "onc.critical")
      return criticalConstant / lambdaH
    }

    /// The κ → 0 limit of the optimal latents: the minimiser of ℓ(·; k) for each class
    /// (ℓ′(z; k) = 0, solved by Brent's method), or ∓∞ for an outer class with an infinite
    /// threshold, whose latent diverges like log(1/κ). With a symmetric link (logit,
    /// probit) the finite limits are the midpoints (b_k + b_{k+1})/2 (ONC3).
    public func limitLatents() throws -> Vector {
      var out = [Double](repeating: 0, count: loss.classes)
      for k in 0..<loss.classes {
        let (lo, hi) = (loss.thresholds[k], loss.thresholds[k + 1])
        if !lo.isFinite {
          out[k] = -.infinity
        } else if !hi.isFinite {
          out[k] = .infinity
        } else {
          out[k] = try Solvers.brent(
            { z in
              let t = loss.terms(z, k)
              return t.upper - t.lower
            },
            bracket: lo, hi, tolerance: 1e-13)
        }
      }
      return Vector(out)
    }
  }

  /// The collapsed optimum of the UFM predicted by the equations of state.
  public struct StateSolution: Sendable {
    /// λ_h and λ_w.
    public let lambdaH: Double
    public let lambdaW: Double
    /// κ = √(λ_h λ_w): the latents depend on the regularisation only through κ.
    public let kappa: Double
    /// Whether the optimum is collapsed with w ≠ 0 (λ_h λ_w < C); false: the trivial
    /// optimum H = 0, w = 0.
    public let collapsed: Bool
    /// The optimal class latents z*_k = w*ᵀh*_k (zero for the trivial optimum).
    public let latents: Vector
    /// |w*| = (λ_h/λ_w)^{1/4} (Σ_k π_k z*_k²)^{1/4}.
    public let weightNorm: Double
    /// |h*_k| = |z*_k|/|w*| (zero for the trivial optimum).
    public let featureNorms: Vector
    /// The optimal objective L* = Σ_k π_k [ℓ(z*_k; k) + λ_h z*_k²/(2|w*|²)] + λ_w|w*|²/2.
    public let objective: Double
  }

  /// The equations of state of ordinal neural collapse and the one-dimensional root
  /// finding that solves them.
  ///
  /// With collapsed features h_k = (z_k/|w|²) w (ONC1–2), the objective reduces to
  /// Σ_k π_k [ℓ(z_k; k) + λ_h z_k²/(2s)] + λ_w s/2 with s = |w|²; stationarity gives
  ///   z_k + (s/λ_h) ℓ′(z_k; k) = 0,   s² = (λ_h/λ_w) Σ_k π_k z_k²
  /// (our derivation; consistent with Ma, Obuchi & Tanaka, NeurIPS 2025, abstract).
  /// With ε = s/λ_h and z_k = ε y_k, the first equation is y_k + ℓ′(ε y_k; k) = 0, strictly
  /// monotone in y_k for the log-concave links here, and the second becomes
  /// κ = √(Σ_k π_k y_k²) with κ = √(λ_h λ_w). As ε → 0, κ(ε) → √C; as ε → ∞, κ → 0.
  /// We solve y_k(ε) by Brent (`scaledLatents`, relative tolerance 1e-14), then
  /// κ(ε) = κ by Brent in log ε (tolerance 1e-13), so the latents are accurate to about
  /// 1e-12 relative.
  public static func solveState(
    _ model: Model, lambdaH: Double, lambdaW: Double
  ) throws -> StateSolution {
    let op = "onc.state"
    try validateNonNegative(lambdaH, "lambda_h", strict: true, op)
    try validateNonNegative(lambdaW, "lambda_w", strict: true, op)
    let kappa = (lambdaH * lambdaW).squareRoot()
    let c = model.criticalConstant
    let q = model.loss.classes
    guard kappa * kappa < c else {
      let value = (0..<q).reduce(0.0) { $0 - model.proportions[$1] * model.loss.terms(0, $1).0 }
      return StateSolution(
        lambdaH: lambdaH, lambdaW: lambdaW, kappa: kappa, collapsed: false,
        latents: Vector(count: q), weightNorm: 0, featureNorms: Vector(count: q),
        objective: value)
    }
    let limits = try model.limitLatents()
    func kappaOf(_ logEpsilon: Double) throws -> Double {
      let y = try scaledLatents(model, epsilon: Foundation.exp(logEpsilon), limits: limits)
      var s = 0.0
      for k in 0..<q { s += model.proportions[k] * y[k] * y[k] }
      return s.squareRoot()
    }
    var lo = 0.0
    var hi = 0.0
    while try kappaOf(lo) <= kappa {
      lo -= 2
      guard lo > -700 else {
        throw NumericsError.noConvergence(operation: op, iterations: 350)
      }
    }
    while try kappaOf(hi) >= kappa {
      hi += 2
      guard hi < 700 else {
        throw NumericsError.noConvergence(operation: op, iterations: 350)
      }
    }
    let logEpsilon = try Solvers.brent(
      { try kappaOf($0) - kappa }, bracket: lo, hi, tolerance: 1e-13)
    let epsilon = Foundation.exp(logEpsilon)
    let y = try scaledLatents(model, epsilon: epsilon, limits: limits)
    let z = y.map { epsilon * $0 }
    let s = lambdaH * epsilon
    let norm = s.squareRoot()
    var value = 0.5 * lambdaW * s
    for k in 0..<q {
      value +=
        model.proportions[k] * (-model.loss.terms(z[k], k).0 + lambdaH * z[k] * z[k] / (2 * s))
    }
    return StateSolution(
      lambdaH: lambdaH, lambdaW: lambdaW, kappa: kappa, collapsed: true, latents: Vector(z),
      weightNorm: norm, featureNorms: Vector(z.map { abs($0) / norm }), objective: value)
  }

  /// y_k(ε) solving y + ℓ′(ε y; k) = 0 for every class (see `solveState`).
  ///
  /// For ε ≤ 1 the root is sought in y (of order max|ℓ′| there), for ε > 1 in
  /// z = ε y as the root of ℓ′(z; k) + z/ε, so that Brent's tolerance
  /// (1e-14 × the bracket's magnitude) is relative to the quantity's own scale.
  /// ℓ′(·; k) increases through 0 at the minimiser z_k^min (`limitLatents`), so z lies
  /// between 0 and z_k^min: that bracket is used when z_k^min is finite (it also keeps
  /// cloglog away from latents where its loss overflows); otherwise the bracket grows
  /// from [−1, 1] by doubling.
  static func scaledLatents(_ model: Model, epsilon: Double, limits: Vector) throws -> [Double] {
    let loss = model.loss
    let inZ = epsilon > 1
    let scale = inZ ? 1 : epsilon
    return try (0..<loss.classes).map { k in
      let f = { (x: Double) -> Double in
        let t = loss.terms(scale * x, k)
        let d = t.upper - t.lower
        return inZ ? d + x / epsilon : x + d
      }
      var a = -1.0
      var b = 1.0
      if limits[k].isFinite {
        a = min(0, limits[k] / scale)
        b = max(0, limits[k] / scale)
        if a == b { return 0 }
      } else {
        while f(a) > 0 && a > -1e300 { a *= 2 }
        while f(b) < 0 && b < 1e300 { b *= 2 }
      }
      let root = try Solvers.brent(
        f, bracket: a, b, tolerance: 1e-14 * max(abs(a), abs(b)))
      return inZ ? root / epsilon : root
    }
  }

  /// The equations of state over paired (λ_h, λ_w) values, through the transition.
  public struct StateScan: Sendable {
    /// The pairs solved.
    public let lambdaH: Vector
    public let lambdaW: Vector
    /// One row of optimal class latents per pair (zeros above the transition).
    public let latents: Matrix
    /// |w*| per pair (zero above the transition).
    public let weightNorm: Vector
    /// 1 where the optimum is collapsed with w ≠ 0, 0 where it is trivial.
    public let collapsed: Vector
    /// The optimal objective per pair.
    public let objective: Vector
  }

  /// Solves the equations of state for each pair (λ_h[i], λ_w[i]); a length-1 vector is
  /// repeated to the length of the other.
  /// - Throws: `invalidArgument` for unequal lengths (other than 1) or non-positive values.
  public static func scanState(
    _ model: Model, lambdaH: Vector, lambdaW: Vector, cancellation: Cancellation = .never
  ) throws -> StateScan {
    let n = max(lambdaH.count, lambdaW.count)
    guard !lambdaH.isEmpty, !lambdaW.isEmpty,
      lambdaH.count == n || lambdaH.count == 1, lambdaW.count == n || lambdaW.count == 1
    else {
      throw NumericsError.invalidArgument(
        operation: "onc.state",
        message:
          "expected lambda_h and lambda_w of equal lengths (or one of length 1), found \(lambdaH.count) and \(lambdaW.count)"
      )
    }
    let q = model.loss.classes
    var latents = [Double](repeating: 0, count: n * q)
    var norms = [Double](repeating: 0, count: n)
    var collapsed = [Double](repeating: 0, count: n)
    var objective = [Double](repeating: 0, count: n)
    let lh = (0..<n).map { lambdaH.count == 1 ? lambdaH[0] : lambdaH[$0] }
    let lw = (0..<n).map { lambdaW.count == 1 ? lambdaW[0] : lambdaW[$0] }
    for i in 0..<n {
      try cancellation.check()
      let s = try solveState(model, lambdaH: lh[i], lambdaW: lw[i])
      for k in 0..<q { latents[i * q + k] = s.latents[k] }
      norms[i] = s.weightNorm
      collapsed[i] = s.collapsed ? 1 : 0
      objective[i] = s.objective
    }
    return StateScan(
      lambdaH: Vector(lh), lambdaW: Vector(lw),
      latents: try Matrix(rows: n, cols: q, elements: latents), weightNorm: Vector(norms),
      collapsed: Vector(collapsed), objective: Vector(objective))
  }
}
