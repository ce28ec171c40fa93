import Foundation
import Numerics

extension DAM {
  /// How a scan evaluates one trajectory.
  public enum ScanMethod: String, Sendable, CaseIterable {
    /// The GFA theory (`theory` with `.gfa`).
    case gfa
    /// The naive signal-to-noise recursion (`theory` with `.sna`).
    case sna
    /// Direct simulation (`simulate`, parallel, T = 0) at `neurons`, over `trials`.
    case simulation
  }

  /// Settings shared by the basin and capacity scans.
  public struct ScanSettings: Sendable, Equatable {
    /// Time steps T: the horizon within which retrieval is judged.
    public let steps: Int
    public let method: ScanMethod
    /// A run retrieves when its final overlap m(T) ≥ `retrievalThreshold` (default 0.5:
    /// final overlaps are near 1 or near 0 except within slow transients).
    public let retrievalThreshold: Double
    /// GFA Monte Carlo paths.
    public let samples: Int
    /// Simulation size N and trials per point.
    public let neurons: Int
    public let trials: Int
    public let seed: UInt64
    public let threads: Int

    /// Validates 1 ≤ steps ≤ 1000, 0 < threshold < 1, and (for the method in use) samples,
    /// neurons and trials as `TheoryParameters` and `SimulationParameters` do.
    public init(
      steps: Int, method: ScanMethod = .gfa, retrievalThreshold: Double = 0.5,
      samples: Int = 100_000, neurons: Int = 512, trials: Int = 12, seed: UInt64 = 1,
      threads: Int = DAM.defaultThreads
    ) throws {
      let op = "dam.scan"
      try DAM.validateCount(steps, "steps", 1...1000, op)
      try DAM.validateCount(samples, "samples", 1000...10_000_000, op)
      try DAM.validateCount(neurons, "neurons N", 2...Int(Int32.max), op)
      try DAM.validateCount(trials, "trials", 1...1_000_000, op)
      try DAM.validateCount(threads, "threads", 1...4096, op)
      guard retrievalThreshold > 0 && retrievalThreshold < 1 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected a retrieval threshold in (0, 1), found \(retrievalThreshold)")
      }
      self.steps = steps
      self.method = method
      self.retrievalThreshold = retrievalThreshold
      self.samples = samples
      self.neurons = neurons
      self.trials = trials
      self.seed = seed
      self.threads = threads
    }
  }

  /// The final overlaps over a grid of initial overlaps, and the basin edge.
  public struct BasinResult: Sendable {
    public let order: Int
    public let alpha: Double
    public let settings: ScanSettings
    /// The grid m0, ascending.
    public let initialOverlaps: Vector
    /// m(T) per m0 (the trial mean for simulation).
    public let finalOverlap: Vector
    /// Its standard error (Monte Carlo for GFA, over trials for simulation, 0 for SNA).
    public let standardError: Vector
    /// The fraction of runs with m(T) ≥ threshold (0 or 1 for the theories).
    public let retrievalProbability: Vector
    /// τ: the first t with m(t) ≥ m(T) − 0.01 (on the mean trajectory).
    public let convergenceTime: Vector
    /// m(t) per m0: grid size × (T + 1) (trial means for simulation).
    public let trajectories: Matrix
    /// The basin edge m0_c: below the smallest grid point from which every larger m0
    /// retrieves, interpolated linearly where the final overlap (theory) or retrieval
    /// probability (simulation, level ½) crosses its level; the lowest grid point when all
    /// retrieve (an upper bound), nil when none does.
    public let boundary: Double?
  }

  /// The basin of attraction of pattern 1 under parallel T = 0 dynamics: m(T) against m0
  /// (Mimura et al., ICLR 2026, arXiv 2506.00851: the retarded self-interaction enlarges
  /// the basin and the convergence time diverges at its edge).
  ///
  /// - Throws: `invalidArgument` for an empty grid, a grid point outside (0, 1], or the
  ///   model errors of `theory`/`simulate`; `cancelled`. Progress counts grid points.
  public static func basin(
    order: Int, alpha: Double, initialOverlaps: Vector, settings: ScanSettings,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> BasinResult {
    let op = "dam.basin"
    guard !initialOverlaps.isEmpty else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected at least one initial overlap, found an empty grid")
    }
    for m0 in initialOverlaps { try validateInitialOverlap(m0, op) }
    let grid = initialOverlaps.elements.sorted()
    var finals = [Double]()
    var errors = [Double]()
    var probabilities = [Double]()
    var taus = [Double]()
    var rows = [Double]()
    for (i, m0) in grid.enumerated() {
      let run = try evaluate(
        order: order, alpha: alpha, initialOverlap: m0, settings: settings,
        cancellation: cancellation)
      finals.append(run.m.last!)
      errors.append(run.finalError)
      probabilities.append(run.retrieval)
      taus.append(Double(convergenceTime(run.m)))
      rows += run.m
      progress.report(i + 1, of: grid.count)
    }
    let useProbability = settings.method == .simulation
    let level = useProbability ? 0.5 : settings.retrievalThreshold
    let measure = useProbability ? probabilities : finals
    return BasinResult(
      order: order, alpha: alpha, settings: settings, initialOverlaps: Vector(grid),
      finalOverlap: Vector(finals), standardError: Vector(errors),
      retrievalProbability: Vector(probabilities), convergenceTime: Vector(taus),
      trajectories: try Matrix(rows: grid.count, cols: settings.steps + 1, elements: rows),
      boundary: edge(grid, measure, level: level))
  }

  /// The first t with m(t) ≥ m(T) − 0.01.
  static func convergenceTime(_ m: [Double]) -> Int {
    let target = m.last! - 0.01
    return m.firstIndex { $0 >= target }!
  }

  /// See `BasinResult.boundary`.
  static func edge(_ x: [Double], _ y: [Double], level: Double) -> Double? {
    var first = x.count
    while first > 0 && y[first - 1] >= level { first -= 1 }
    if first == x.count { return nil }
    if first == 0 { return x[0] }
    let (x0, x1, y0, y1) = (x[first - 1], x[first], y[first - 1], y[first])
    return y1 > y0 ? x0 + (level - y0) * (x1 - x0) / (y1 - y0) : x1
  }

  /// The largest load that still retrieves, by bisection.
  public struct CapacityResult: Sendable {
    public let order: Int
    public let initialOverlap: Double
    public let settings: ScanSettings
    /// α_c: the midpoint of the final bracket [retrieves, fails], within `tolerance`.
    public let criticalAlpha: Double
    /// The horizon T of the criterion m(T) ≥ threshold: slow dynamics near α_c make the
    /// answer horizon-dependent.
    public let horizon: Int
    /// Every α evaluated, in order, with its m(T).
    public let alphas: Vector
    public let finalOverlaps: Vector
  }

  /// The storage capacity seen by the dynamics: the largest α for which m(T) ≥ threshold
  /// from m0 (default 1), by bisection on [lower, upper] to within `tolerance`. Classic
  /// check: the Hopfield model's equilibrium capacity is α_c ≈ 0.138 (Amit, Gutfreund &
  /// Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985)); the naive SNA predicts 2/π for n = 2.
  ///
  /// - Throws: `invalidArgument` when 0 < lower < upper does not hold, tolerance ≤ 0, or the
  ///   bracket does not bracket (lower must retrieve and upper must fail; both final
  ///   overlaps are reported); `cancelled`. Progress counts bisection steps.
  public static func capacity(
    order: Int, settings: ScanSettings, initialOverlap: Double = 1, lower: Double = 0.001,
    upper: Double = 1, tolerance: Double = 1e-3, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> CapacityResult {
    let op = "dam.capacity"
    try validateInitialOverlap(initialOverlap, op)
    guard lower > 0 && upper > lower && upper.isFinite else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected 0 < lower < upper, found [\(lower), \(upper)]")
    }
    guard tolerance > 0 && tolerance.isFinite else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a tolerance > 0, found \(tolerance)")
    }
    var alphas = [Double]()
    var finals = [Double]()
    func retrieves(_ a: Double) throws -> Bool {
      let run = try evaluate(
        order: order, alpha: a, initialOverlap: initialOverlap, settings: settings,
        cancellation: cancellation)
      alphas.append(a)
      finals.append(run.m.last!)
      return run.m.last! >= settings.retrievalThreshold
    }
    let total = Int((log2((upper - lower) / tolerance)).rounded(.up)) + 2
    guard try retrieves(lower) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "the lower load \(lower) does not retrieve (m(T) = \(finals[0])); lower it")
    }
    guard !(try retrieves(upper)) else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "the upper load \(upper) still retrieves (m(T) = \(finals[1])); raise it")
    }
    var (a, b) = (lower, upper)
    progress.report(2, of: total)
    while b - a > tolerance {
      let mid = 0.5 * (a + b)
      if try retrieves(mid) { a = mid } else { b = mid }
      progress.report(min(alphas.count, total), of: total)
    }
    return CapacityResult(
      order: order, initialOverlap: initialOverlap, settings: settings,
      criticalAlpha: 0.5 * (a + b), horizon: settings.steps, alphas: Vector(alphas),
      finalOverlaps: Vector(finals))
  }

  /// One trajectory by the scan's method: m(0…T), the s.e. of m(T), and the retrieval
  /// probability.
  private static func evaluate(
    order: Int, alpha: Double, initialOverlap m0: Double, settings: ScanSettings,
    cancellation: Cancellation
  ) throws -> (m: [Double], finalError: Double, retrieval: Double) {
    switch settings.method {
    case .gfa, .sna:
      let result = try theory(
        TheoryParameters(
          order: order, alpha: alpha, initialOverlap: m0, steps: settings.steps,
          method: settings.method == .gfa ? .gfa : .sna, samples: settings.samples,
          seed: settings.seed, threads: settings.threads), cancellation: cancellation)
      let m = result.overlap.elements
      return (
        m, result.standardError[settings.steps], m.last! >= settings.retrievalThreshold ? 1 : 0
      )
    case .simulation:
      let result = try simulate(
        SimulationParameters(
          model: Model(neurons: settings.neurons, order: order, alpha: alpha),
          initialOverlap: m0, steps: settings.steps, trials: settings.trials,
          seed: settings.seed, threads: settings.threads), cancellation: cancellation)
      let finals = result.trajectories.column(settings.steps)
      let retrieved = finals.filter { $0 >= settings.retrievalThreshold }.count
      return (
        result.meanOverlap.elements, result.standardError[settings.steps],
        Double(retrieved) / Double(settings.trials)
      )
    }
  }
}
