import Foundation
import Numerics

extension RSA {
  /// A grid of random-weight iterated SA models over weight scale × η (study spec, "What
  /// to compute"; Tomihari & Karakida 2025, §5, the Lyapunov exponent against the weight
  /// scale with and without normalisation).
  public struct LyapunovSweepParameters: Sendable, Equatable {
    public let variant: Variant
    public let scales: Vector
    public let etas: Vector
    public let tokens: Int
    public let dModel: Int
    public let heads: Int
    public let injectionScale: Double
    public let epsilon: Double
    public let exponents: Int
    public let steps: Int
    public let burnIn: Int
    public let samples: Int
    public let seed: UInt64
    public let workers: Int

    /// Defaults: n = 8 tokens, d = 16, H = 4 (the spec's size), injection scale 1,
    /// ε = 1e-6, top k = 3 exponents, T = 300 measured steps after 100 burn-in steps,
    /// 4 weight samples per grid point, all cores. Sample s uses the seed drawn from stream
    /// s of `seed` at every grid point, so its weights are the same normals times the
    /// scale (common random numbers: curves are smooth in the scale).
    public init(
      variant: Variant, scales: Vector, etas: Vector = [1], tokens: Int = 8, dModel: Int = 16,
      heads: Int = 4, injectionScale: Double = 1, epsilon: Double = 1e-6, exponents: Int = 3,
      steps: Int = 300, burnIn: Int = 100, samples: Int = 4, seed: UInt64 = 1,
      workers: Int = RSA.defaultWorkers
    ) throws {
      let op = "rsa.lyapunovSweep"
      try RSA.require(
        !scales.isEmpty && !etas.isEmpty, op, "expected at least one scale and one eta")
      try RSA.require(
        scales.allSatisfy { $0.isFinite && $0 >= 0 }, op, "expected finite weight scales ≥ 0")
      try RSA.require(etas.allSatisfy { $0.isFinite && $0 >= 0 }, op, "expected finite etas ≥ 0")
      try RSA.requireCount(tokens, "tokens", atLeast: 1, op)
      try RSA.requireCount(heads, "heads", atLeast: 1, op)
      try RSA.require(
        dModel >= 1 && dModel % heads == 0, op,
        "expected dModel ≥ 1 divisible by heads, found \(dModel) and \(heads)")
      try RSA.require(
        exponents >= 1 && exponents <= tokens * dModel, op,
        "expected 1 ≤ exponents ≤ n·d = \(tokens * dModel), found \(exponents)")
      try RSA.requireCount(steps, "steps", atLeast: 1, op)
      try RSA.requireCount(burnIn, "burnIn", atLeast: 0, op)
      try RSA.requireCount(samples, "samples", atLeast: 1, op)
      try RSA.requireCount(workers, "workers", atLeast: 1, op)
      try RSA.requireNonNegative(injectionScale, "injection scale", op)
      try RSA.requireNonNegative(epsilon, "epsilon", op)
      self.variant = variant
      self.scales = scales
      self.etas = etas
      self.tokens = tokens
      self.dModel = dModel
      self.heads = heads
      self.injectionScale = injectionScale
      self.epsilon = epsilon
      self.exponents = exponents
      self.steps = steps
      self.burnIn = burnIn
      self.samples = samples
      self.seed = seed
      self.workers = workers
    }
  }

  /// The outcome of `lyapunovSweep`: every matrix is scales.count × etas.count, averaged
  /// over the samples that stayed finite; a point where every sample overflowed holds +∞
  /// (and `divergedFraction` 1).
  public struct LyapunovSweepResult: Sendable {
    public let variant: Variant
    public let scales: Vector
    public let etas: Vector
    /// Mean top exponent λ₁ (nats per step).
    public let lambdaMax: Matrix
    /// Standard deviation of λ₁ over the samples (0 for one sample).
    public let lambdaMaxSpread: Matrix
    /// Mean sum of the top-k exponents.
    public let lambdaSum: Matrix
    /// Mean ρ(J_F) at the final state.
    public let spectralRadius: Matrix
    /// Mean fraction of complex eigenvalues of J_F at the final state.
    public let complexFraction: Matrix
    /// Mean ‖J_F‖₂ at the final state (local Lipschitz constant).
    public let spectralNorm: Matrix
    /// Mean ‖X_T‖_F at the final state (√(nd) under RMSNorm with ε → 0).
    public let finalNorm: Matrix
    /// The fraction of samples whose orbit overflowed.
    public let divergedFraction: Matrix
  }

  struct SweepSample: Sendable {
    var finite: Bool
    var lambdaMax = 0.0
    var lambdaSum = 0.0
    var radius = 0.0
    var complexFraction = 0.0
    var norm = 0.0
    var spectralNorm = 0.0
  }

  /// Runs the grid on all workers (one work item per scale × η × sample). Checks
  /// `cancellation` during every orbit and reports `progress` per finished item.
  public static func lyapunovSweep(
    _ p: LyapunovSweepParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> LyapunovSweepResult {
    let ns = p.scales.count
    let ne = p.etas.count
    let base = RandomGenerator(seed: p.seed)
    let sampleSeeds = (0..<p.samples).map { s -> UInt64 in
      var g = base.stream(s)
      return g.next()
    }
    let items = try ParallelWork.map(
      count: ns * ne * p.samples, workers: p.workers, cancellation: cancellation,
      progress: progress
    ) { item -> SweepSample in
      let s = item % p.samples
      let b = (item / p.samples) % ne
      let a = item / (p.samples * ne)
      let (model, x0) = try IteratedAttention.random(
        tokens: p.tokens, dModel: p.dModel, heads: p.heads, scale: p.scales[a],
        variant: p.variant, eta: p.etas[b], injectionScale: p.injectionScale,
        epsilon: p.epsilon, seed: sampleSeeds[s])
      do {
        let result = try model.lyapunov(
          from: x0, count: p.exponents, steps: p.steps, burnIn: p.burnIn, seed: sampleSeeds[s],
          cancellation: cancellation)
        let final = try Matrix(rows: p.tokens, cols: p.dModel, elements: result.finalState.elements)
        let spectrum = try model.spectrum(at: final)
        return SweepSample(
          finite: true, lambdaMax: result.exponents[0], lambdaSum: result.exponents.sum(),
          radius: spectrum.spectralRadius, complexFraction: spectrum.complexFraction,
          norm: final.frobeniusNorm, spectralNorm: spectrum.spectralNorm)
      } catch NumericsError.nonFinite {
        return SweepSample(finite: false)
      }
    }
    var fields = [Matrix](repeating: Matrix(rows: ns, cols: ne), count: 8)
    for a in 0..<ns {
      for b in 0..<ne {
        let group = (0..<p.samples).map { items[(a * ne + b) * p.samples + $0] }
        let ok = group.filter(\.finite)
        fields[7][a, b] = Double(p.samples - ok.count) / Double(p.samples)
        let columns: [(SweepSample) -> Double] = [
          \.lambdaMax, \.lambdaSum, \.radius, \.complexFraction, \.spectralNorm, \.norm,
        ]
        for (f, value) in columns.enumerated() {
          let slot = f == 0 ? 0 : f + 1
          fields[slot][a, b] =
            ok.isEmpty ? .infinity : ok.map(value).reduce(0, +) / Double(ok.count)
        }
        if ok.isEmpty {
          fields[1][a, b] = .infinity
        } else {
          let mean = fields[0][a, b]
          let v = ok.map { ($0.lambdaMax - mean) * ($0.lambdaMax - mean) }.reduce(0, +)
          fields[1][a, b] = (v / Double(ok.count)).squareRoot()
        }
      }
    }
    return LyapunovSweepResult(
      variant: p.variant, scales: p.scales, etas: p.etas, lambdaMax: fields[0],
      lambdaMaxSpread: fields[1], lambdaSum: fields[2], spectralRadius: fields[3],
      complexFraction: fields[4], spectralNorm: fields[5], finalNorm: fields[6],
      divergedFraction: fields[7])
  }

  /// The Kuramoto order parameter against the coupling (study spec, "the Kuramoto layer's
  /// order parameter r(K) against theory"; Kuramoto 1975, Ott & Antonsen 2008).
  public struct KuramotoSweepParameters: Sendable, Equatable {
    public let couplings: Vector
    public let oscillators: Int
    public let distribution: FrequencyDistribution
    public let time: Double
    public let dt: Double
    public let deterministicFrequencies: Bool
    public let useLayer: Bool
    public let seed: UInt64
    public let workers: Int

    /// Defaults: M = 2000 oscillators, Lorentzian frequencies of half-width 0.5
    /// (K_c = 1), T = 100 time units, dt = 0.05, quantile-placed frequencies, RK4 on the
    /// classical model (`useLayer` runs the AKOrN layer with γ = dt instead), initial
    /// phases uniform from `seed` (the same at every K), all cores.
    public init(
      couplings: Vector, oscillators: Int = 2000,
      distribution: FrequencyDistribution = .lorentzian(halfWidth: 0.5), time: Double = 100,
      dt: Double = 0.05, deterministicFrequencies: Bool = true, useLayer: Bool = false,
      seed: UInt64 = 1, workers: Int = RSA.defaultWorkers
    ) throws {
      let op = "rsa.kuramotoSweep"
      try RSA.require(!couplings.isEmpty, op, "expected at least one coupling")
      try RSA.require(
        couplings.allSatisfy { $0.isFinite && $0 >= 0 }, op, "expected finite couplings K ≥ 0")
      try RSA.requireCount(oscillators, "oscillators", atLeast: 1, op)
      try distribution.validate(op)
      try RSA.requirePositive(time, "time", op)
      try RSA.requirePositive(dt, "dt", op)
      try RSA.require(time / dt >= 2, op, "expected time/dt ≥ 2 steps, found \(time)/\(dt)")
      try RSA.requireCount(workers, "workers", atLeast: 1, op)
      self.couplings = couplings
      self.oscillators = oscillators
      self.distribution = distribution
      self.time = time
      self.dt = dt
      self.deterministicFrequencies = deterministicFrequencies
      self.useLayer = useLayer
      self.seed = seed
      self.workers = workers
    }
  }

  /// The outcome of `kuramotoSweep`.
  public struct KuramotoSweepResult: Sendable {
    public let couplings: Vector
    /// The time-averaged r over the second half of each run.
    public let simulated: Vector
    /// The standard deviation of r over that window.
    public let fluctuation: Vector
    /// r∞(K) from the self-consistency equation (infinite M).
    public let theory: Vector
    /// K_c = 2/(π g(0)).
    public let criticalCoupling: Double
  }

  /// Simulates r(K) at every coupling (one work item each) and sets it beside the theory.
  public static func kuramotoSweep(
    _ p: KuramotoSweepParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> KuramotoSweepResult {
    let omegas = try p.distribution.frequencies(
      count: p.oscillators, deterministic: p.deterministicFrequencies, seed: p.seed)
    var rng = RandomGenerator(seed: p.seed).stream(0)
    let phases = Vector(
      (0..<p.oscillators).map { _ in Double.pi * (2 * rng.uniform() - 1) })
    let runs = try ParallelWork.map(
      count: p.couplings.count, workers: p.workers, cancellation: cancellation,
      progress: progress
    ) { i -> (Double, Double) in
      let k = p.couplings[i]
      if p.useLayer {
        let layer = try KuramotoLayer.classical(frequencies: omegas, coupling: k, stepSize: p.dt)
        let steps = Int((p.time / p.dt).rounded())
        let run = try layer.run(
          from: try KuramotoLayer.state(phases: phases), steps: steps, cancellation: cancellation)
        let tail = Vector(run.orderParameter[(steps / 2)...])
        return (tail.mean(), try Statistics.standardDeviation(tail))
      }
      let sim = try simulateKuramoto(
        frequencies: omegas, coupling: k, initialPhases: phases, time: p.time, dt: p.dt,
        cancellation: cancellation)
      return (sim.stationaryOrderParameter, sim.fluctuation)
    }
    let theory = try p.couplings.map { try p.distribution.stationaryOrderParameter(coupling: $0) }
    return KuramotoSweepResult(
      couplings: p.couplings, simulated: Vector(runs.map(\.0)),
      fluctuation: Vector(runs.map(\.1)), theory: theory,
      criticalCoupling: p.distribution.criticalCoupling)
  }
}
