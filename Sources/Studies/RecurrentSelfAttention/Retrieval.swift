import Foundation
import Numerics

extension RSA {
  /// A Hopfield-like retrieval task with hand-built weights (study spec, "What to
  /// compute"): p random ±1 patterns of n sites, a cue that is pattern 1 with a fraction
  /// of its signs flipped, and three dynamics started from the cue:
  ///
  /// 0. the modern Hopfield update (convergent, energy-descending; Ramsauer et al. 2021);
  /// 1. the AKOrN Kuramoto layer (N = 2) with Hebbian coupling J_ij = (K/n) Σ_μ ξ_i^μ ξ_j^μ I₂
  ///    (i ≠ j) and Ω = 0 (convergent, energy-descending for small γ);
  /// 2. the same layer with rotations ωᵢ = ω₀ + σ_ω N(0, 1) (normalised, oscillating;
  ///    Miyato et al. 2025).
  ///
  /// Oscillator i starts at phase 0 (cue +1) or π (cue −1) plus N(0, phaseNoise²), since
  /// exactly antipodal phases are a fixed point of the projected update.
  public struct RetrievalParameters: Sendable, Equatable {
    public let sites: Int
    public let patterns: Int
    public let cueFlip: Double
    public let phaseNoise: Double
    public let beta: Double
    public let coupling: Double
    public let stepSize: Double
    public let meanFrequency: Double
    public let frequencySpread: Double
    public let steps: Int
    public let trials: Int
    public let seed: UInt64
    public let workers: Int

    /// Defaults: n = 64 sites, p = 6 patterns, 20 % of the cue flipped, phase noise
    /// 0.3 rad, β = 0.1 (so β n = 6.4), K = 1, γ = 0.1, ω₀ = 1 and σ_ω = 0.3 rad per unit
    /// time, 200 steps, 16 trials (trial k uses stream k of `seed`), all cores.
    public init(
      sites: Int = 64, patterns: Int = 6, cueFlip: Double = 0.2, phaseNoise: Double = 0.3,
      beta: Double = 0.1, coupling: Double = 1, stepSize: Double = 0.1,
      meanFrequency: Double = 1, frequencySpread: Double = 0.3, steps: Int = 200,
      trials: Int = 16, seed: UInt64 = 1, workers: Int = RSA.defaultWorkers
    ) throws {
      let op = "rsa.retrieval"
      try RSA.requireCount(sites, "sites", atLeast: 2, op)
      try RSA.requireCount(patterns, "patterns", atLeast: 1, op)
      try RSA.require(
        cueFlip.isFinite && cueFlip >= 0 && cueFlip < 0.5, op,
        "expected a flipped fraction 0 ≤ cueFlip < 0.5, found \(cueFlip)")
      try RSA.requireNonNegative(phaseNoise, "phase noise", op)
      try RSA.requirePositive(beta, "beta", op)
      try RSA.requirePositive(coupling, "coupling", op)
      try RSA.requirePositive(stepSize, "step size", op)
      try RSA.require(
        meanFrequency.isFinite, op, "expected a finite mean frequency, found \(meanFrequency)")
      try RSA.requireNonNegative(frequencySpread, "frequency spread", op)
      try RSA.requireCount(steps, "steps", atLeast: 1, op)
      try RSA.requireCount(trials, "trials", atLeast: 1, op)
      try RSA.requireCount(workers, "workers", atLeast: 1, op)
      self.sites = sites
      self.patterns = patterns
      self.cueFlip = cueFlip
      self.phaseNoise = phaseNoise
      self.beta = beta
      self.coupling = coupling
      self.stepSize = stepSize
      self.meanFrequency = meanFrequency
      self.frequencySpread = frequencySpread
      self.steps = steps
      self.trials = trials
      self.seed = seed
      self.workers = workers
    }
  }

  /// The outcome of `retrieval`; rows of every matrix and entries of every vector follow
  /// `dynamics`.
  public struct RetrievalResult: Sendable {
    /// The names of the three dynamics.
    public let dynamics: [String]
    /// The overlap with pattern 1 at each step averaged over trials, 3 × (T + 1):
    /// ⟨z, ξ¹⟩/(‖z‖√n) for Hopfield, ‖(1/n) Σᵢ ξᵢ¹ xᵢ‖ (phase-invariant) for the layers.
    public let overlap: Matrix
    /// The energy along trial 0, 3 × (T + 1) (Hopfield energy; layer energy E).
    public let energy: Matrix
    /// The final overlap averaged over trials.
    public let finalOverlap: Vector
    /// The fraction of trials with final overlap > 0.9.
    public let successRate: Vector
    /// The mean step size ‖s_{t+1} − s_t‖ over the last tenth of the run, averaged over
    /// trials: ≈ 0 for convergent dynamics, > 0 for oscillating ones.
    public let finalMotion: Vector
    /// The largest energy increase between consecutive steps of trial 0 (≤ 0 up to
    /// rounding where the energy is a Lyapunov function).
    public let largestEnergyIncrease: Vector
  }

  /// Runs the retrieval task (see `RetrievalParameters`) on all workers; trial k draws
  /// everything from stream k of the seed, so results do not depend on scheduling.
  public static func retrieval(
    _ p: RetrievalParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> RetrievalResult {
    let names = [
      "modern Hopfield (convergent)", "Kuramoto layer, Ω = 0 (convergent)",
      "Kuramoto layer, Ω ≠ 0 (oscillating)",
    ]
    let trials = try ParallelWork.map(
      count: p.trials, workers: p.workers, cancellation: cancellation, progress: progress
    ) { k in try retrievalTrial(p, trial: k, cancellation: cancellation) }
    let t1 = p.steps + 1
    var overlap = Matrix(rows: 3, cols: t1)
    var final = [Double](repeating: 0, count: 3)
    var success = [Double](repeating: 0, count: 3)
    var motion = [Double](repeating: 0, count: 3)
    for trial in trials {
      for d in 0..<3 {
        for t in 0..<t1 { overlap[d, t] += trial.overlap[d][t] / Double(p.trials) }
        let last = trial.overlap[d][p.steps]
        final[d] += last / Double(p.trials)
        success[d] += (last > 0.9 ? 1 : 0) / Double(p.trials)
        motion[d] += trial.motion[d] / Double(p.trials)
      }
    }
    var energy = Matrix(rows: 3, cols: t1)
    var increase = [Double](repeating: -Double.infinity, count: 3)
    for d in 0..<3 {
      for t in 0..<t1 { energy[d, t] = trials[0].energy[d][t] }
      for t in 1..<t1 { increase[d] = max(increase[d], energy[d, t] - energy[d, t - 1]) }
    }
    return RetrievalResult(
      dynamics: names, overlap: overlap, energy: energy, finalOverlap: Vector(final),
      successRate: Vector(success), finalMotion: Vector(motion),
      largestEnergyIncrease: Vector(increase))
  }

  struct RetrievalTrial: Sendable {
    var overlap: [[Double]]
    var energy: [[Double]]
    var motion: [Double]
  }

  static func retrievalTrial(_ p: RetrievalParameters, trial k: Int, cancellation: Cancellation)
    throws -> RetrievalTrial
  {
    let n = p.sites
    var rng = RandomGenerator(seed: p.seed).stream(k)
    var xi = [Double](repeating: 0, count: p.patterns * n)
    for i in 0..<xi.count { xi[i] = rng.uniform() < 0.5 ? -1 : 1 }
    var cue = Array(xi[0..<n])
    let flips = Int((p.cueFlip * Double(n)).rounded())
    for i in rng.choice(n, count: flips, replace: false) { cue[i] = -cue[i] }
    let phases = (0..<n).map { i in (cue[i] > 0 ? 0 : Double.pi) + p.phaseNoise * rng.normal() }
    let omegas = (0..<n).map { _ in p.meanFrequency + p.frequencySpread * rng.normal() }
    let tail = max(1, p.steps / 10)

    var overlaps: [[Double]] = []
    var energies: [[Double]] = []
    var motions: [Double] = []

    // 0: modern Hopfield.
    let hopfield = try ModernHopfield(
      patterns: try Matrix(rows: p.patterns, cols: n, elements: xi), beta: p.beta)
    func hopfieldOverlap(_ z: [Double]) -> Double {
      var dot = 0.0
      var norm = 0.0
      for i in 0..<n {
        dot += z[i] * xi[i]
        norm += z[i] * z[i]
      }
      return norm > 0 ? dot / (norm.squareRoot() * Double(n).squareRoot()) : 0
    }
    var z = cue
    var o = [hopfieldOverlap(z)]
    var e = [hopfield.energy(z)]
    var moved = 0.0
    for t in 0..<p.steps {
      let next = hopfield.update(z)
      if t >= p.steps - tail { moved += distance(next, z) / Double(tail) }
      z = next
      o.append(hopfieldOverlap(z))
      e.append(hopfield.energy(z))
    }
    overlaps.append(o)
    energies.append(e)
    motions.append(moved)

    // 1, 2: Kuramoto layers with Hebbian coupling.
    var j = [Double](repeating: 0, count: 4 * n * n)
    let w = p.coupling / Double(n)
    for a in 0..<n {
      for b in 0..<n where a != b {
        var s = 0.0
        for mu in 0..<p.patterns { s += xi[mu * n + a] * xi[mu * n + b] }
        for c in 0..<2 { j[(2 * a + c) * 2 * n + 2 * b + c] = w * s }
      }
    }
    let coupling = Coupling.dense(try Matrix(rows: 2 * n, cols: 2 * n, elements: j))
    let x0 = try KuramotoLayer.state(phases: Vector(phases))
    for oscillating in [false, true] {
      try cancellation.check()
      let layer = try KuramotoLayer(
        oscillators: n, dimension: 2, coupling: coupling,
        frequencies: oscillating ? try Matrix(rows: n, cols: 1, elements: omegas) : nil,
        stepSize: p.stepSize)
      func layerOverlap(_ x: [Double]) -> Double {
        var u = 0.0
        var v = 0.0
        for i in 0..<n {
          u += xi[i] * x[2 * i]
          v += xi[i] * x[2 * i + 1]
        }
        return (u * u + v * v).squareRoot() / Double(n)
      }
      var x = x0.elements
      var o = [layerOverlap(x)]
      var e = [layer.energy(x)]
      var moved = 0.0
      for t in 0..<p.steps {
        let next = layer.apply(x)
        if t >= p.steps - tail { moved += distance(next, x) / Double(tail) }
        x = next
        o.append(layerOverlap(x))
        e.append(layer.energy(x))
      }
      overlaps.append(o)
      energies.append(e)
      motions.append(moved)
    }
    return RetrievalTrial(overlap: overlaps, energy: energies, motion: motions)
  }

  static func distance(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += (a[i] - b[i]) * (a[i] - b[i]) }
    return s.squareRoot()
  }
}
