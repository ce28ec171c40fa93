import Numerics
import Testing

@testable import SelfDistillation

@Suite struct SimulationTests {
  /// Theory against this module's simulation at the official cross-check setting, every
  /// stage within 2.5 standard errors (N = 200, 20 datasets; both losses).
  @Test(arguments: SD.Loss.allCases)
  func theoryMatchesSimulation(loss: SD.Loss) throws {
    let p = try SD.Problem(
      rho: 0.4, delta: 0.5, theta: 0.2, alpha: 3, lambdas: [1.5, 0.5, 2], betas: [0.8, 1.2],
      loss: loss)
    let sim = try SD.simulate(p, settings: try SD.SimulationSettings(dimension: 200, datasets: 20))
    let theory = try SD.theory(p, settings: try SD.TheorySettings(integration: .gaussHermite(12)))
    #expect(sim.samples == 600)
    for t in 0..<3 {
      let gap = abs(sim.meanError[t] - theory.error[t])
      #expect(
        gap <= 2.5 * sim.standardError[t],
        "stage \(t + 1): gap \(gap) vs se \(sim.standardError[t])")
    }
  }

  /// Hard against soft pseudo-labels with the same data and stage-1 teacher: the paired
  /// difference of ε at stage 2 against the theory's difference, within 2.5 s.e. plus
  /// 0.001 for the Monte Carlo error of the hard-label theory (4·10⁴ points, which two
  /// seeds reproduce to 5·10⁻⁴).
  @Test func hardVersusSoftPairedDifference() throws {
    let hard = try SD.Problem(
      delta: 0.5, theta: 0.3, alpha: 2, lambdas: [1, 0.2], betas: [.infinity])
    let soft = try hard.with(lambdas: [1, 0.2], betas: [3])
    let settings = try SD.SimulationSettings(dimension: 200, datasets: 24, seed: 5)
    let sh = try SD.simulate(hard, settings: settings)
    let ss = try SD.simulate(soft, settings: settings)
    #expect(sh.errors[3, 0] == ss.errors[3, 0])  // the same stage-1 teacher, exactly
    let d = try SD.pairedDifference(sh, ss, stage: 2)
    let th = try SD.theory(
      hard, settings: try SD.TheorySettings(integration: .monteCarlo(samples: 40_000, seed: 1)))
    let ts = try SD.theory(soft, settings: try SD.TheorySettings(integration: .gaussHermite(24)))
    let predicted = th.error[1] - ts.error[1]
    #expect(predicted > 0.003)  // hard labels win at stage 2 in this setting
    #expect(abs(d.mean - predicted) <= 2.5 * d.standardError + 0.001, "\(d) vs \(predicted)")
  }

  @Test func resultsDoNotDependOnThreads() throws {
    let p = try SD.Problem(delta: 0.5, theta: 0.2, alpha: 1.5, lambdas: [1, 1], betas: [2])
    let one = try SD.simulate(
      p, settings: try SD.SimulationSettings(dimension: 60, datasets: 4, threads: 1))
    let two = try SD.simulate(
      p, settings: try SD.SimulationSettings(dimension: 60, datasets: 4, threads: 2))
    #expect(one.errors == two.errors)
    // M × N = 900 × 600 doubles (4.3 MB): each fit splits its evaluations between the
    // two threads instead of running two datasets at once; the numbers are the same.
    let large = try SD.Problem(delta: 0.5, theta: 0.2, alpha: 1.5, lambdas: [1, 0.5], betas: [2])
    let serial = try SD.simulate(
      large, settings: try SD.SimulationSettings(dimension: 600, datasets: 2, threads: 1))
    let split = try SD.simulate(
      large, settings: try SD.SimulationSettings(dimension: 600, datasets: 2, threads: 2))
    #expect(serial.errors == split.errors)
    #expect(serial.q == split.q)
  }

  /// The closed-form square-loss fit satisfies the normal equations: the gradient of
  /// Σ((a + 1)/2 − y)² + (λ/2)|w|² vanishes (to 10⁻⁹ relative).
  @Test func squareLossFitIsStationary() throws {
    let p = try SD.Problem(
      rho: 0.3, delta: 0.5, theta: 0.2, alpha: 2, lambdas: [0.4], loss: .square)
    var rng = RandomGenerator(seed: 3)
    let data = Dataset(problem: p, dimension: 40, samples: 80, rng: &rng)
    var system = SquareLossSystem(dataset: data)
    let (w, b) = try system.fit(targets: data.labels, lambda: 0.4, fixedBias: nil)
    let a = try data.preactivations(w, b)
    let residual = Vector((0..<80).map { 0.5 * (a[$0] + 1) - data.labels[$0] })
    var g = try BLAS.gemv(data.x, residual, transpose: true)
    for i in 0..<40 { g[i] = g[i] / 40.0.squareRoot() + 0.4 * w[i] }
    #expect(g.elements.allSatisfy { abs($0) < 1e-9 })
    #expect(abs(residual.sum()) < 1e-9)
  }

  @Test func pairedDifferenceRejectsUnpairedRuns() throws {
    let p = try SD.Problem(delta: 0.5, theta: 0.2, alpha: 1, lambdas: [1])
    let a = try SD.simulate(p, settings: try SD.SimulationSettings(dimension: 20, datasets: 2))
    let b = try SD.simulate(
      p, settings: try SD.SimulationSettings(dimension: 20, datasets: 2, seed: 2))
    #expect(throws: NumericsError.self) { try SD.pairedDifference(a, b, stage: 1) }
  }
}

@Suite struct OptimizationTests {
  /// At ρ = ½ the optimal single stage is the λ → ∞ mean estimator (spec): the search
  /// ends at the upper λ bound, reports it, and reaches the closed form to 10⁻⁴.
  @Test func optimalSingleStageIsTheMeanEstimator() throws {
    let p = try SD.Problem(delta: 0.5, theta: 0.3, alpha: 1, lambdas: [1], loss: .square)
    let r = try SD.optimize(
      p, settings: try SD.OptimizationSettings(lambdaBounds: 1e-2...1e4, sweeps: 1),
      theory: try SD.TheorySettings())
    #expect(abs(r.error - 0.24312) < 1e-4)
    #expect(r.atBounds == ["lambda1 (upper)"])
    #expect(r.failures == 0)
  }

  /// One-stage SD with hard labels beats the optimal single stage at moderate α.
  @Test func optimalOneStageSDImproves() throws {
    let p = try SD.Problem(
      delta: 0.5, theta: 0.3, alpha: 2, lambdas: [1, 1], betas: [4], loss: .square)
    let r = try SD.optimize(
      p,
      settings: try SD.OptimizationSettings(
        lambdaBounds: 1e-2...1e3, betaBounds: 0.1...20, sweeps: 1, tolerance: 1e-2),
      theory: try SD.TheorySettings(integration: .gaussHermite(16)))
    let single = TheoryTests.meanEstimatorError(delta: 0.5, theta: 0.3, alpha: 2)
    #expect(r.error < single - 0.01, "\(r.error) vs \(single)")
  }
}
