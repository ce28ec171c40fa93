import Foundation
import Numerics

extension SD {
  /// Bounds and effort of the hyper-parameter search of "optimal k-stage SD".
  public struct OptimizationSettings: Sendable, Equatable {
    /// Bounds on every λ_t (the authors search [10⁻³, 300]).
    public let lambdaBounds: ClosedRange<Double>
    /// Bounds on every finite β_t; hard-label stages (β = ∞) stay hard.
    public let betaBounds: ClosedRange<Double>
    /// Whether the finite β_t are optimised too (else they stay at the problem's values).
    public let optimizeBetas: Bool
    /// Cycles over all coordinates.
    public let sweeps: Int
    /// Width in ln(parameter) at which a golden-section line search stops.
    public let tolerance: Double

    /// Validates 0 < lower < upper < ∞ for both bounds, 1 ≤ sweeps ≤ 100,
    /// 10⁻⁸ ≤ tolerance ≤ 1.
    public init(
      lambdaBounds: ClosedRange<Double> = 1e-3...300, betaBounds: ClosedRange<Double> = 0.05...50,
      optimizeBetas: Bool = true, sweeps: Int = 3, tolerance: Double = 1e-3
    ) throws {
      let op = "sd.optimize"
      for (name, r) in [("lambda", lambdaBounds), ("beta", betaBounds)] {
        guard r.lowerBound > 0 && r.upperBound.isFinite && r.lowerBound < r.upperBound else {
          throw NumericsError.invalidArgument(
            operation: op,
            message: "expected \(name) bounds 0 < lower < upper < inf, found \(r)")
        }
      }
      guard sweeps >= 1 && sweeps <= 100 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 1 ≤ sweeps ≤ 100, found \(sweeps)")
      }
      guard tolerance >= 1e-8 && tolerance <= 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 1e-8 ≤ tolerance ≤ 1, found \(tolerance)")
      }
      self.lambdaBounds = lambdaBounds
      self.betaBounds = betaBounds
      self.optimizeBetas = optimizeBetas
      self.sweeps = sweeps
      self.tolerance = tolerance
    }
  }

  /// The best schedule found, and how it was found.
  public struct OptimizationResult: Sendable {
    /// The optimal λ_t.
    public let lambdas: [Double]
    /// The optimal β_t (∞ for hard-label stages).
    public let betas: [Double]
    /// The final-stage test error at the optimum.
    public let error: Double
    /// The theory at the optimum (every stage's ε, order parameters, convergence).
    public let theory: TheoryResult
    /// Theory solves made.
    public let evaluations: Int
    /// Solves that failed (non-finite or unconverged), scored as ε = ∞.
    public let failures: Int
    /// Names of the parameters that ended within the line-search tolerance of a bound,
    /// e.g. ["lambda1 (upper)"]: the optimum may lie outside the bounds.
    public let atBounds: [String]
  }

  /// Minimises the last stage's test error ε_T over λ_1…λ_T (and the finite β_t) by
  /// cyclic coordinate descent with golden-section line searches in ln(parameter) over
  /// the full bounds (Kiefer 1953; Press et al., Numerical Recipes 3rd ed., §10.2),
  /// keeping the best point ever evaluated — the authors use NLopt's Subplex under the
  /// same bounds. ε_T(λ, β) is unimodal along each coordinate in the cases studied; the
  /// search is local otherwise. Starts from the problem's schedule.
  ///
  /// "Optimal k-SD" (Takanami et al. 2025, §4) is this with T = k + 1 stages.
  ///
  /// - Throws: `invalidArgument` when the starting schedule lies outside the bounds;
  ///   `cancelled`.
  public static func optimize(
    _ problem: Problem, settings: OptimizationSettings, theory: TheorySettings,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> OptimizationResult {
    var names: [String] = []
    var bounds: [ClosedRange<Double>] = []
    var start: [Double] = []
    for (t, l) in problem.lambdas.enumerated() {
      names.append("lambda\(t + 1)")
      bounds.append(settings.lambdaBounds)
      start.append(l)
    }
    var betaSlots: [Int] = []
    if settings.optimizeBetas {
      for (t, b) in problem.betas.enumerated() where b.isFinite {
        names.append("beta\(t + 1)")
        bounds.append(settings.betaBounds)
        start.append(b)
        betaSlots.append(t)
      }
    }
    for i in 0..<start.count where !bounds[i].contains(start[i]) {
      throw NumericsError.invalidArgument(
        operation: "sd.optimize",
        message: "expected the starting \(names[i]) within \(bounds[i]), found \(start[i])")
    }
    let lambdaCount = problem.lambdas.count
    func schedule(_ x: [Double]) -> ([Double], [Double]) {
      var betas = problem.betas
      for (j, t) in betaSlots.enumerated() { betas[t] = x[lambdaCount + j] }
      return (Array(x[0..<lambdaCount]), betas)
    }
    var evaluations = 0
    var failures = 0
    var best: (x: [Double], error: Double, theory: TheoryResult?) = (start, .infinity, nil)
    func evaluate(_ x: [Double]) throws -> Double {
      try cancellation.check()
      evaluations += 1
      let (l, b) = schedule(x)
      do {
        let r = try SD.theory(
          try problem.with(lambdas: l, betas: b), settings: theory, cancellation: cancellation)
        let e = r.error[lambdaCount - 1]
        guard r.converged && e.isFinite else {
          failures += 1
          return .infinity
        }
        if e < best.error { best = (x, e, r) }
        return e
      } catch NumericsError.nonFinite {
        failures += 1
        return .infinity
      }
    }
    var x = start
    _ = try evaluate(x)
    let g = (5.0.squareRoot() - 1) / 2
    let totalSteps = settings.sweeps * x.count
    var step = 0
    for _ in 0..<settings.sweeps {
      for i in 0..<x.count {
        var lo = log(bounds[i].lowerBound)
        var hi = log(bounds[i].upperBound)
        func at(_ u: Double) throws -> Double {
          var y = best.x
          y[i] = exp(u)
          return try evaluate(y)
        }
        var c = hi - g * (hi - lo)
        var d = lo + g * (hi - lo)
        var fc = try at(c)
        var fd = try at(d)
        while hi - lo > settings.tolerance {
          if fc <= fd {
            hi = d
            d = c
            fd = fc
            c = hi - g * (hi - lo)
            fc = try at(c)
          } else {
            lo = c
            c = d
            fc = fd
            d = lo + g * (hi - lo)
            fd = try at(d)
          }
        }
        x = best.x
        step += 1
        progress.report(step, of: totalSteps)
      }
    }
    guard let theoryAtBest = best.theory else {
      throw NumericsError.noConvergence(operation: "sd.optimize", iterations: evaluations)
    }
    var atBounds: [String] = []
    for i in 0..<x.count {
      let u = log(best.x[i])
      if u - log(bounds[i].lowerBound) <= settings.tolerance {
        atBounds.append("\(names[i]) (lower)")
      } else if log(bounds[i].upperBound) - u <= settings.tolerance {
        atBounds.append("\(names[i]) (upper)")
      }
    }
    let (l, b) = schedule(best.x)
    return OptimizationResult(
      lambdas: l, betas: b, error: best.error, theory: theoryAtBest, evaluations: evaluations,
      failures: failures, atBounds: atBounds)
  }
}
