import Foundation
import Numerics

/// The Moreau envelope of the logistic loss and its Gaussian averages.
///
/// For ℓ(u; y) = log(1 + e^{−yu}) with y = ±1, the proximal point u* of
/// 𝓜_V(h; y) = min_u ℓ(u; y) + (u − h)²/(2V) is found in the margin t = yu, where it
/// solves f(t) = (t − yh)/V − σ(−t) = 0 with σ the logistic function. f is increasing
/// (f′ = 1/V + σ(t)σ(−t) > 0) and has its root in [yh, yh + V], so Newton's method
/// safeguarded by bisection on that bracket converges to |Δt| ≤ 1e-13(1 + |t|).
/// Then (design document; Parikh & Boyd, "Proximal Algorithms", §3.1)
///
///     g = ∂_h 𝓜 = (h − u*)/V = −y σ(−t*),   ∂_h g = ℓ″(u*)/(1 + Vℓ″(u*)),  ℓ″ = σ(t*)σ(−t*).
///
/// Averages over h = ω + √s z, z ~ N(0, 1), use an n-point Gauss–Hermite rule (exact for
/// polynomials of degree 2n − 1; the integrands are smooth and bounded, and 40 points give
/// about 1e-10 relative accuracy for √s ≲ 10).
enum LogisticEnvelope {
  /// Gaussian averages of one example's envelope quantities.
  struct Moments {
    /// E_z[g].
    var g = 0.0
    /// E_z[∂_h g].
    var dg = 0.0
    /// E_z[g²].
    var g2 = 0.0
    /// E_z[ℓ(u*)]: the in-sample (training) loss.
    var loss = 0.0
    /// E_z[1(y u* < 0)]: the in-sample misclassification.
    var error = 0.0
  }

  /// σ(x) = 1/(1 + e^{−x}), exact to rounding for all x (e^{−x} overflows to ∞ harmlessly).
  static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

  /// log(1 + e^{−t}) without overflow: −t + log1p(e^{t}) for t < 0.
  static func softplusOfNegative(_ t: Double) -> Double {
    t >= 0 ? log1p(exp(-t)) : -t + log1p(exp(t))
  }

  /// The proximal margin t* for margin a = yh and width V > 0.
  static func proximalMargin(_ a: Double, _ v: Double) -> Double {
    var lo = a
    var hi = a + v
    var t = a + v * sigmoid(-a)
    for _ in 0..<100 {
      let sm = sigmoid(-t)
      let f = (t - a) / v - sm
      if f > 0 { hi = t } else { lo = t }
      let next = t - f / (1 / v + sm * (1 - sm))
      let step = next > lo && next < hi ? next : 0.5 * (lo + hi)
      if abs(step - t) <= 1e-13 * (1 + abs(t)) { return step }
      t = step
    }
    return t
  }

  /// The averages over h = ω + √s z of one example with label y and width V.
  static func moments(
    omega: Double, s: Double, v: Double, y: Double, rule: GaussHermite
  ) -> Moments {
    var out = Moments()
    let root = s.squareRoot()
    for k in 0..<rule.nodes.count {
      let w = rule.weights[k]
      let a = y * (omega + root * rule.nodes[k])
      let t = proximalMargin(a, v)
      let sm = sigmoid(-t)
      let curvature = sm * (1 - sm)
      out.g += w * (-y * sm)
      out.dg += w * curvature / (1 + v * curvature)
      out.g2 += w * sm * sm
      out.loss += w * softplusOfNegative(t)
      if t < 0 { out.error += w }
    }
    return out
  }

  /// E_z[ℓ(ω + √s z; y)]: the expected test loss of one example.
  static func testLoss(omega: Double, s: Double, y: Double, rule: GaussHermite) -> Double {
    let root = s.squareRoot()
    return rule.expectation { z in softplusOfNegative(y * (omega + root * z)) }
  }

  /// P_z[y(ω + √s z) < 0] = erfc(yω/√(2s))/2, the expected test misclassification (a step
  /// at s = 0).
  static func testError(omega: Double, s: Double, y: Double) -> Double {
    let margin = y * omega
    if s <= 0 { return margin < 0 ? 1 : (margin == 0 ? 0.5 : 0) }
    return 0.5 * erfc(margin / (2 * s).squareRoot())
  }
}
