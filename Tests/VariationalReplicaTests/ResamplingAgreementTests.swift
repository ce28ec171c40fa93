import Foundation
import Numerics
import Testing

@testable import VariationalReplica

/// The VGA against Poisson-resampling Monte Carlo on the same pool at τ ≪ 1 (design
/// document, Checks): test error within 1%, training error within 1.5% (its O(1/M)
/// correction is visible at M = 100), variances within 1% plus three standard errors of
/// the Monte Carlo estimate.
@Suite struct ResamplingAgreementTests {
  static let (d, m0, tau) = (20, 2000, 0.05)

  static func close(_ a: Double, _ b: Double, _ relative: Double, se: Double = 0) -> Bool {
    abs(a - b) <= relative * abs(b) + 3 * se
  }

  /// Isotropic inputs: matrix and scalar versions both agree with resampling.
  @Test func isotropic() throws {
    let syn = try VGA.synthetic(
      poolSize: Self.m0, testSize: 1000, dimension: Self.d, noise: 0.5, seed: 3)
    let mc = try VGA.resample(
      pool: syn.pool, test: syn.test, tau: Self.tau, lambda: 0.5, resamples: 400, seed: 7)
    for ansatz in VGA.Ansatz.allCases {
      let vga = try VGA.solve(
        pool: syn.pool, test: syn.test, tau: Self.tau,
        settings: try VGA.Settings(lambda: 0.5, ansatz: ansatz))
      #expect(Self.close(vga.testError, mc.testError, 0.01), "\(ansatz)")
      #expect(Self.close(vga.trainError, mc.trainError, 0.015), "\(ansatz)")
      #expect(
        Self.close(vga.quenchedVariance, mc.quenchedVariance, 0.01, se: mc.quenchedSE),
        "\(ansatz)")
      #expect(
        Self.close(vga.thermalVariance, mc.thermalVariance, 0.01, se: mc.thermalSE), "\(ansatz)")
    }
  }

  /// Input variances spread over a factor κ = 100: the matrix version still agrees; the
  /// scalar version misses the test error by more than 2.5% and the variances by more
  /// than a factor 2.
  @Test func anisotropic() throws {
    let syn = try VGA.synthetic(
      poolSize: Self.m0, testSize: 1000, dimension: Self.d, noise: 0.5, anisotropy: 100,
      seed: 3)
    let mc = try VGA.resample(
      pool: syn.pool, test: syn.test, tau: Self.tau, lambda: 0.1, resamples: 400, seed: 7)
    let matrix = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: Self.tau, settings: try VGA.Settings(lambda: 0.1))
    #expect(Self.close(matrix.testError, mc.testError, 0.01))
    #expect(Self.close(matrix.trainError, mc.trainError, 0.015))
    #expect(Self.close(matrix.quenchedVariance, mc.quenchedVariance, 0.01, se: mc.quenchedSE))
    #expect(Self.close(matrix.thermalVariance, mc.thermalVariance, 0.01, se: mc.thermalSE))
    let scalar = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: Self.tau,
      settings: try VGA.Settings(lambda: 0.1, ansatz: .scalar))
    #expect(abs(scalar.testError / mc.testError - 1) > 0.025)
    #expect(mc.quenchedVariance / scalar.quenchedVariance > 2)
    #expect(mc.thermalVariance / scalar.thermalVariance > 2)
  }

  /// Logistic regression (d = 10, M₀ = 1000, τ = 0.1, λ = 0.1, 24-point Gauss–Hermite):
  /// test loss and misclassification within 1%, training loss within 2%, the quenched
  /// variance within 2% plus three standard errors, against Newton fits of 300 resamples.
  @Test func logistic() throws {
    let syn = try VGA.synthetic(
      poolSize: 1000, testSize: 500, dimension: 10, noise: 0.3, anisotropy: 10,
      loss: .logistic, seed: 3)
    let mc = try VGA.resample(
      pool: syn.pool, test: syn.test, tau: 0.1, lambda: 0.1, loss: .logistic, resamples: 300,
      seed: 7)
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: 0.1,
      settings: try VGA.Settings(lambda: 0.1, loss: .logistic, quadraturePoints: 24))
    #expect(vga.qMethod == "coupled")
    #expect(Self.close(vga.testError, mc.testError, 0.01, se: mc.testSE))
    #expect(
      Self.close(
        try #require(vga.testMisclassification), try #require(mc.testMisclassification), 0.01))
    #expect(Self.close(vga.trainError, mc.trainError, 0.02, se: mc.trainSE))
    #expect(Self.close(vga.quenchedVariance, mc.quenchedVariance, 0.02, se: mc.quenchedSE))
  }

  /// The train–test gap of the VGA matches the resampled one within 3%, and Takeuchi's
  /// penalty tr(QC⁻¹)·2/M predicts it to leading order (within 15% at M = 100, d = 20).
  @Test func informationCriterionGap() throws {
    let syn = try VGA.synthetic(
      poolSize: Self.m0, testSize: 1000, dimension: Self.d, noise: 0.5, seed: 5)
    let mc = try VGA.resample(
      pool: syn.pool, test: syn.test, tau: Self.tau, lambda: 0.5, resamples: 400, seed: 9)
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: Self.tau, settings: try VGA.Settings(lambda: 0.5))
    #expect(Self.close(vga.gap, mc.gap, 0.03, se: mc.trainSE))
    #expect(abs(vga.penalty / vga.gap - 1) < 0.15)
  }
}
