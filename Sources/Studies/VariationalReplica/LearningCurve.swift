import Numerics

extension VGA {
  /// Learning curves from one pool: one entry per dataset size M (τ = M/M₀).
  public struct LearningCurve: Sendable {
    /// The dataset sizes M.
    public let sizes: Vector
    /// τ = M/M₀.
    public let tau: Vector
    public let testError: Vector
    public let trainError: Vector
    /// test − train.
    public let gap: Vector
    /// Takeuchi's penalty κ tr(QC⁻¹)/M (VGA) or its per-dataset average (resampling).
    public let penalty: Vector
    /// tr(Q)/d.
    public let quenchedVariance: Vector
    /// tr(C)/d.
    public let thermalVariance: Vector
    /// Standard errors of test, train, quenched, thermal and penalty (resampling only).
    public let testSE: Vector?
    public let trainSE: Vector?
    public let quenchedSE: Vector?
    public let thermalSE: Vector?
    public let penaltySE: Vector?
    /// Test and training misclassification (logistic loss only).
    public let testMisclassification: Vector?
    public let trainMisclassification: Vector?
    /// Fixed-point iterations per size (VGA only).
    public let iterations: Vector?
    /// How the Q-equation was solved at each size (VGA only).
    public let qMethods: [String]
  }

  /// The VGA learning curve: `solve` at each τ = M/M₀, each warm-started from the
  /// previous size (give sizes in increasing order for the best start).
  public static func learningCurve(
    pool: Data, test: Data, sizes: [Int], settings: Settings,
    cancellation: Cancellation = .never, progress: Progress = .silent
  ) throws -> LearningCurve {
    let taus = try rates(sizes: sizes, poolSize: pool.count, "vga.curve")
    var solutions = [Solution]()
    for (k, tau) in taus.enumerated() {
      solutions.append(
        try solve(
          pool: pool, test: test, tau: tau, settings: settings, start: solutions.last,
          cancellation: cancellation))
      progress.report(k + 1, of: taus.count)
    }
    func column(_ f: (Solution) -> Double) -> Vector { Vector(solutions.map(f)) }
    let logistic = settings.loss == .logistic
    return LearningCurve(
      sizes: Vector(sizes.map(Double.init)), tau: Vector(taus), testError: column(\.testError),
      trainError: column(\.trainError), gap: column(\.gap), penalty: column(\.penalty),
      quenchedVariance: column(\.quenchedVariance), thermalVariance: column(\.thermalVariance),
      testSE: nil, trainSE: nil, quenchedSE: nil, thermalSE: nil, penaltySE: nil,
      testMisclassification: logistic ? column { $0.testMisclassification ?? .nan } : nil,
      trainMisclassification: logistic ? column { $0.trainMisclassification ?? .nan } : nil,
      iterations: column { Double($0.iterations + $0.qIterations) },
      qMethods: solutions.map(\.qMethod))
  }

  /// The Poisson-resampling learning curve on the same pool (`resample` at each size,
  /// with seed streams `seed`, `seed + 1`, …).
  public static func resamplingCurve(
    pool: Data, test: Data, sizes: [Int], lambda: Double, loss: Loss = .square,
    resamples: Int = 400, seed: UInt64 = 1, cancellation: Cancellation = .never,
    progress: Progress = .silent
  ) throws -> LearningCurve {
    let taus = try rates(sizes: sizes, poolSize: pool.count, "vga.resample")
    var results = [Resampling]()
    for (k, tau) in taus.enumerated() {
      results.append(
        try resample(
          pool: pool, test: test, tau: tau, lambda: lambda, loss: loss, resamples: resamples,
          seed: seed &+ UInt64(k), cancellation: cancellation))
      progress.report(k + 1, of: taus.count)
    }
    func column(_ f: (Resampling) -> Double) -> Vector { Vector(results.map(f)) }
    let logistic = loss == .logistic
    return LearningCurve(
      sizes: Vector(sizes.map(Double.init)), tau: Vector(taus), testError: column(\.testError),
      trainError: column(\.trainError), gap: column(\.gap), penalty: column(\.penalty),
      quenchedVariance: column(\.quenchedVariance), thermalVariance: column(\.thermalVariance),
      testSE: column(\.testSE), trainSE: column(\.trainSE), quenchedSE: column(\.quenchedSE),
      thermalSE: column(\.thermalSE), penaltySE: column(\.penaltySE),
      testMisclassification: logistic ? column { $0.testMisclassification ?? .nan } : nil,
      trainMisclassification: logistic ? column { $0.trainMisclassification ?? .nan } : nil,
      iterations: nil, qMethods: [])
  }
}
