import Foundation
import Numerics

extension ONC {
  /// Settings of a direct optimisation of the unconstrained feature model (UFM).
  public struct UFMParameters: Sendable, Equatable {
    /// The cumulative link loss (link and fixed thresholds).
    public let loss: CumulativeLink
    /// Samples per class, n_k ≥ 1; N = Σ n_k and π_k = n_k/N.
    public let classCounts: [Int]
    /// Feature dimension d ≥ 1.
    public let dimension: Int
    /// Feature and classifier regularisation λ_h > 0, λ_w > 0.
    public let lambdaH: Double
    public let lambdaW: Double
    /// Independent random starts (≥ 1); the lowest objective wins.
    public let restarts: Int
    /// Stop when ‖∇L‖_∞ in the scaled variables (hᵢ/√N, w) is at most this (> 0).
    public let gradientTolerance: Double
    /// L-BFGS steps allowed per start (≥ 1).
    public let maxIterations: Int
    /// Starting entries of H and w are N(0, initScale²), initScale > 0.
    public let initScale: Double
    /// Start r uses `RandomGenerator(seed: seed).stream(r)`.
    public let seed: UInt64

    /// Validates the counts (one per class, each 1…10⁶), 1 ≤ d ≤ 4096, N·d ≤ 10⁷,
    /// λ_h, λ_w, tolerance and scale finite and > 0, 1 ≤ restarts ≤ 1000 and
    /// 1 ≤ maxIterations ≤ 10⁶.
    public init(
      loss: CumulativeLink, classCounts: [Int], dimension: Int, lambdaH: Double,
      lambdaW: Double, restarts: Int = 4, gradientTolerance: Double = 1e-9,
      maxIterations: Int = 20_000, initScale: Double = 1, seed: UInt64 = 1
    ) throws {
      let op = "onc.ufm"
      guard classCounts.count == loss.classes else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected \(loss.classes) class counts (one per class), found \(classCounts.count)")
      }
      for n in classCounts { try ONC.validateCount(n, "samples per class", 1...1_000_000, op) }
      try ONC.validateCount(dimension, "dimension d", 1...4096, op)
      let total = classCounts.reduce(0, +)
      guard total * dimension <= 10_000_000 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected N·d ≤ 10⁷ optimisation variables, found \(total) × \(dimension)")
      }
      try ONC.validateNonNegative(lambdaH, "lambda_h", strict: true, op)
      try ONC.validateNonNegative(lambdaW, "lambda_w", strict: true, op)
      try ONC.validateNonNegative(gradientTolerance, "gradient tolerance", strict: true, op)
      try ONC.validateNonNegative(initScale, "init scale", strict: true, op)
      try ONC.validateCount(restarts, "restarts", 1...1000, op)
      try ONC.validateCount(maxIterations, "maxIterations", 1...1_000_000, op)
      self.loss = loss
      self.classCounts = classCounts
      self.dimension = dimension
      self.lambdaH = lambdaH
      self.lambdaW = lambdaW
      self.restarts = restarts
      self.gradientTolerance = gradientTolerance
      self.maxIterations = maxIterations
      self.initScale = initScale
      self.seed = seed
    }

    /// N = Σ n_k.
    public var samples: Int { classCounts.reduce(0, +) }

    /// The labels, class by class: n_0 zeros, then n_1 ones, ….
    public var labels: [Int] {
      classCounts.enumerated().flatMap { [Int](repeating: $0.offset, count: $0.element) }
    }

    /// The theory's model: this loss with proportions π_k = n_k/N.
    public var model: Model {
      get throws { try Model(loss: loss, proportions: classCounts.map(Double.init)) }
    }
  }

  /// The optimum found by `optimizeUFM`.
  public struct UFMResult: Sendable {
    public let parameters: UFMParameters
    /// The optimal features H, N × d (row i is hᵢ).
    public let features: Matrix
    /// The optimal classifier w.
    public let weights: Vector
    /// The labels of the rows of H.
    public let labels: [Int]
    /// Per-sample latents zᵢ = wᵀhᵢ.
    public let latents: Vector
    /// Class-mean latents z̄_k.
    public let classMeanLatents: Vector
    /// |w|.
    public let weightNorm: Double
    /// L(H, w) at the optimum.
    public let objective: Double
    /// ‖∇L‖_∞ in the scaled variables at the optimum.
    public let gradientNorm: Double
    /// Whether the gradient tolerance was met.
    public let converged: Bool
    /// L-BFGS steps of the winning start.
    public let iterations: Int
    /// The final objective of every start.
    public let startObjectives: Vector
    /// The collapse metrics of H; nil when λ_h λ_w ≥ C (with the empirical proportions),
    /// where the optimum is trivial (H = 0, w = 0) and the metrics are undefined.
    public let metrics: CollapseMetrics?
  }

  /// Minimises the UFM objective
  /// L(H, w) = (1/N) Σᵢ ℓ(wᵀhᵢ; yᵢ) + (λ_h/2N) Σᵢ |hᵢ|² + (λ_w/2) |w|²
  /// over free features H and classifier w (Ma, Obuchi & Tanaka, NeurIPS 2025; UFM of
  /// Mixon, Parshall & Pi, Sampl. Theory Signal Process. Data Anal. 20, 2022) by L-BFGS
  /// (`Solvers.lbfgs`) from `restarts` random starts, keeping the lowest objective.
  ///
  /// The optimiser works on gᵢ = hᵢ/√N and w, with gradients
  /// ∂L/∂gᵢ = ℓ′(zᵢ; yᵢ) w/√N + λ_h gᵢ and ∂L/∂w = Σᵢ ℓ′(zᵢ; yᵢ) gᵢ/√N + λ_w w:
  /// this scaling gives the H and w blocks of the Hessian the same order, which a
  /// 1/N-scaled H block would not. At the default gradient tolerance 1e-9 the class-mean
  /// latents and |w| agree with `solveState` to ~1e-7 away from the transition.
  /// - Throws: `nonFinite` if the objective is not finite at a start (cloglog latents
  ///   beyond ~700); `cancelled`. Progress counts finished starts.
  public static func optimizeUFM(
    _ parameters: UFMParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> UFMResult {
    let p = parameters
    let (n, d) = (p.samples, p.dimension)
    let labels = p.labels
    let root = RandomGenerator(seed: p.seed)
    var best: MinimizationResult?
    var objectives: [Double] = []
    for r in 0..<p.restarts {
      try cancellation.check()
      var rng = root.stream(r)
      let scale = p.initScale
      var start = [Double](repeating: 0, count: n * d + d)
      let gScale = scale / Double(n).squareRoot()
      for i in 0..<(n * d) { start[i] = gScale * rng.normal() }
      for j in 0..<d { start[n * d + j] = scale * rng.normal() }
      let result = try Solvers.lbfgs(
        { ufmObjective($0, p.loss, labels, d: d, lambdaH: p.lambdaH, lambdaW: p.lambdaW) },
        start: Vector(start), memory: 10, gradientTolerance: p.gradientTolerance,
        maxIterations: p.maxIterations, cancellation: cancellation)
      objectives.append(result.value)
      if best == nil || result.value < best!.value { best = result }
      progress.report(r + 1, of: p.restarts)
    }
    guard let opt = best else {
      throw NumericsError.noConvergence(operation: "onc.ufm", iterations: 0)
    }
    let root2 = Double(n).squareRoot()
    let x = opt.x.elements
    let features = try Matrix(rows: n, cols: d, elements: x[0..<(n * d)].map { $0 * root2 })
    let w = Vector(x[(n * d)...])
    var z = [Double](repeating: 0, count: n)
    var means = [Double](repeating: 0, count: p.loss.classes)
    for i in 0..<n {
      var s = 0.0
      for j in 0..<d { s += w[j] * features.elements[i * d + j] }
      z[i] = s
      means[labels[i]] += s / Double(p.classCounts[labels[i]])
    }
    let norm = w.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let trivial = p.lambdaH * p.lambdaW >= (try p.model).criticalConstant
    let metrics =
      trivial
      ? nil
      : try collapseMetrics(
        features: features, labels: labels, weights: w, thresholds: p.loss.thresholds)
    return UFMResult(
      parameters: p, features: features, weights: w, labels: labels, latents: Vector(z),
      classMeanLatents: Vector(means), weightNorm: norm, objective: opt.value,
      gradientNorm: opt.gradientNorm, converged: opt.converged, iterations: opt.iterations,
      startObjectives: Vector(objectives), metrics: metrics)
  }

  /// The UFM objective and gradient in the scaled variables x = (g_1 … g_N, w),
  /// gᵢ = hᵢ/√N (see `optimizeUFM`). Where the loss overflows (cloglog latents beyond
  /// ~700) the value is +∞, which makes the line search shorten its step; L-BFGS itself
  /// throws `nonFinite` if that happens at the start.
  static func ufmObjective(
    _ x: Vector, _ loss: CumulativeLink, _ labels: [Int], d: Int, lambdaH: Double,
    lambdaW: Double
  ) -> (value: Double, gradient: Vector) {
    let n = labels.count
    let rootN = Double(n).squareRoot()
    var value = 0.0
    let gradient = x.elements.withUnsafeBufferPointer { v in
      [Double](unsafeUninitializedCapacity: v.count) { g, count in
        count = v.count
        let w = n * d
        var sumW = 0.0
        for j in 0..<d {
          g[w + j] = lambdaW * v[w + j]
          sumW += v[w + j] * v[w + j]
        }
        var sumG = 0.0
        var data = 0.0
        for i in 0..<n {
          var s = 0.0
          for j in 0..<d { s += v[w + j] * v[i * d + j] }
          let t = loss.terms(rootN * s, labels[i])
          data -= t.logProbability
          let dz = (t.upper - t.lower) / rootN
          for j in 0..<d {
            let gij = v[i * d + j]
            sumG += gij * gij
            g[i * d + j] = dz * v[w + j] + lambdaH * gij
            g[w + j] += dz * gij
          }
        }
        value = data / Double(n) + 0.5 * lambdaH * sumG + 0.5 * lambdaW * sumW
      }
    }
    return (value.isFinite ? value : .infinity, Vector(gradient))
  }
}
