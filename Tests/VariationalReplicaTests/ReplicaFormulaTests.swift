import Foundation
import Numerics
import Testing

@testable import VariationalReplica

/// The classical replica formulas (design document, Checks) and the VGA's reproduction of
/// them on a large isotropic Gaussian pool.
@Suite struct ReplicaFormulaTests {
  /// χ = 1/(λ + α/(1 + χ)) at λ = 1, α = 2 is the root of χ² + 2χ − 1 = 0: √2 − 1.
  @Test func chiAtLambdaOneAlphaTwo() throws {
    let r = try VGA.ridgeReplica(alpha: 2, lambda: 1, noise: 0.5)
    #expect(abs(r.chi - (2.0.squareRoot() - 1)) < 1e-14)
    #expect(abs(r.chi - 1 / (1 + 2 / (1 + r.chi))) < 1e-14)
    #expect(abs(r.overlap - 2 / (1 + r.chi + 2)) < 1e-14)
  }

  /// Ordinary least squares (λ = 0, α > 1): test = σ²α/(α − 1), train = σ²(1 − 1/α),
  /// both exact identities of the formulas (tolerance: rounding).
  @Test(arguments: [1.5, 3.0, 10.0]) func leastSquaresLimit(alpha: Double) throws {
    let sigma = 0.7
    let r = try VGA.ridgeReplica(alpha: alpha, lambda: 0, noise: sigma)
    #expect(abs(r.chi - 1 / (alpha - 1)) < 1e-13)
    #expect(abs(r.testError - sigma * sigma * alpha / (alpha - 1)) < 1e-12)
    #expect(abs(r.trainError - sigma * sigma * (1 - 1 / alpha)) < 1e-12)
    #expect(abs(r.penalty - 2 * sigma * sigma / alpha) < 1e-12)
  }

  @Test func rejectsBadArguments() {
    #expect(throws: NumericsError.self) { try VGA.ridgeReplica(alpha: 0.5, lambda: 0, noise: 1) }
    #expect(throws: NumericsError.self) { try VGA.ridgeReplica(alpha: -1, lambda: 1, noise: 1) }
    #expect(throws: NumericsError.self) { try VGA.ridgeReplica(alpha: 2, lambda: 1, noise: .nan) }
  }

  /// On a pool of 10000 isotropic examples in d = 50 at α = M/d = 2, λ = 1, the VGA's
  /// thermal and quenched variances and its population test error (σ² + |w* − m|²/d + q)
  /// match the d → ∞ formulas within 2%, with σ² the pool's realised noise variance
  /// (finite-d corrections are O(1/d)).
  @Test func vgaReproducesReplicaFormulas() throws {
    let (d, m0, sigma) = (50, 10000, 0.5)
    let syn = try VGA.synthetic(
      poolSize: m0, testSize: 10, dimension: d, noise: sigma, seed: 11)
    let tau = 2.0 * Double(d) / Double(m0)
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: tau, settings: try VGA.Settings(lambda: 1))
    let noise2 = try Self.realisedNoise(syn)
    let theory = try VGA.ridgeReplica(alpha: 2, lambda: 1, noise: noise2.squareRoot())
    let bias = zip(syn.teacher, vga.mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let population = noise2 + bias / Double(d) + vga.quenchedVariance
    #expect(abs(vga.thermalVariance / (2.0.squareRoot() - 1) - 1) < 0.02)
    #expect(abs(vga.quenchedVariance / theory.q - 1) < 0.02)
    #expect(abs(population / theory.testError - 1) < 0.02)
    #expect(abs(vga.trainError / theory.trainError - 1) < 0.02)
  }

  /// The VGA at λ = 0 and α = 3 reproduces the least-squares limits test = σ²α/(α − 1),
  /// train = σ²(1 − 1/α) within 2%, with σ² the pool's realised noise variance
  /// mean (yᵤ − w*·xᵤ)² (its sampling error alone is ±√(2/M₀) ≈ 1.3%).
  @Test func vgaLeastSquaresLimit() throws {
    let (d, m0) = (30, 6000)
    let syn = try VGA.synthetic(
      poolSize: m0, testSize: 10, dimension: d, noise: 0.5, seed: 12)
    let vga = try VGA.solve(
      pool: syn.pool, test: syn.test, tau: 3.0 * Double(d) / Double(m0),
      settings: try VGA.Settings(lambda: 0))
    let noise2 = try Self.realisedNoise(syn)
    let bias = zip(syn.teacher, vga.mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let population = noise2 + bias / Double(d) + vga.quenchedVariance
    #expect(abs(population / (noise2 * 1.5) - 1) < 0.02)
    #expect(abs(vga.trainError / (noise2 * 2 / 3) - 1) < 0.02)
  }

  /// The pool's realised noise variance mean (yᵤ − w*·xᵤ)².
  static func realisedNoise(_ syn: VGA.Synthetic) throws -> Double {
    let clean = try BLAS.gemv(syn.pool.inputs, syn.teacher)
    return zip(syn.pool.targets, clean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      / Double(syn.pool.count)
  }
}
