import Foundation
import Numerics

extension SD {
  /// The stage-1 saddle point of the square loss ((a + 1)/2 − y)² in closed form, for a
  /// learned bias (Takanami et al. 2025, App. B; spec "Square loss … stage 1 closes"):
  ///
  ///   Q̂ = αΔ/(2 + Δχ),  χ = 1/(λ + Q̂)  ⇒  λΔχ² + (2λ + αΔ − Δ)χ − 2 = 0 (positive root),
  ///   b = (2ρ − 1)(1 − 2θ − m),  m̂ = α(1 − 2θ − m − (2ρ − 1)b)/(2 + Δχ),  m = m̂χ
  ///   ⇒  m = K(1 − 2θ)/(1 + K),  K = 4ρ(1 − ρ)αχ/(2 + Δχ),
  ///   χ̂ = αΔ[ΔQ + E(s m + b − ŷ)²]/(2 + Δχ)²,  Q = (m̂² + χ̂)χ²  (linear in Q),
  ///
  /// with ŷ = 2y − 1 = ±s the noisy label, so E(s m + b − ŷ)² = (1 − θ)E(s(m − 1) + b)²
  /// + θ E(s(m + 1) + b)² over s = ±1 with P(s = 1) = ρ. Exact up to rounding; the
  /// problem's first λ and its data model are used, the later stages ignored.
  ///
  /// - Throws: `invalidArgument` when the problem does not use the square loss with a
  ///   learned bias.
  public static func squareLossStageOne(_ problem: Problem) throws -> (
    m: Double, q: Double, b: Double, chi: Double, mHat: Double, qHat: Double, chiHat: Double,
    error: Double
  ) {
    guard problem.loss == .square, problem.bias == .learned else {
      throw NumericsError.invalidArgument(
        operation: "sd.square_stage_one",
        message: "expected the square loss with a learned bias, found \(problem.loss.rawValue)"
          + " with bias \(problem.bias)")
    }
    let (alpha, delta, rho, theta) = (problem.alpha, problem.delta, problem.rho, problem.theta)
    let lambda = problem.lambdas[0]
    let p = 2 * lambda + alpha * delta - delta
    let chi = (-p + (p * p + 8 * lambda * delta).squareRoot()) / (2 * lambda * delta)
    let denominator = 2 + delta * chi
    let qHat = alpha * delta / denominator
    let k = 4 * rho * (1 - rho) * alpha * chi / denominator
    let m = k * (1 - 2 * theta) / (1 + k)
    let b = (2 * rho - 1) * (1 - 2 * theta - m)
    let mHat = m / chi
    func meanSquare(_ target: Double) -> Double {
      // E over s of (s m + b − target·s)², target = +1 (clean) or −1 (flipped).
      rho * pow(m + b - target, 2) + (1 - rho) * pow(-m + b + target, 2)
    }
    let residual = (1 - theta) * meanSquare(1) + theta * meanSquare(-1)
    let gain = alpha * delta / (denominator * denominator)
    let q = chi * chi * (mHat * mHat + gain * residual) / (1 - chi * chi * gain * delta)
    let chiHat = gain * (delta * q + residual)
    let error = testError(m: m, q: q, b: b, rho: rho, delta: delta)
    return (m, q, b, chi, mHat, qHat, chiHat, error)
  }
}
