import Foundation
import Numerics
import Testing

@testable import RecurrentSelfAttention

@Suite struct LyapunovTests {
  /// r = 4: λ = ln 2 exactly (Ulam & von Neumann 1947); the estimate's error is about
  /// 1/√T ≈ 0.005 at T = 40 000 (the finite-time fluctuations of log|f′|).
  @Test func logisticMapAtFourGivesLogTwo() throws {
    let result = try RSA.logisticLyapunov(r: 4, steps: 40_000)
    #expect(abs(result.exponents[0] - log(2)) < 0.02)
  }

  /// Hénon (1.4, 0.3): λ ≈ (0.4192, −1.6232) (Sprott 2003); the sum is ln b to rounding
  /// at every step, since each R₁₁R₂₂ = det J = −b.
  @Test func henonMapSpectrum() throws {
    let result = try RSA.henonLyapunov(steps: 40_000)
    #expect(abs(result.exponents[0] - 0.4192) < 0.01)
    #expect(abs(result.exponents[1] + 1.6232) < 0.01)
    #expect(abs(result.exponents.sum() - log(0.3)) < 1e-12)
  }

  /// A linear map x ↦ A x with A = Q diag(2, 0.5, 0.25) Q⁻¹ (Q non-orthogonal) has
  /// exponents ln 2, ln 0.5, ln 0.25 (Oseledets: the log-moduli of the eigenvalues).
  @Test func linearMapGivesLogEigenvalues() throws {
    let q = try Matrix(rowsOf: [[1, 0.3, 0.1], [0.2, 1, 0.4], [0, 0.5, 1]])
    let a = try matmul(
      matmul(q, Matrix.diagonal([2, 0.5, 0.25])), LinearAlgebra.inverse(q))
    let result = try RSA.lyapunovExponents(
      initial: [1, 1, 1], count: 3, steps: 400, burnIn: 50,
      map: { _ in Vector([0, 0, 0]) }, jacobian: { _ in a })
    let expected = [log(2.0), log(0.5), log(0.25)]
    for i in 0..<3 { #expect(abs(result.exponents[i] - expected[i]) < 0.01) }
  }

  @Test func rejectsTooManyExponents() throws {
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "rsa.lyapunov", message: "expected 1 ≤ count ≤ 2 (the state dimension), found 3")
    ) {
      try RSA.lyapunovExponents(
        initial: [0, 0], count: 3, map: { $0 }, jacobian: { _ in Matrix.identity(2) })
    }
  }

  /// With RMSNorm the orbit stays on ‖X‖_F = √(nd) and the top exponent is bounded:
  /// spec, "with RMSNorm ‖X‖_F = √(nd) and the top exponents are ≤ 0 and close to 0" for
  /// moderate weights. Small size (n = 4, d = 8) for speed.
  @Test func normalisedAttentionExponentsNearZero() throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 4, dModel: 8, heads: 2, scale: 1, variant: .rmsNorm, epsilon: 0, seed: 3)
    let result = try model.lyapunov(from: x0, count: 2, steps: 100, burnIn: 50)
    #expect(result.exponents[0] < 0.1)
    #expect(result.exponents[0] > -1.5)
    #expect(abs(result.finalState.elements.map { $0 * $0 }.reduce(0, +) - 32) < 1e-9)
  }

  /// The unnormalised update diverges: the Frobenius norm grows without bound.
  @Test func unnormalisedAttentionGrows() throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 4, dModel: 8, heads: 2, scale: 2, variant: .unnormalized, seed: 3)
    let trajectory = try model.trajectory(from: x0, steps: 40)
    #expect(trajectory.norms[40] > 100 * trajectory.norms[0])
  }

  /// Tangent vectors that overflow belong to a diverging orbit: `nonFinite` (which the
  /// sweep counts as diverged), not the rank-collapse `invalidArgument`.
  @Test func overflowingTangentsAreNonFinite() throws {
    #expect(throws: NumericsError.nonFinite(operation: "rsa.lyapunov")) {
      try RSA.lyapunovExponents(
        initial: [1, 1], count: 1, steps: 10, burnIn: 0, map: { $0 },
        jacobian: { _ in try Matrix(rows: 2, cols: 2, elements: [1e200, 0, 0, 1e200]) })
    }
  }

  @Test func fixedPointIsStableForWeakAttention() throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 3, dModel: 4, heads: 2, scale: 0.3, variant: .rmsNorm, eta: 0.5, seed: 9)
    let fp = try model.fixedPoint(from: x0)
    let image = try model.step(fp.state)
    #expect(maxAbsDifference(image, fp.state) < 1e-9)
    #expect(fp.stable)
    #expect(fp.spectrum.spectralRadius < 1)
  }

  @Test func sweepRunsAndIsScheduleIndependent() throws {
    func run(_ workers: Int) throws -> RSA.LyapunovSweepResult {
      try RSA.lyapunovSweep(
        try RSA.LyapunovSweepParameters(
          variant: .rmsNorm, scales: [0.5, 2], etas: [1], tokens: 3, dModel: 4, heads: 2,
          exponents: 2, steps: 30, burnIn: 10, samples: 2, workers: workers))
    }
    let one = try run(1)
    let two = try run(2)
    #expect(one.lambdaMax == two.lambdaMax)
    #expect(one.divergedFraction.elements.allSatisfy { $0 == 0 })
    #expect(one.finalNorm.elements.allSatisfy { abs($0 - 12.0.squareRoot()) < 1e-5 })
  }
}
