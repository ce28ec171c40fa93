import Foundation

/// The outcome of `Solvers.lbfgs`.
public struct MinimizationResult: Sendable {
  /// The best point found (the last accepted iterate).
  public let x: Vector
  /// The objective at `x`.
  public let value: Double
  /// ‖∇f(x)‖_∞.
  public let gradientNorm: Double
  /// The number of accepted L-BFGS steps.
  public let iterations: Int
  /// Whether ‖∇f(x)‖_∞ met the gradient tolerance.
  public let converged: Bool
}

extension Solvers {
  /// Minimises a smooth f by limited-memory BFGS (Nocedal & Wright, "Numerical
  /// Optimization", 2nd ed., 2006, Algorithm 7.5 with the two-loop recursion,
  /// Algorithm 7.4, and the initial scaling H₀ = (sᵀy / yᵀy)·I of eq. 7.20).
  ///
  /// Steps satisfy the strong Wolfe conditions with c₁ = 1e-4, c₂ = 0.9 (line search of
  /// Algorithms 3.5 and 3.6, safeguarded cubic interpolation eq. 3.59 in the zoom).
  /// The first trial step is 1, except on the first iteration (or after a reset) where
  /// it is 1/‖∇f‖₂. A pair (s, y) with sᵀy ≤ ε‖y‖² is not stored; a direction that is
  /// not a descent direction resets the memory to steepest descent.
  ///
  /// Stops with `converged = true` when ‖∇f‖_∞ ≤ `gradientTolerance` (scipy's `gtol`
  /// criterion); with `converged = false` after `maxIterations` steps or when the line
  /// search cannot make progress (typically at the limit of floating-point precision).
  ///
  /// - Parameter fg: the objective and its gradient at a point. A non-finite value at a
  ///   trial point makes the line search shorten the step.
  /// - Throws: `invalidArgument` for memory < 1, negative tolerance or iteration count,
  ///   or an empty start; `shapeMismatch` when the gradient length differs from x;
  ///   `nonFinite` when f or ∇f is not finite at the start; `cancelled`.
  public static func lbfgs(
    _ fg: (Vector) throws -> (value: Double, gradient: Vector), start: Vector,
    memory: Int = 10, gradientTolerance: Double = 1e-8, maxIterations: Int = 1000,
    cancellation: Cancellation = .never
  ) throws -> MinimizationResult {
    let operation = "lbfgs"
    guard memory >= 1 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected memory ≥ 1, found \(memory)")
    }
    guard gradientTolerance >= 0, maxIterations >= 0 else {
      throw NumericsError.invalidArgument(
        operation: operation,
        message: "expected gradientTolerance ≥ 0 and maxIterations ≥ 0, found "
          + "\(gradientTolerance) and \(maxIterations)")
    }
    guard !start.isEmpty else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected a non-empty start point")
    }
    let n = start.count
    func objective(_ x: [Double]) throws -> (Double, [Double]) {
      let r = try fg(Vector(x))
      guard r.gradient.count == n else {
        throw NumericsError.shapeMismatch(operation: operation, lhs: [n], rhs: r.gradient.shape)
      }
      return (r.value, r.gradient.elements)
    }
    var x = start.elements
    var (f, g) = try objective(x)
    guard f.isFinite && g.allSatisfy({ $0.isFinite }) else {
      throw NumericsError.nonFinite(operation: operation)
    }
    var history = History(memory: memory, dimension: n)
    var d = [Double](repeating: 0, count: n)
    var gNorm = maxNorm(g)
    var iteration = 0
    var reset = true
    while gNorm > gradientTolerance && iteration < maxIterations {
      try cancellation.check()
      history.direction(g, into: &d)
      var slope = dot(d, g)
      if !(slope < 0) {
        history.clear()
        for i in 0..<n { d[i] = -g[i] }
        slope = dot(d, g)
        reset = true
      }
      let initial = reset ? 1 / dot(g, g).squareRoot() : 1
      guard
        let step = try lineSearch(
          objective, x: x, f: f, slope: slope, direction: d, initial: initial)
      else { break }
      history.update(from: x, g, to: step.x, step.g)
      x = step.x
      f = step.f
      g = step.g
      gNorm = maxNorm(g)
      iteration += 1
      reset = history.count == 0
    }
    return MinimizationResult(
      x: Vector(x), value: f, gradientNorm: gNorm, iterations: iteration,
      converged: gNorm <= gradientTolerance)
  }

  /// A trial point of the line search: step α, φ(α) = f(x + αd), φ′(α) = ∇f·d.
  private struct Trial {
    var alpha: Double
    var f: Double
    var slope: Double
    var x: [Double]
    var g: [Double]

    var isFinite: Bool { f.isFinite && slope.isFinite }
  }

  /// Strong-Wolfe line search (Nocedal & Wright Algorithm 3.5, zoom Algorithm 3.6).
  /// Returns nil when no step with sufficient decrease is found within the budget.
  private static func lineSearch(
    _ objective: ([Double]) throws -> (Double, [Double]), x: [Double], f f0: Double,
    slope slope0: Double,
    direction d: [Double], initial: Double
  ) throws -> Trial? {
    let c1 = 1e-4
    let c2 = 0.9
    let maxEvaluations = 60
    var evaluations = 0
    func trial(_ alpha: Double) throws -> Trial {
      evaluations += 1
      var xt = x
      for i in 0..<xt.count { xt[i] += alpha * d[i] }
      let (ft, gt) = try objective(xt)
      return Trial(alpha: alpha, f: ft, slope: dot(gt, d), x: xt, g: gt)
    }
    func sufficientDecrease(_ t: Trial) -> Bool {
      t.isFinite && t.f <= f0 + c1 * t.alpha * slope0
    }
    func curvature(_ t: Trial) -> Bool { abs(t.slope) <= -c2 * slope0 }

    /// Algorithm 3.6: lo satisfies sufficient decrease with the lowest f so far; the
    /// bracket [lo, hi] (either order) contains strong-Wolfe steps.
    func zoom(_ lo: Trial, _ hi: Trial) throws -> Trial? {
      var lo = lo
      var hi = hi
      while evaluations < maxEvaluations {
        let width = hi.alpha - lo.alpha
        if abs(width) <= Double.ulpOfOne * max(abs(lo.alpha), abs(hi.alpha)) { break }
        var alpha = cubicMinimizer(lo, hi) ?? (lo.alpha + 0.5 * width)
        let a = min(lo.alpha, hi.alpha) + 0.1 * abs(width)
        let b = max(lo.alpha, hi.alpha) - 0.1 * abs(width)
        if !(alpha >= a && alpha <= b) { alpha = lo.alpha + 0.5 * width }
        let t = try trial(alpha)
        if !sufficientDecrease(t) || t.f >= lo.f {
          hi = t
        } else {
          if curvature(t) { return t }
          if t.slope * (hi.alpha - lo.alpha) >= 0 { hi = lo }
          lo = t
        }
      }
      return lo.alpha > 0 ? lo : nil
    }

    let zero = Trial(alpha: 0, f: f0, slope: slope0, x: x, g: [])
    var previous = zero
    var alpha = initial
    while evaluations < maxEvaluations {
      let t = try trial(alpha)
      if !sufficientDecrease(t) || (previous.alpha > 0 && t.f >= previous.f) {
        return try zoom(previous, t)
      }
      if curvature(t) { return t }
      if t.slope >= 0 { return try zoom(t, previous) }
      previous = t
      alpha *= 2
    }
    return previous.alpha > 0 ? previous : nil
  }

  /// The minimiser of the cubic interpolating φ and φ′ at two trial steps
  /// (Nocedal & Wright eq. 3.59), or nil when it does not exist or is not finite.
  private static func cubicMinimizer(_ p: Trial, _ q: Trial) -> Double? {
    guard p.isFinite && q.isFinite else { return nil }
    let d1 = p.slope + q.slope - 3 * (p.f - q.f) / (p.alpha - q.alpha)
    let disc = d1 * d1 - p.slope * q.slope
    guard disc >= 0 else { return nil }
    let d2 = (q.alpha > p.alpha ? 1.0 : -1.0) * disc.squareRoot()
    let denominator = q.slope - p.slope + 2 * d2
    guard denominator != 0 else { return nil }
    let alpha = q.alpha - (q.alpha - p.alpha) * (q.slope + d2 - d1) / denominator
    return alpha.isFinite ? alpha : nil
  }

  /// The L-BFGS memory: the last `memory` accepted pairs sₖ = xₖ₊₁ − xₖ,
  /// yₖ = ∇fₖ₊₁ − ∇fₖ with ρₖ = 1/sₖᵀyₖ, in one flat ring buffer (pair slot p occupies
  /// elements p·n ..< (p+1)·n of `s` and `y`), so the two-loop recursion streams through
  /// contiguous memory and an update overwrites the oldest slot instead of shifting.
  private struct History {
    let memory: Int
    let dimension: Int
    private var s: [Double]
    private var y: [Double]
    private var rho: [Double]
    private var alphas: [Double]
    private var sk: [Double]
    private var yk: [Double]
    /// The slot of the oldest stored pair.
    private var oldest = 0
    /// The number of stored pairs (≤ memory).
    private(set) var count = 0
    /// sᵀy / yᵀy of the newest pair: the scaling γ of H₀ = γI (Nocedal & Wright eq. 7.20).
    private var gamma = 1.0

    init(memory: Int, dimension: Int) {
      self.memory = memory
      self.dimension = dimension
      s = [Double](repeating: 0, count: memory * dimension)
      y = [Double](repeating: 0, count: memory * dimension)
      rho = [Double](repeating: 0, count: memory)
      alphas = [Double](repeating: 0, count: memory)
      sk = [Double](repeating: 0, count: dimension)
      yk = [Double](repeating: 0, count: dimension)
    }

    /// Forgets every pair (the next direction is steepest descent).
    mutating func clear() {
      oldest = 0
      count = 0
    }

    /// Stores the pair of the step x → x′ (gradients g → g′) unless sᵀy ≤ ε‖y‖²,
    /// replacing the oldest pair when the memory is full.
    mutating func update(from x: [Double], _ g: [Double], to xNew: [Double], _ gNew: [Double]) {
      let n = dimension
      for i in 0..<n {
        sk[i] = xNew[i] - x[i]
        yk[i] = gNew[i] - g[i]
      }
      let sy = Solvers.dot(sk, yk)
      let yy = Solvers.dot(yk, yk)
      guard sy > Double.ulpOfOne * yy else { return }
      let slot: Int
      if count == memory {
        slot = oldest
        oldest = (oldest + 1) % memory
      } else {
        slot = (oldest + count) % memory
        count += 1
      }
      s.withUnsafeMutableBufferPointer { sv in
        y.withUnsafeMutableBufferPointer { yv in
          sk.withUnsafeBufferPointer { skv in
            yk.withUnsafeBufferPointer { ykv in
              let o = slot * n
              for i in 0..<n {
                sv[o + i] = skv[i]
                yv[o + i] = ykv[i]
              }
            }
          }
        }
      }
      rho[slot] = 1 / sy
      gamma = sy / yy
    }

    /// The L-BFGS search direction d = −H g by the two-loop recursion (Nocedal & Wright
    /// Algorithm 7.4) over the stored pairs, newest to oldest and back, with H₀ = γI;
    /// with no pairs, d = −g. Each dot product and update runs over j = 0 ..< n in
    /// order, so the result is the same to the last bit as the textbook loop.
    mutating func direction(_ g: [Double], into d: inout [Double]) {
      let n = dimension
      let m = count
      let memory = memory
      let oldest = oldest
      let gamma = gamma
      s.withUnsafeBufferPointer { sv in
        y.withUnsafeBufferPointer { yv in
          rho.withUnsafeBufferPointer { rv in
            alphas.withUnsafeMutableBufferPointer { av in
              g.withUnsafeBufferPointer { gv in
                d.withUnsafeMutableBufferPointer { q in
                  guard let sp = sv.baseAddress, let yp = yv.baseAddress,
                    let qp = q.baseAddress, let gp = gv.baseAddress
                  else { return }
                  for j in 0..<n { qp[j] = gp[j] }
                  for i in stride(from: m - 1, through: 0, by: -1) {
                    let slot = (oldest + i) % memory
                    let si = sp + slot * n
                    let yi = yp + slot * n
                    var sq = 0.0
                    for j in 0..<n { sq += si[j] * qp[j] }
                    let a = rv[slot] * sq
                    av[i] = a
                    for j in 0..<n { qp[j] -= a * yi[j] }
                  }
                  if m > 0 {
                    for j in 0..<n { qp[j] *= gamma }
                  }
                  for i in 0..<m {
                    let slot = (oldest + i) % memory
                    let si = sp + slot * n
                    let yi = yp + slot * n
                    var yq = 0.0
                    for j in 0..<n { yq += yi[j] * qp[j] }
                    let beta = rv[slot] * yq
                    let c = av[i] - beta
                    for j in 0..<n { qp[j] += si[j] * c }
                  }
                  for j in 0..<n { qp[j] = -qp[j] }
                }
              }
            }
          }
        }
      }
    }
  }

  private static func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { av in
      b.withUnsafeBufferPointer { bv in
        var s = 0.0
        for i in 0..<av.count { s += av[i] * bv[i] }
        return s
      }
    }
  }

  private static func maxNorm(_ v: [Double]) -> Double {
    var m = 0.0
    for x in v { m = max(m, abs(x)) }
    return m
  }
}
