import Foundation
import Numerics

extension VGA {
  /// The classical replica-symmetric learning curve of ridge regression on an idealised
  /// distribution: the independent check of the VGA on isotropic data.
  public struct RidgeReplica: Sendable, Equatable {
    /// χ: the thermal variance per parameter (× β).
    public let chi: Double
    /// m = w*·m/|w*|²: the teacher overlap of the mean estimator.
    public let overlap: Double
    /// q: the quenched variance per parameter.
    public let q: Double
    /// ε_m = (1 − m)²: the squared bias per unit teacher norm.
    public let bias: Double
    /// Test error σ² + ε_m + q.
    public let testError: Double
    /// Training error test/(1 + χ)².
    public let trainError: Double
    /// Takeuchi's penalty 2 tr(QC⁻¹)/M = 2q/(χα) (in squared residuals).
    public let penalty: Double
  }

  /// The replica formulas for ridge regression with inputs x ~ N(0, I/d), a teacher with
  /// |w*|² = d, targets y = w*·x + σξ, M = αd examples and penalty λ|w|²/2, in the limit
  /// d → ∞ (e.g. Krogh & Hertz, J. Phys. A 25, 1135 (1992); design document, Checks):
  ///
  ///     χ = 1/(λ + α/(1 + χ)),   m = α/(λ(1 + χ) + α),   ε_m = (1 − m)²,
  ///     q = χ²α(ε_m + σ²)/((1 + χ)² − χ²α),   test = σ² + ε_m + q,   train = test/(1 + χ)².
  ///
  /// χ is the positive root of λχ² + (λ + α − 1)χ − 1 = 0, evaluated as
  /// 2/[(λ + α − 1) + √((λ + α − 1)² + 4λ)] (no cancellation; λ = 0 gives the ordinary
  /// least-squares χ = 1/(α − 1), test = σ²α/(α − 1), train = σ²(1 − 1/α)). Exact to
  /// rounding. Throws unless α > 0, σ ≥ 0 and λ ≥ 0, with λ > 0 or α > 1.
  public static func ridgeReplica(alpha: Double, lambda: Double, noise: Double) throws
    -> RidgeReplica
  {
    let op = "vga.replica"
    guard alpha.isFinite && alpha > 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a finite load alpha = M/d > 0, found \(alpha)")
    }
    guard lambda.isFinite && lambda >= 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a finite ridge strength lambda ≥ 0, found \(lambda)")
    }
    guard noise.isFinite && noise >= 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a finite noise level sigma ≥ 0, found \(noise)")
    }
    guard lambda > 0 || alpha > 1 else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected alpha > 1 at lambda = 0 (least squares needs M > d), found alpha = \(alpha)"
      )
    }
    let b = lambda + alpha - 1
    let chi = 2 / (b + (b * b + 4 * lambda).squareRoot())
    let m = alpha / (lambda * (1 + chi) + alpha)
    let bias = (1 - m) * (1 - m)
    let sigma2 = noise * noise
    let q = chi * chi * alpha * (bias + sigma2) / ((1 + chi) * (1 + chi) - chi * chi * alpha)
    let test = sigma2 + bias + q
    return RidgeReplica(
      chi: chi, overlap: m, q: q, bias: bias, testError: test,
      trainError: test / ((1 + chi) * (1 + chi)), penalty: 2 * q / (chi * alpha))
  }
}
