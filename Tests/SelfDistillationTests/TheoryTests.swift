import Numerics
import Testing

@testable import SelfDistillation

@Suite struct TheoryTests {
  /// ε = H((1 − 2θ)/√(Δ((1 − 2θ)² + Δ/α))), the ρ = ½, λ → ∞ limit (spec).
  static func meanEstimatorError(delta: Double, theta: Double, alpha: Double) -> Double {
    (try? SD.meanEstimatorError(delta: delta, theta: theta, alpha: alpha)) ?? .nan
  }

  @Test(arguments: [(0.1, 0.40167), (1.0, 0.24312), (10.0, 0.10852)])
  func largeLambdaLimitMatchesReferenceValues(alpha: Double, expected: Double) throws {
    #expect(abs(Self.meanEstimatorError(delta: 0.5, theta: 0.3, alpha: alpha) - expected) < 5e-6)
    for loss in SD.Loss.allCases {
      let p = try SD.Problem(delta: 0.5, theta: 0.3, alpha: alpha, lambdas: [1e7], loss: loss)
      let r = try SD.theory(p, settings: try SD.TheorySettings(tolerance: 1e-12))
      #expect(r.converged)
      #expect(abs(r.error[0] - expected) < 1e-5, "\(loss) α = \(alpha): \(r.error[0])")
    }
  }

  /// The noiseless mean estimator ε = H(1/√(Δ(1 + Δ/α))): Δ = ½, α = 1 → 0.12411 and
  /// α → ∞ → H(√2) = 0.07865 (spec; the latter at α = 10⁶, 3·10⁻⁸ away).
  @Test func noiselessMeanEstimator() throws {
    for (alpha, expected) in [(1.0, 0.12411), (1e6, 0.07865)] {
      let p = try SD.Problem(delta: 0.5, theta: 0, alpha: alpha, lambdas: [1e12])
      let r = try SD.theory(p, settings: try SD.TheorySettings(tolerance: 1e-12))
      #expect(r.converged)
      #expect(abs(r.error[0] - expected) < 1e-5, "α = \(alpha): \(r.error[0])")
    }
  }

  /// The official cross-check (ρ = 0.4, Δ = 0.5, θ = 0.2, λ = (1.5, 0.5, 2), β = (0.8, 1.2),
  /// cross-entropy, α = 3): ε ≈ 0.1591 / 0.1918 / 0.3945 (spec, to the quoted digits).
  @Test func officialCrossCheck() throws {
    let p = try SD.Problem(
      rho: 0.4, delta: 0.5, theta: 0.2, alpha: 3, lambdas: [1.5, 0.5, 2], betas: [0.8, 1.2])
    let full = try SD.theory(p, settings: try SD.TheorySettings(integration: .gaussHermite(16)))
    let truncated = try SD.theory(
      p, settings: try SD.TheorySettings(integration: .gaussHermite(16), chi: .truncated))
    #expect(full.converged && truncated.converged)
    for (t, expected) in [0.1591, 0.1918, 0.3945].enumerated() {
      #expect(abs(full.error[t] - expected) < 1e-4, "stage \(t + 1): \(full.error[t])")
    }
    // The recursions agree up to stage 2 and differ by at most 3·10⁻⁴ at stage 3.
    #expect(abs(full.error[1] - truncated.error[1]) < 1e-12)
    #expect(abs(full.error[2] - truncated.error[2]) < 3e-4)
    #expect(full.error[2] != truncated.error[2])
  }

  /// Gauss–Hermite converges for soft labels: 12 and 16 nodes per dimension agree.
  @Test func gaussHermiteConvergesForSoftLabels() throws {
    let p = try SD.Problem(
      rho: 0.4, delta: 0.5, theta: 0.2, alpha: 3, lambdas: [1.5, 0.5], betas: [0.8])
    let a = try SD.theory(p, settings: try SD.TheorySettings(integration: .gaussHermite(12)))
    let b = try SD.theory(p, settings: try SD.TheorySettings(integration: .gaussHermite(24)))
    #expect(abs(a.error[1] - b.error[1]) < 1e-6)
  }

  /// Stage 1 of the square loss: the closed form against the generic solver, to 10⁻⁸.
  @Test(arguments: [0.5, 0.3])
  func squareLossStageOneClosedForm(rho: Double) throws {
    let p = try SD.Problem(
      rho: rho, delta: 0.5, theta: 0.2, alpha: 2, lambdas: [0.7], loss: .square)
    let c = try SD.squareLossStageOne(p)
    let r = try SD.theory(p, settings: try SD.TheorySettings(tolerance: 1e-13))
    #expect(r.converged)
    for (x, y) in [
      (c.m, r.m[0]), (c.q, r.q[0, 0]), (c.b, r.b[0]), (c.chi, r.chi[0, 0]),
      (c.mHat, r.mHat[0]), (c.qHat, r.qHat[0, 0]), (c.chiHat, r.chiHat[0, 0]),
      (c.error, r.error[0]),
    ] {
      #expect(abs(x - y) < 1e-8, "closed form \(x), solver \(y)")
    }
  }

  @Test func automaticIntegrationChoosesMonteCarloForHardLabels() throws {
    let hard = try SD.Problem(
      delta: 0.5, theta: 0.3, alpha: 2, lambdas: [1, 1], betas: [.infinity])
    let soft = try hard.with(lambdas: [1, 1], betas: [2])
    #expect(
      SD.Integration.automatic.resolved(for: hard) == .monteCarlo(samples: 200_000, seed: 1))
    #expect(SD.Integration.automatic.resolved(for: soft) == .gaussHermite(40))
  }

  @Test func invalidProblemsThrowClearErrors() {
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "sd.problem", message: "expected 1 betas for 2 stages, found 0")
    ) {
      try SD.Problem(delta: 0.5, theta: 0.3, alpha: 2, lambdas: [1, 1])
    }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "sd.problem", message: "expected 0 ≤ theta < 0.5, found 0.5")
    ) {
      try SD.Problem(delta: 0.5, theta: 0.5, alpha: 2, lambdas: [1])
    }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "sd.theory", message: "expected damping in [0, 1), found 1.0")
    ) {
      try SD.TheorySettings(damping: 1)
    }
  }
}
