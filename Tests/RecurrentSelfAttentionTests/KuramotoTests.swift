import Foundation
import Numerics
import Testing

@testable import RecurrentSelfAttention

@Suite struct KuramotoTests {
  @Test func criticalCouplings() {
    #expect(abs(RSA.FrequencyDistribution.lorentzian(halfWidth: 0.5).criticalCoupling - 1) < 1e-14)
    // K_c = 2/(π g(0)) = σ √(8/π) = 1.595769…σ.
    let g = RSA.FrequencyDistribution.gaussian(standardDeviation: 2)
    #expect(abs(g.criticalCoupling - 2 * 1.5957691216057308) < 1e-12)
  }

  /// The self-consistency solver reproduces the Ott–Antonsen closed form √(1 − 2γ/K).
  @Test func selfConsistencyMatchesOttAntonsen() throws {
    let d = RSA.FrequencyDistribution.lorentzian(halfWidth: 0.5)
    for k in [0.5, 1.2, 2, 4] {
      let expected = k > 1 ? (1 - 1 / k).squareRoot() : 0
      #expect(abs(try d.stationaryOrderParameter(coupling: k) - expected) < 1e-9)
    }
    // Gaussian: r vanishes at K_c and is positive above it.
    let g = RSA.FrequencyDistribution.gaussian(standardDeviation: 1)
    #expect(try g.stationaryOrderParameter(coupling: 1.5) == 0)
    #expect(try g.stationaryOrderParameter(coupling: 1.6) < 0.1)
    #expect(try g.stationaryOrderParameter(coupling: 3) > 0.8)
  }

  /// M = 2000 quantile-placed Lorentzian oscillators, γ = 0.5, K = 3: r∞ = √(2/3) =
  /// 0.8165. Finite-M fluctuations (~1/√M) and dt = 0.1 allow 0.01 (measured 4e-4 at
  /// dt = 0.05).
  @Test func simulationMatchesOttAntonsenAtLargeM() throws {
    let d = RSA.FrequencyDistribution.lorentzian(halfWidth: 0.5)
    let omegas = try d.frequencies(count: 2000)
    var rng = RandomGenerator(seed: 5)
    let phases = Vector((0..<2000).map { _ in Double.pi * (2 * rng.uniform() - 1) })
    let sim = try RSA.simulateKuramoto(
      frequencies: omegas, coupling: 3, initialPhases: phases, time: 24, dt: 0.1)
    #expect(abs(sim.stationaryOrderParameter - (2.0 / 3).squareRoot()) < 0.01)
  }

  /// The AKOrN layer with N = 2 and mean-field coupling is a projected Euler step of the
  /// classical model: with γ = 1e-3 over t = 2 the phases agree with RK4 to O(γ).
  @Test func layerReducesToClassicalModel() throws {
    let omegas: Vector = [0.3, -0.2, 0.5, 0.1, -0.4]
    let phases: Vector = [0.1, 1.2, -2.0, 2.8, -0.7]
    let layer = try RSA.KuramotoLayer.classical(frequencies: omegas, coupling: 1.5, stepSize: 1e-3)
    let run = try layer.run(from: try RSA.KuramotoLayer.state(phases: phases), steps: 2000)
    let sim = try RSA.simulateKuramoto(
      frequencies: omegas, coupling: 1.5, initialPhases: phases, time: 2, dt: 0.01)
    for i in 0..<5 {
      let theta = atan2(run.final[i, 1], run.final[i, 0])
      var diff = abs(theta - sim.finalPhases[i])
      diff = min(diff, 2 * Double.pi - diff)
      #expect(diff < 5e-3)
    }
  }

  /// Symmetric J, Ω = 0, small γ: E never increases (Miyato et al. 2025, §3). With
  /// rotations it does.
  @Test func energyMonotoneOnlyWithoutRotations() throws {
    let m = 6
    let n = 4
    var rng = RandomGenerator(seed: 8)
    var j = Matrix(rows: m * n, cols: m * n)
    for a in 0..<(m * n) {
      for b in a..<(m * n) {
        let v = rng.normal() / Double(m * n).squareRoot()
        j[a, b] = v
        j[b, a] = v
      }
    }
    let c = try Matrix(rows: m, cols: n, elements: rng.normalVector(count: m * n).elements)
      .map { 0.3 * $0 }
    let x0 = try RSA.KuramotoLayer.randomState(oscillators: m, dimension: n, seed: 2)
    let still = try RSA.KuramotoLayer(
      oscillators: m, dimension: n, coupling: .dense(j), stimulus: c, stepSize: 0.05)
    let e = try still.run(from: x0, steps: 200).energy
    for t in 1..<e.count { #expect(e[t] <= e[t - 1] + 1e-12) }
    let rotating = try RSA.KuramotoLayer(
      oscillators: m, dimension: n, coupling: .dense(j), stimulus: c,
      frequencies: Matrix(rows: m, cols: n / 2, repeating: 2), stepSize: 0.05)
    let er = try rotating.run(from: x0, steps: 200).energy
    #expect((1..<er.count).contains { er[$0] > er[$0 - 1] + 1e-6 })
  }

  /// Ramsauer et al. 2021, Theorem 1: the modern Hopfield update never increases E.
  @Test func modernHopfieldEnergyDescends() throws {
    var rng = RandomGenerator(seed: 4)
    let patterns = try Matrix(rows: 5, cols: 12, elements: rng.normalVector(count: 60).elements)
    let net = try RSA.ModernHopfield(patterns: patterns, beta: 0.7)
    var xi = rng.normalVector(count: 12)
    var e = try net.energy(xi)
    for _ in 0..<30 {
      xi = try net.update(xi)
      let next = try net.energy(xi)
      #expect(next <= e + 1e-12)
      e = next
    }
  }

  @Test func retrievalTaskRuns() throws {
    let p = try RSA.RetrievalParameters(
      sites: 16, patterns: 2, beta: 0.5, steps: 200, trials: 4, workers: 2)
    let r = try RSA.retrieval(p)
    #expect(r.overlap.rows == 3 && r.overlap.cols == 201)
    // Energy-descending dynamics: no increase beyond rounding on trial 0.
    #expect(r.largestEnergyIncrease[0] < 1e-10)
    #expect(r.largestEnergyIncrease[1] < 1e-10)
    // Light load (p = 2 of n = 16): convergent dynamics retrieve.
    #expect(r.finalOverlap[0] > 0.9)
    #expect(r.finalMotion[1] < 1e-3)
    #expect(r.finalMotion[2] > 1e-2)
  }

  @Test func kuramotoSweepAgreesWithTheory() throws {
    let p = try RSA.KuramotoSweepParameters(
      couplings: [0.4, 3], oscillators: 500, time: 20, dt: 0.1, workers: 2)
    let r = try RSA.kuramotoSweep(p)
    #expect(r.simulated[0] < 0.15)
    #expect(abs(r.simulated[1] - r.theory[1]) < 0.03)
    #expect(abs(r.criticalCoupling - 1) < 1e-14)
  }
}
