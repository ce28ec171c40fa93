import Foundation
import Numerics

extension ONC {
  /// The loss of a cumulative link model with ordered thresholds b_0 < b_1 < … < b_Q:
  /// class k ∈ 0…Q−1 has probability P_k(z) = g(b_{k+1} − z) − g(b_k − z) and loss
  /// ℓ(z; k) = −log P_k(z) (Ma, Obuchi & Tanaka, NeurIPS 2025, the CLM of their §2; the
  /// paper's q = k + 1).
  ///
  /// The outer thresholds may be infinite (b_0 = −∞, b_Q = +∞: the usual CLM whose class
  /// probabilities sum to one) or finite (then the probabilities sum to less than one and
  /// every optimal latent stays finite). For the logit link
  /// ℓ′(z; k) = σ(z − b_{k+1}) − σ(b_k − z).
  public struct CumulativeLink: Sendable, Equatable {
    /// The link g.
    public let link: Link
    /// b_0 … b_Q, strictly increasing; only b_0 may be −∞ and only b_Q may be +∞.
    public let thresholds: [Double]

    /// The number of classes Q = thresholds.count − 1.
    public var classes: Int { thresholds.count - 1 }

    /// Validates Q ≥ 2 (at least three thresholds), no NaN, finite interior thresholds,
    /// b_0 < +∞, b_Q > −∞ and strict increase.
    public init(link: Link, thresholds: [Double]) throws {
      try ONC.validateThresholds(thresholds, "onc.link")
      self.link = link
      self.thresholds = thresholds
      logGaps = (0..<(thresholds.count - 1)).map {
        ONC.log1mexp(-(thresholds[$0 + 1] - thresholds[$0]))
      }
    }

    /// log(1 − e^{−(b_{k+1} − b_k)}) per class (0 when a threshold is infinite), for the
    /// logit shortcut in `terms`.
    private let logGaps: [Double]

    /// The class midpoints (b_k + b_{k+1})/2, nil for a class with an infinite threshold.
    /// With a symmetric link these are the minimisers of ℓ(·; k) (the ONC3 limit).
    public var midpoints: [Double?] {
      (0..<classes).map { k in
        let (lo, hi) = (thresholds[k], thresholds[k + 1])
        return lo.isFinite && hi.isFinite ? 0.5 * (lo + hi) : nil
      }
    }

    /// log P_k(z), accurate in relative terms in both tails (see `terms`).
    /// - Throws: `invalidArgument` for a class outside 0…Q−1 or a non-finite z.
    public func logProbability(_ z: Double, class k: Int) throws -> Double {
      try check(z, k, "onc.link")
      return terms(z, k).logProbability
    }

    /// ℓ(z; k) = −log P_k(z).
    /// - Throws: `invalidArgument` for a class outside 0…Q−1 or a non-finite z.
    public func loss(_ z: Double, class k: Int) throws -> Double {
      try check(z, k, "onc.link")
      return -terms(z, k).logProbability
    }

    /// ℓ′(z; k) = ∂ℓ/∂z = [g′(u) − g′(l)]/P_k(z), u = b_{k+1} − z, l = b_k − z.
    /// - Throws: `invalidArgument` for a class outside 0…Q−1 or a non-finite z.
    public func derivative(_ z: Double, class k: Int) throws -> Double {
      try check(z, k, "onc.link")
      let t = terms(z, k)
      return t.upper - t.lower
    }

    private func check(_ z: Double, _ k: Int, _ op: String) throws {
      try ONC.validateCount(k, "class", 0...(classes - 1), op)
      guard z.isFinite else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a finite latent z, found \(z)")
      }
    }

    /// The pieces of ℓ and its derivatives at latent z for class k (unchecked: 0 ≤ k < Q).
    ///
    /// With u = b_{k+1} − z > l = b_k − z, F = log g and S = log(1 − g):
    /// - log P = F(u) + log1mexp(F(l) − F(u)) when l < 0, and
    ///   log P = S(l) + log1mexp(S(u) − S(l)) when l ≥ 0 (both arguments in the upper
    ///   tail, where 1 − g keeps the digits g loses);
    /// - upper = g′(u)/P = exp(log g′(u) − log P) = −∂ℓ/∂b_{k+1},
    ///   lower = g′(l)/P = ∂ℓ/∂b_k, and ℓ′(z) = upper − lower.
    ///
    /// P and the ratios keep full relative accuracy unless u − l is within rounding of the
    /// latent's magnitude. For cloglog P underflows when l ≳ 709 (ℓ ≈ eˡ overflows): then
    /// log P = −∞ and the ratios are NaN, which callers report as `nonFinite`.
    func terms(_ z: Double, _ k: Int) -> (logProbability: Double, upper: Double, lower: Double) {
      let u = thresholds[k + 1] - z
      let l = thresholds[k] - z
      if link == .logit {
        // σ(u) − σ(l) = σ(u) σ(−l) (1 − e^{−(u−l)}) with u − l = b_{k+1} − b_k, so
        // log P = log σ(u) + log σ(−l) + log(1 − e^{−Δ_k}), a sum of three terms each
        // accurate to a few ulp; with σ′ = σ(x)σ(−x) the ratios are
        // upper = σ(−u)/(σ(−l)(1 − e^{−Δ_k})) and lower = σ(l)/(σ(u)(1 − e^{−Δ_k})).
        // Four exponentials and two log1p instead of the general path's sixteen calls.
        let au = Foundation.log1p(Foundation.exp(-abs(u)))
        let al = Foundation.log1p(Foundation.exp(-abs(l)))
        let logSigmaU = min(u, 0) - au
        let logSigmaMinusU = min(-u, 0) - au
        let logSigmaL = min(l, 0) - al
        let logSigmaMinusL = min(-l, 0) - al
        let gap = logGaps[k]
        return (
          logSigmaU + logSigmaMinusL + gap,
          Foundation.exp(logSigmaMinusU - logSigmaMinusL - gap),
          Foundation.exp(logSigmaL - logSigmaU - gap)
        )
      }
      return generalTerms(z, k)
    }

    /// `terms` for any link from log g, log(1 − g) and log g′ (described there).
    func generalTerms(_ z: Double, _ k: Int) -> (
      logProbability: Double, upper: Double, lower: Double
    ) {
      let u = thresholds[k + 1] - z
      let l = thresholds[k] - z
      let logP: Double
      if l < 0 {
        let fu = link.logCDF(u)
        logP = fu + ONC.log1mexp(link.logCDF(l) - fu)
      } else {
        let sl = link.logSurvival(l)
        logP = sl == -.infinity ? sl : sl + ONC.log1mexp(link.logSurvival(u) - sl)
      }
      let upper = Foundation.exp(link.logDensity(u) - logP)
      let lower = Foundation.exp(link.logDensity(l) - logP)
      return (logP, upper, lower)
    }
  }

  /// Throws `invalidArgument` unless the thresholds define Q ≥ 2 ordered classes.
  static func validateThresholds(_ b: [Double], _ op: String) throws {
    guard b.count >= 3 else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected at least 3 thresholds b_0 < … < b_Q (Q ≥ 2 classes), found \(b.count)")
    }
    for (i, x) in b.enumerated() {
      let allowed =
        x.isFinite || (i == 0 && x == -.infinity) || (i == b.count - 1 && x == .infinity)
      guard allowed else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected finite thresholds except b_0 = -inf and b_Q = +inf, found b_\(i) = \(x)")
      }
    }
    for i in 1..<b.count where !(b[i] > b[i - 1]) {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected strictly increasing thresholds, found b_\(i - 1) = \(b[i - 1]) ≥ b_\(i) = \(b[i])"
      )
    }
  }
}
