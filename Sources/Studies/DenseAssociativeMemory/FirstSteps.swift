import Foundation
import Numerics

extension DAM {
  /// The first two steps of parallel zero-temperature dynamics in closed form.
  public struct ExactSteps: Sendable, Equatable {
    /// The order n and load α they belong to, and the initial overlap m0.
    public let order: Int
    public let alpha: Double
    public let initialOverlap: Double
    /// m(1), exact as N → ∞.
    public let m1: Double
    /// m(2) in closed form (with the retarded self-interaction).
    public let m2: Double
    /// The response G(1,0) = ∂m(1)/∂θ(0).
    public let response10: Double
    /// The correlation C(1,0) = m0 · m(1).
    public let correlation10: Double
    /// The crosstalk variance at t = 0: V = α(2k − 1)!! (α for n = 2).
    public let variance: Double
    /// The naive signal-to-noise value erf(m(1)^k/√(2V)), wrong at t = 2.
    public let naiveM2: Double
  }

  /// m(1) and m(2) of the dense associative memory under parallel T = 0 dynamics; n = 2
  /// is routed to the Hopfield result `hopfieldExactSteps`.
  ///
  /// For k = n − 1 ≥ 2 (study: Mimura et al., ICLR 2026, arXiv 2506.00851; the formulas
  /// are the study design's reconstruction and are checked against simulation in the tests):
  ///   V = α(2k − 1)!!,  m(1) = erf(m0^k/√(2V))            (exact: Gaussian crosstalk),
  ///   G10 = 2φ_V(m0^k),  C10 = m0 m(1),  R = α k² G10 Q_{k−1}(C10),
  ///   m(2) = ((1+m0)/2) erf((m(1)^k + R)/√(2V)) + ((1−m0)/2) erf((m(1)^k − R)/√(2V)),
  /// with φ_V the N(0, V) density. The naive SNA drops R.
  ///
  /// - Throws: `invalidArgument` for n < 2 or n > `maximumOrder`, α ≤ 0, or m0 ∉ (0, 1].
  public static func exactSteps(order n: Int, alpha: Double, initialOverlap m0: Double)
    throws -> ExactSteps
  {
    let op = "dam.exact_steps"
    try validateTheory(order: n, alpha: alpha, initialOverlap: m0, op)
    if n == 2 { return try hopfieldExactSteps(alpha: alpha, initialOverlap: m0) }
    let k = n - 1
    let v = alpha * momentQ(k, 1)
    let s = (2 * v).squareRoot()
    let m1 = Special.erf(power(m0, k) / s)
    let x = power(m0, k)
    let g10 = 2 * exp(-x * x / (2 * v)) / (2 * Double.pi * v).squareRoot()
    let c10 = m0 * m1
    let r = alpha * Double(k * k) * g10 * momentQ(k - 1, c10)
    let signal = power(m1, k)
    let m2 =
      0.5 * (1 + m0) * Special.erf((signal + r) / s) + 0.5 * (1 - m0)
      * Special.erf((signal - r) / s)
    return ExactSteps(
      order: n, alpha: alpha, initialOverlap: m0, m1: m1, m2: m2, response10: g10,
      correlation10: c10, variance: v, naiveM2: Special.erf(signal / s))
  }

  /// The naive signal-to-noise recursion m(t + 1) = erf(m(t)^k/√(2V)), V = α(2k − 1)!!
  /// (k = n − 1; for n = 2 this is erf(m/√(2α))), m(0) = m0: exact for t = 1 only, since
  /// it drops the retarded self-interaction (Mimura et al., ICLR 2026; for n = 2,
  /// Gardner, Derrida & Mottishaw, J. Physique 48, 741 (1987)).
  static func naiveTrajectory(order n: Int, alpha: Double, initialOverlap m0: Double, steps: Int)
    -> [Double]
  {
    let k = n - 1
    let s = (2 * alpha * momentQ(k, 1)).squareRoot()
    var m = [m0]
    for _ in 0..<steps { m.append(Special.erf(power(m.last!, k) / s)) }
    return m
  }

  /// Throws `invalidArgument` for n ∉ [2, maximumOrder], α ∉ (0, ∞) or m0 ∉ (0, 1].
  static func validateTheory(order n: Int, alpha: Double, initialOverlap m0: Double, _ op: String)
    throws
  {
    try validateCount(n, "order n", 2...maximumOrder, op)
    guard alpha.isFinite && alpha > 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a finite load alpha > 0, found \(alpha)")
    }
    try validateInitialOverlap(m0, op)
  }
}
