import Foundation
import Numerics

extension SD {
  /// Settings of the finite-N simulation.
  public struct SimulationSettings: Sendable, Equatable {
    /// The input dimension N; each dataset has M = round(αN) points.
    public let dimension: Int
    /// Independent datasets (each its own seeded stream), ≥ 1.
    public let datasets: Int
    /// The seed; dataset r uses `RandomGenerator(seed: seed).stream(r)`, so two
    /// simulations with the same seed see the same inputs and label flips (paired runs).
    public let seed: UInt64
    /// The L-BFGS stopping rule ‖∇f‖_∞ ≤ tolerance on the summed objective (cross-entropy).
    public let gradientTolerance: Double
    /// The L-BFGS step cap per stage.
    public let maxIterations: Int
    /// Worker threads (datasets run in parallel); the results do not depend on it.
    public let threads: Int

    /// Validates 2 ≤ N ≤ 10⁵, 1 ≤ datasets ≤ 10⁵, gradient tolerance > 0,
    /// 1 ≤ maxIterations ≤ 10⁶, threads ≥ 1.
    public init(
      dimension: Int, datasets: Int = 20, seed: UInt64 = 1, gradientTolerance: Double = 1e-5,
      maxIterations: Int = 10_000, threads: Int = SD.defaultThreads
    ) throws {
      let op = "sd.simulate"
      func require(_ ok: Bool, _ message: String) throws {
        if !ok { throw NumericsError.invalidArgument(operation: op, message: message) }
      }
      try require(
        dimension >= 2 && dimension <= 100_000, "expected 2 ≤ N ≤ 100000, found \(dimension)")
      try require(
        datasets >= 1 && datasets <= 100_000, "expected 1 ≤ datasets ≤ 100000, found \(datasets)")
      try require(
        gradientTolerance > 0 && gradientTolerance.isFinite,
        "expected a gradient tolerance > 0, found \(gradientTolerance)")
      try require(
        maxIterations >= 1 && maxIterations <= 1_000_000,
        "expected 1 ≤ maxIterations ≤ 10⁶, found \(maxIterations)")
      try require(threads >= 1 && threads <= 4096, "expected 1 ≤ threads ≤ 4096, found \(threads)")
      self.dimension = dimension
      self.datasets = datasets
      self.seed = seed
      self.gradientTolerance = gradientTolerance
      self.maxIterations = maxIterations
      self.threads = threads
    }
  }

  /// Every dataset's learned order parameters per stage, and their means.
  public struct SimulationResult: Sendable {
    public let problem: Problem
    public let settings: SimulationSettings
    /// The number of points M = round(αN) of each dataset.
    public let samples: Int
    /// ε of every dataset and stage (datasets × T), from the learned (m, Q, B).
    public let errors: Matrix
    /// m = w·v/N per dataset and stage.
    public let m: Matrix
    /// Q = |w|²/N per dataset and stage.
    public let q: Matrix
    /// The learned or fixed bias B per dataset and stage.
    public let b: Matrix
    /// The mean ε per stage over datasets.
    public let meanError: Vector
    /// Its standard error: sample s.d. (ddof 1)/√datasets; 0 for one dataset.
    public let standardError: Vector
    /// L-BFGS fits that stopped before meeting the gradient tolerance (0 for square loss).
    public let unconverged: Int
  }

  /// Simulates T-stage self-distillation at finite N (Takanami et al. 2025, §4 and the
  /// authors' experiments: N = 1000, 20 datasets).
  ///
  /// Each dataset draws M = round(αN) inputs x_μ = s_μ v/√N + √Δ g_μ with exactly
  /// round(ρM) points of class s = +1, labels y = (1 + s)/2 flipped independently with
  /// probability θ. Stage 1 fits the noisy labels; stage t ≥ 2 fits the pseudo-labels of
  /// stage t − 1 on the same inputs (`pseudoLabel`). Cross-entropy: minimises
  /// Σ_μ [log(1 + e^{a_μ}) − y_μ a_μ] + (λ_t/2)|w|² over (w, B) by L-BFGS
  /// (`Solvers.lbfgs`, started from the previous stage's solution, a strictly convex
  /// problem so the start only changes the cost); square loss: the ridge normal
  /// equations (XᵀX/N − M x̄x̄ᵀ/N + 2λ_t I) w = (X − 1x̄ᵀ)ᵀ t/√N with t = 2y − 1 and
  /// B = mean(t) − x̄·w/√N (learned bias; the uncentred form with B fixed), solved by
  /// Cholesky. ε of every stage from its (m, Q, B) by `testError`.
  ///
  /// - Throws: `invalidArgument` for M < 2; `cancelled`.
  public static func simulate(
    _ problem: Problem, settings: SimulationSettings, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> SimulationResult {
    let n = settings.dimension
    let samples = Int((problem.alpha * Double(n)).rounded())
    guard samples >= 2 else {
      throw NumericsError.invalidArgument(
        operation: "sd.simulate",
        message: "alpha N = \(problem.alpha * Double(n)) gives M = \(samples) points; expected ≥ 2")
    }
    let stages = problem.stages
    let counter = ProgressCounter(total: settings.datasets, progress: progress)
    // A dataset's inputs larger than 4 MB are read from memory at every evaluation; two
    // of them at once no longer share the last-level cache. Then each fit splits its
    // evaluations between two threads (one dataset at a time per pair of threads)
    // instead of running two datasets side by side. The split itself is the same either
    // way, so the results do not depend on the threads.
    let large = samples * n * MemoryLayout<Double>.size >= 4 << 20
    let threads = settings.threads
    @Sendable func dataset(_ r: Int) -> Dataset {
      var rng = RandomGenerator(seed: settings.seed).stream(r)
      return Dataset(problem: problem, dimension: n, samples: samples, rng: &rng)
    }
    var runs: [DistillationRun] = []
    if large && threads >= 2 {
      // Datasets in chunks of `threads`: drawn in parallel (one stream each), then fitted
      // by pairs of threads, so at most `threads` inputs are in memory at once.
      var first = 0
      while first < settings.datasets {
        let chunk = min(threads, settings.datasets - first)
        let start = first
        let data = try ParallelWork.map(
          count: chunk, workers: threads, cancellation: cancellation
        ) { dataset(start + $0) }
        runs += try ParallelWork.map(
          count: chunk, workers: max(1, threads / 2), cancellation: cancellation
        ) { i in
          let run = try data[i].distill(
            settings: settings, evaluationWorkers: 2, cancellation: cancellation)
          counter.advance()
          return run
        }
        first += chunk
      }
    } else {
      runs = try ParallelWork.map(
        count: settings.datasets, workers: threads, cancellation: cancellation
      ) { r in
        let run = try dataset(r).distill(settings: settings, cancellation: cancellation)
        counter.advance()
        return run
      }
    }
    var errors = Matrix(rows: settings.datasets, cols: stages)
    var m = errors
    var q = errors
    var b = errors
    var unconverged = 0
    for (r, run) in runs.enumerated() {
      unconverged += run.unconverged
      for t in 0..<stages {
        m[r, t] = run.m[t]
        q[r, t] = run.q[t]
        b[r, t] = run.b[t]
        errors[r, t] = testError(
          m: run.m[t], q: run.q[t], b: run.b[t], rho: problem.rho, delta: problem.delta)
      }
    }
    var mean = Vector(count: stages)
    var se = Vector(count: stages)
    for t in 0..<stages {
      let column = errors.column(t)
      mean[t] = column.mean()
      se[t] =
        settings.datasets > 1
        ? try Statistics.standardDeviation(column, ddof: 1) / Double(settings.datasets).squareRoot()
        : 0
    }
    return SimulationResult(
      problem: problem, settings: settings, samples: samples, errors: errors, m: m, q: q, b: b,
      meanError: mean, standardError: se, unconverged: unconverged)
  }

  /// The mean and standard error of the per-dataset difference ε_A − ε_B at one stage of
  /// two simulations with the same seed and datasets (paired: same inputs, flips and
  /// stage-1 teacher), e.g. hard against soft pseudo-labels. Finite-N shifts common to
  /// both students cancel, which makes this a sharp test of the theory (spec).
  ///
  /// - Throws: `invalidArgument` when the runs are not paired (different seed, N or
  ///   datasets) or the stage is out of range.
  public static func pairedDifference(
    _ a: SimulationResult, _ b: SimulationResult, stage: Int
  ) throws -> (mean: Double, standardError: Double) {
    let op = "sd.paired"
    guard a.settings.seed == b.settings.seed, a.settings.dimension == b.settings.dimension,
      a.settings.datasets == b.settings.datasets, a.samples == b.samples
    else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected two simulations with the same seed, N and datasets, found "
          + "(seed \(a.settings.seed), N \(a.settings.dimension), \(a.settings.datasets)) and "
          + "(seed \(b.settings.seed), N \(b.settings.dimension), \(b.settings.datasets))")
    }
    guard stage >= 1 && stage <= min(a.problem.stages, b.problem.stages) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected 1 ≤ stage ≤ \(min(a.problem.stages, b.problem.stages)), found \(stage)")
    }
    let d = Vector(
      (0..<a.settings.datasets).map { a.errors[$0, stage - 1] - b.errors[$0, stage - 1] })
    let se =
      d.count > 1 ? try Statistics.standardDeviation(d, ddof: 1) / Double(d.count).squareRoot() : 0
    return (d.mean(), se)
  }
}

/// One dataset's per-stage order parameters.
struct DistillationRun: Sendable {
  var m: [Double] = []
  var q: [Double] = []
  var b: [Double] = []
  var unconverged = 0
}

/// One noisy Gaussian-mixture dataset and its multi-stage fit.
struct Dataset {
  let problem: SD.Problem
  let dimension: Int
  let samples: Int
  /// Inputs, M × N row-major.
  let x: Matrix
  /// Noisy labels in {0, 1}.
  let labels: [Double]

  init(problem: SD.Problem, dimension n: Int, samples mCount: Int, rng: inout RandomGenerator) {
    self.problem = problem
    self.dimension = n
    self.samples = mCount
    let positives = Int((problem.rho * Double(mCount)).rounded())
    let shift = 1 / Double(n).squareRoot()
    let noise = problem.delta.squareRoot()
    var x = Matrix(rows: mCount, cols: n)
    var labels = [Double](repeating: 0, count: mCount)
    x.elements.withUnsafeMutableBufferPointer { buf in
      for mu in 0..<mCount {
        let s: Double = mu < positives ? 1 : -1
        for i in 0..<n { buf[mu * n + i] = s * shift + noise * rng.normal() }
      }
    }
    for mu in 0..<mCount {
      let clean: Double = mu < positives ? 1 : 0
      labels[mu] = rng.uniform() < problem.theta ? 1 - clean : clean
    }
    self.x = x
    self.labels = labels
  }

  /// Fits every stage, relabelling the same inputs.
  func distill(
    settings: SD.SimulationSettings, evaluationWorkers: Int = 1, cancellation: Cancellation
  ) throws -> DistillationRun {
    var run = DistillationRun()
    var targets = labels
    var w = Vector(count: dimension)
    var bias = 0.0
    var square = SquareLossSystem(dataset: self)
    for t in 0..<problem.stages {
      try cancellation.check()
      let fixedBias: Double?
      switch problem.bias {
      case .learned: fixedBias = nil
      case .fixedAfterFirst: fixedBias = t == 0 ? nil : run.b[0]
      case .value(let v): fixedBias = v
      }
      switch problem.loss {
      case .crossEntropy:
        let fit = try fitCrossEntropy(
          targets: targets, lambda: problem.lambdas[t], fixedBias: fixedBias, start: (w, bias),
          evaluationWorkers: evaluationWorkers,
          settings: settings, cancellation: cancellation)
        (w, bias) = (fit.w, fit.b)
        if !fit.converged { run.unconverged += 1 }
      case .square:
        (w, bias) = try square.fit(
          targets: targets, lambda: problem.lambdas[t], fixedBias: fixedBias)
      }
      run.m.append(w.sum() / Double(dimension))
      run.q.append(w.elements.reduce(0) { $0 + $1 * $1 } / Double(dimension))
      run.b.append(bias)
      if t + 1 < problem.stages {
        let a = try preactivations(w, bias)
        let beta = problem.betas[t]
        targets = a.elements.map { SD.pseudoLabel($0, beta: beta, loss: problem.loss) }
      }
    }
    return run
  }

  /// a_μ = w·x_μ/√N + B for every training point.
  func preactivations(_ w: Vector, _ bias: Double) throws -> Vector {
    let scale = 1 / Double(dimension).squareRoot()
    var a = try BLAS.gemv(x, w)
    for i in 0..<a.count { a[i] = a[i] * scale + bias }
    return a
  }

  /// Minimises Σ_μ [softplus(a_μ) − y_μ a_μ] + (λ/2)|w|² by L-BFGS over (w, B), or over
  /// w alone when the bias is fixed.
  ///
  /// Every evaluation is split at row ⌊M/2⌋ into two halves, each one fused pass over its
  /// rows (`BLAS.rowBlockPass`), whose sums are added in a fixed order; the halves run on
  /// `evaluationWorkers` threads (1 or 2) with identical results.
  func fitCrossEntropy(
    targets: [Double], lambda: Double, fixedBias: Double?, start: (Vector, Double),
    evaluationWorkers: Int = 1, settings: SD.SimulationSettings, cancellation: Cancellation
  ) throws -> (w: Vector, b: Double, converged: Bool) {
    let n = dimension
    let scale = 1 / Double(n).squareRoot()
    let learnsBias = fixedBias == nil
    let initial = Vector(
      start.0.elements + (learnsBias ? [start.1] : []))
    let result = try Solvers.lbfgs(
      { theta in
        let w = Vector(theta.elements[0..<n])
        let bias = fixedBias ?? theta[n]
        let x = self.x
        let halves = [0..<(samples / 2), (samples / 2)..<samples]
        // One pass over each half of X: margins of a block of rows, their residuals, then
        // the block's share of Xᵀ·residual while the rows are still in cache.
        let parts = try ParallelWork.map(
          count: 2, workers: evaluationWorkers, cancellation: .never
        ) { h in
          var f = 0.0
          var bGrad = 0.0
          let g = try targets.withUnsafeBufferPointer { y in
            try BLAS.rowBlockPass(x, w, rows: halves[h]) { start, a in
              for i in 0..<a.count {
                let am = a[i] * scale + bias
                let target = y[start + i]
                // softplus(a) = max(a, 0) + log1p(e) and σ(a) from the same e = exp(−|a|)
                // (bit for bit `SD.sigmoid`).
                let e = Foundation.exp(-abs(am))
                f += max(am, 0) + Foundation.log1p(e) - target * am
                let residual = (am >= 0 ? 1 / (1 + e) : e / (1 + e)) - target
                a[i] = residual * scale
                bGrad += residual
              }
            }
          }
          return (f: f, bGrad: bGrad, g: g)
        }
        var f = parts[0].f + parts[1].f
        let bGrad = parts[0].bGrad + parts[1].bGrad
        var g = parts[0].g
        for i in 0..<n { g[i] += parts[1].g[i] }
        var norm = 0.0
        for i in 0..<n {
          g[i] += lambda * w[i]
          norm += w[i] * w[i]
        }
        f += 0.5 * lambda * norm
        if learnsBias { g.elements.append(bGrad) }
        return (f, g)
      }, start: initial, gradientTolerance: settings.gradientTolerance,
      maxIterations: settings.maxIterations, cancellation: cancellation)
    let w = Vector(result.x.elements[0..<n])
    return (w, fixedBias ?? result.x[n], result.converged)
  }
}

/// The square-loss stage: ridge normal equations with the Gram matrix computed once per
/// dataset and reused by every stage (only the targets and λ change).
struct SquareLossSystem {
  let dataset: Dataset
  private var gram: Matrix?
  private var centredGram: Matrix?
  private var columnMean: Vector?

  init(dataset: Dataset) { self.dataset = dataset }

  /// Minimises Σ_μ ((a_μ + 1)/2 − y_μ)² + (λ/2)|w|², i.e. Σ(a − t)² + 2λ|w|², t = 2y − 1.
  mutating func fit(targets: [Double], lambda: Double, fixedBias: Double?) throws
    -> (Vector, Double)
  {
    let x = dataset.x
    let n = dataset.dimension
    let mCount = dataset.samples
    let scale = 1 / Double(n).squareRoot()
    if gram == nil {
      gram = try BLAS.gemm(x, x, transA: true, alpha: 1 / Double(n))
    }
    var t = Vector(targets.map { 2 * $0 - 1 })
    var system: Matrix
    if let b = fixedBias {
      for i in 0..<t.count { t[i] -= b }
      system = gram!
    } else {
      if centredGram == nil {
        let mean = Vector(x.sum(axis: 0).elements.map { $0 / Double(mCount) })
        var c = gram!
        for i in 0..<n {
          for j in 0..<n { c[i, j] -= Double(mCount) * mean[i] * mean[j] / Double(n) }
        }
        centredGram = c
        columnMean = mean
      }
      let tMean = t.mean()
      for i in 0..<t.count { t[i] -= tMean }
      system = centredGram!
    }
    for i in 0..<n { system[i, i] += 2 * lambda }
    var rhs = try BLAS.gemv(x, t, transpose: true)
    for i in 0..<n { rhs[i] *= scale }
    let w = try LinearAlgebra.choleskySolve(try LinearAlgebra.cholesky(system), rhs)
    if let b = fixedBias { return (w, b) }
    let mean = columnMean!
    var xw = 0.0
    for i in 0..<n { xw += mean[i] * w[i] }
    let tMean = targets.reduce(0) { $0 + 2 * $1 - 1 } / Double(mCount)
    return (w, tMean - xw * scale)
  }
}

/// A thread-safe counter of finished work for `Progress`.
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var done = 0
  private let total: Int
  private let progress: Numerics.Progress

  init(total: Int, progress: Numerics.Progress) {
    self.total = total
    self.progress = progress
  }

  func advance() {
    let now = lock.withLock {
      done += 1
      return done
    }
    progress.report(now, of: total)
  }
}
