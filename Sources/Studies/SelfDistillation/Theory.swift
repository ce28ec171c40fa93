import Dispatch
import Foundation
import Numerics

extension SD {
  /// Which recursion gives the cross responses χ_st (s < t) of the prior side.
  public enum ChiRecursion: String, Sendable, CaseIterable {
    /// χ_st = −Σ_{k=s}^{t−1} Q̂_kt χ_sk / Λ_t: the response of w_t to the field on w_s
    /// through every intermediate stage (exact for the effective scalar problem).
    case full
    /// χ_st = −Q̂_{t−1,t} χ_{s,t−1} / Λ_t: the authors' code keeps only k = t − 1. The two
    /// agree for T ≤ 2; at T = 3 they change ε by ≤ 3·10⁻⁴ (spec).
    case truncated
  }

  /// Settings of the replica solver.
  public struct TheorySettings: Sendable, Equatable {
    /// The integration rule over ξ (see `Integration`).
    public let integration: Integration
    /// The χ_st recursion.
    public let chi: ChiRecursion
    /// Damping d ∈ [0, 1): x ← (1 − d)·x_new + d·x_old on the conjugates and the bias
    /// (the authors' code uses the opposite convention, weight on x_new). It is the
    /// starting value: whenever the residual grows, d ← ½ + ½d (at most 0.98), which
    /// tames the overshooting m̂ update at large α (slope −αχ/(2 + Δχ) < −1).
    public let damping: Double
    /// Convergence when max |x_new − x_old|/(1 + |x_old|) ≤ tolerance over every conjugate
    /// and the bias of the stage (10⁻⁷–10⁻⁹ per the spec).
    public let tolerance: Double
    /// The iteration cap per stage.
    public let maxIterations: Int
    /// Worker threads (the four label branches run in parallel); results do not depend
    /// on it.
    public let threads: Int

    /// Validates damping ∈ [0, 1), 0 < tolerance < 1, 1 ≤ maxIterations ≤ 10⁶, threads ≥ 1.
    public init(
      integration: Integration = .automatic, chi: ChiRecursion = .full, damping: Double = 0.2,
      tolerance: Double = 1e-9, maxIterations: Int = 5000, threads: Int = SD.defaultThreads
    ) throws {
      let op = "sd.theory"
      guard damping >= 0 && damping < 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected damping in [0, 1), found \(damping)")
      }
      guard tolerance > 0 && tolerance < 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 0 < tolerance < 1, found \(tolerance)")
      }
      guard maxIterations >= 1 && maxIterations <= 1_000_000 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 1 ≤ maxIterations ≤ 10⁶, found \(maxIterations)")
      }
      guard threads >= 1 && threads <= 4096 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected 1 ≤ threads ≤ 4096, found \(threads)")
      }
      self.integration = integration
      self.chi = chi
      self.damping = damping
      self.tolerance = tolerance
      self.maxIterations = maxIterations
      self.threads = threads
    }
  }

  /// The default number of worker threads: the active processor count.
  public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// The saddle point of every stage, and how the solver got there.
  public struct TheoryResult: Sendable {
    public let problem: Problem
    /// The resolved integration rule, e.g. "gauss-hermite 24^3".
    public let integration: String
    /// m_t = w_t·v/N.
    public let m: Vector
    /// The biases b_t.
    public let b: Vector
    /// Q_st = w_s·w_t/N (symmetric T × T).
    public let q: Matrix
    /// χ_st for s ≤ t (upper triangle; zeros below).
    public let chi: Matrix
    /// The conjugates m̂_t.
    public let mHat: Vector
    /// Q̂_st for s ≤ t (upper triangle).
    public let qHat: Matrix
    /// χ̂_st (symmetric).
    public let chiHat: Matrix
    /// The test error ε_t of every stage's student.
    public let error: Vector
    /// Fixed-point iterations per stage.
    public let iterations: [Int]
    /// The last relative change per stage.
    public let residuals: [Double]
    /// Whether each stage met the tolerance.
    public let stageConverged: [Bool]
    /// How often the Cholesky pivot of ΔQ had to be shifted to stay positive, per stage.
    public let shifts: [Int]
    /// The damping each stage ended with (raised from the setting whenever the residual
    /// grew).
    public let dampings: [Double]

    /// Whether every stage converged.
    public var converged: Bool { stageConverged.allSatisfy { $0 } }
  }

  /// Solves the replica saddle-point equations of T-stage self-distillation, stage by
  /// stage (Takanami et al. 2025, §3 and App. B; equations as written out in
  /// design/studies/self-distillation.md, "Theory").
  ///
  /// Prior side (effective scalar problem w_t = [m̂_t + ζ_t − Σ_{s<t} Q̂_st w_s]/Λ_t,
  /// Λ_t = λ_t + Q̂_tt, Cov(ζ_s, ζ_t) = χ̂_st), with R_st = E[ζ_s w_t]:
  ///   m_t = (m̂_t − Σ_{k<t} Q̂_kt m_k)/Λ_t,  R_st = (χ̂_st − Σ_{k<t} Q̂_kt R_sk)/Λ_t,
  ///   Q_st = (m_t m̂_s + R_st − Σ_{k<s} Q̂_ks Q_kt)/Λ_s (s ≤ t),  χ_tt = 1/Λ_t,
  ///   χ_st from `ChiRecursion`.
  /// Channel side, with U the upper Cholesky factor of ΔQ[1:t, 1:t] and the four
  /// (class, flip) branches weighted ρ(1−θ), ρθ, (1−ρ)(1−θ), (1−ρ)θ:
  ///   h_t = Σ_{k≤t} U_kt ξ_k + s m_t + b_t + Σ_{s<t} (χ_st/χ_ss) z_s,
  ///   z_t = prox (see `proximal`) with c = Δχ_tt and target y^(t) = noisy label (t = 1)
  ///   or the pseudo-label of a_{t−1} = h_{t−1} + z_{t−1};
  ///   m̂_t = α E[s z_t]/(Δχ_tt),  χ̂_st = α E[z_s z_t]/(Δ χ_ss χ_tt),
  ///   (Q̂_1t … Q̂_tt) = −(α/χ_tt) g with E[ξ_k z_t] = Σ_{j≥k} U_kj g_j (Stein's lemma;
  ///   g_t = E[∂z_t/∂h_t] is taken analytically, which lowers the Monte Carlo variance),
  ///   and the bias from E[z_t] = 0 by a Newton step b ← b − E[z]/E[∂z/∂h] per iteration.
  /// Stage t is iterated (damped) to a fixed point with stages < t frozen; z_t(ξ) and
  /// a_t(ξ) are then stored per point for the later stages, on the same ξ nodes. A
  /// non-positive Cholesky pivot is replaced by 10⁻¹⁰·ΔQ_tt (a spectrum shift of the last
  /// stage), counted in `shifts`.
  ///
  /// Accuracy: the fixed point to `tolerance`; the integrals to the quadrature error
  /// (Gauss–Hermite: spectral for soft labels) or the Monte Carlo error (∝ S^{−1/2}).
  ///
  /// - Throws: `nonFinite` when an order parameter becomes NaN or ±∞; `cancelled`.
  ///   A stage that misses the tolerance is reported (`stageConverged`), not thrown.
  public static func theory(
    _ problem: Problem, settings: TheorySettings, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> TheoryResult {
    let rule = settings.integration.resolved(for: problem)
    let points = try QuadraturePoints(rule, stages: problem.stages)
    var solver = TheorySolver(problem: problem, settings: settings, points: points)
    for t in 0..<problem.stages {
      try solver.solveStage(t, cancellation: cancellation)
      progress.report(t + 1, of: problem.stages)
    }
    return solver.result(integration: rule.describe(stages: problem.stages))
  }
}

/// The per-branch state of the channel: the frozen z_s and a_s of earlier stages on their
/// own points, and the current stage's iterate. Each branch is touched by one worker only.
private final class Branch: @unchecked Sendable {
  let sign: Double
  let firstLabel: Double
  let weight: Double
  var z: [[Double]] = []
  var a: [[Double]] = []
  var current: [Double] = []
  var field: [Double] = []
  // Accumulated E[z], E[z²], E[∂z/∂h], E[z z_s], E[ξ_k z] (unweighted by the branch).
  var ez = 0.0
  var ezz = 0.0
  var edz = 0.0
  var ezs: [Double] = []
  var exz: [Double] = []

  init(sign: Double, flipped: Bool, weight: Double) {
    self.sign = sign
    self.firstLabel = flipped ? (1 - sign) / 2 : (1 + sign) / 2
    self.weight = weight
  }
}

/// The stage-by-stage solver behind `SD.theory`. Matrices are T × T, row-major, 0-based.
private struct TheorySolver {
  let problem: SD.Problem
  let settings: SD.TheorySettings
  let points: SD.QuadraturePoints
  let size: Int
  var m: [Double]
  var b: [Double]
  var mHat: [Double]
  var q: [Double]
  var chi: [Double]
  var qHat: [Double]
  var chiHat: [Double]
  var r: [Double]
  var u: [Double]
  var lambdaEff: [Double]
  var iterations: [Int] = []
  var residuals: [Double] = []
  var converged: [Bool] = []
  var shifts: [Int] = []
  var dampings: [Double] = []
  let branches: [Branch]
  /// The ceiling of the adaptive damping.
  let maximumDamping = 0.98

  init(problem: SD.Problem, settings: SD.TheorySettings, points: SD.QuadraturePoints) {
    self.problem = problem
    self.settings = settings
    self.points = points
    let t = problem.stages
    size = t
    m = [Double](repeating: 0, count: t)
    b = m
    mHat = m
    lambdaEff = m
    q = [Double](repeating: 0, count: t * t)
    chi = q
    qHat = q
    chiHat = q
    r = q
    u = q
    let rho = problem.rho
    let theta = problem.theta
    branches = [
      Branch(sign: 1, flipped: false, weight: rho * (1 - theta)),
      Branch(sign: 1, flipped: true, weight: rho * theta),
      Branch(sign: -1, flipped: false, weight: (1 - rho) * (1 - theta)),
      Branch(sign: -1, flipped: true, weight: (1 - rho) * theta),
    ]
  }

  @inline(__always) func at(_ i: Int, _ j: Int) -> Int { i * size + j }

  /// The prior side of stage t given its conjugates (all earlier stages frozen).
  mutating func priorSide(_ t: Int) {
    let lt = problem.lambdas[t] + qHat[at(t, t)]
    lambdaEff[t] = lt
    var s0 = mHat[t]
    for k in 0..<t { s0 -= qHat[at(k, t)] * m[k] }
    m[t] = s0 / lt
    for bb in 0...t {
      var s = chiHat[at(t, bb)]
      for k in 0..<bb { s -= qHat[at(k, bb)] * r[at(t, k)] }
      r[at(t, bb)] = s / lambdaEff[bb]
    }
    for s in 0..<t {
      var v = chiHat[at(s, t)]
      for k in 0..<t { v -= qHat[at(k, t)] * r[at(s, k)] }
      r[at(s, t)] = v / lt
    }
    for s in 0...t {
      var v = m[t] * mHat[s] + r[at(s, t)]
      for k in 0..<s { v -= qHat[at(k, s)] * q[at(k, t)] }
      q[at(s, t)] = v / lambdaEff[s]
      q[at(t, s)] = q[at(s, t)]
    }
    chi[at(t, t)] = 1 / lt
    for s in 0..<t {
      var v = 0.0
      let first = settings.chi == .full ? s : t - 1
      for k in first..<t { v += qHat[at(k, t)] * chi[at(s, k)] }
      chi[at(s, t)] = -v / lt
    }
  }

  /// Column t of the upper Cholesky factor of ΔQ; returns whether the pivot was shifted.
  mutating func choleskyColumn(_ t: Int) -> Bool {
    let delta = problem.delta
    for k in 0..<t {
      var v = delta * q[at(k, t)]
      for j in 0..<k { v -= u[at(j, k)] * u[at(j, t)] }
      u[at(k, t)] = v / u[at(k, k)]
    }
    var d = delta * q[at(t, t)]
    for j in 0..<t { d -= u[at(j, t)] * u[at(j, t)] }
    let floor = 1e-10 * abs(delta * q[at(t, t)]) + 1e-300
    if d > floor {
      u[at(t, t)] = d.squareRoot()
      return false
    }
    u[at(t, t)] = floor.squareRoot()
    return true
  }

  /// One pass of the channel of stage t over every point of one branch.
  static func channelPass(
    _ br: Branch, t: Int, points: SD.QuadraturePoints, u: [Double], response: [Double],
    mt: Double, bt: Double, c: Double, beta: Double, loss: SD.Loss
  ) {
    let n = points.count(t + 1)
    let xi = points.xi[t]
    let w = points.weights[t]
    let div = points.divisor[t]
    var ez = 0.0
    var ezz = 0.0
    var edz = 0.0
    var ezs = [Double](repeating: 0, count: t)
    var exz = [Double](repeating: 0, count: t)
    let base = br.sign * mt + bt
    xi.withUnsafeBufferPointer { xp in
      w.withUnsafeBufferPointer { wp in
        br.current.withUnsafeMutableBufferPointer { cur in
          br.field.withUnsafeMutableBufferPointer { fld in
            for p in 0..<n {
              var h = base
              for k in 0...t { h += u[k] * xp[k * n + p] }
              for s in 0..<t { h += response[s] * br.z[s][p / div[s]] }
              let y =
                t == 0
                ? br.firstLabel
                : SD.pseudoLabel(br.a[t - 1][p / div[t - 1]], beta: beta, loss: loss)
              let (z, dz) = SD.proximal(h: h, y: y, c: c, start: cur[p], loss: loss)
              cur[p] = z
              fld[p] = h
              let wz = wp[p] * z
              ez += wz
              ezz += wz * z
              edz += wp[p] * dz
              for s in 0..<t { ezs[s] += wz * br.z[s][p / div[s]] }
              for k in 0..<t { exz[k] += wz * xp[k * n + p] }
            }
          }
        }
      }
    }
    br.ez = ez
    br.ezz = ezz
    br.edz = edz
    br.ezs = ezs
    br.exz = exz
  }

  /// Iterates stage t to its fixed point and freezes it.
  mutating func solveStage(_ t: Int, cancellation: Cancellation) throws {
    let alpha = problem.alpha
    let delta = problem.delta
    let n = points.count(t + 1)
    for br in branches {
      br.current = [Double](repeating: 0, count: n)
      br.field = [Double](repeating: 0, count: n)
    }
    // Starting conjugates: the previous stage's (stage 1: the scale of a logistic channel).
    if t == 0 {
      mHat[0] = 0.5 * alpha * (1 - 2 * problem.theta)
      qHat[0] = 0.25 * alpha * delta
      chiHat[0] = 0.25 * alpha * delta
      b[0] = 0
    } else {
      mHat[t] = mHat[t - 1]
      qHat[at(t, t)] = qHat[at(t - 1, t - 1)]
      chiHat[at(t, t)] = chiHat[at(t - 1, t - 1)]
      b[t] = b[t - 1]
    }
    switch problem.bias {
    case .learned: break
    case .fixedAfterFirst: if t > 0 { b[t] = b[0] }
    case .value(let v): b[t] = v
    }
    let learnsBias: Bool
    switch problem.bias {
    case .learned: learnsBias = true
    case .fixedAfterFirst: learnsBias = t == 0
    case .value: learnsBias = false
    }
    let beta = t > 0 ? problem.betas[t - 1] : 1
    var d = settings.damping
    var previousResidual = Double.infinity
    var shiftCount = 0
    var residual = Double.infinity
    var done = false
    var iteration = 0
    while iteration < settings.maxIterations {
      iteration += 1
      try cancellation.check()
      priorSide(t)
      if choleskyColumn(t) { shiftCount += 1 }
      let chiTT = chi[at(t, t)]
      let c = delta * chiTT
      let response = (0..<t).map { s in chi[at(s, t)] / chi[at(s, s)] }
      let column = (0...t).map { k in u[at(k, t)] }
      let mt = m[t]
      let bt = b[t]
      let pts = points
      let loss = problem.loss
      let brs = branches
      if settings.threads > 1 {
        DispatchQueue.concurrentPerform(iterations: brs.count) { i in
          TheorySolver.channelPass(
            brs[i], t: t, points: pts, u: column, response: response, mt: mt, bt: bt, c: c,
            beta: beta, loss: loss)
        }
      } else {
        for br in brs {
          TheorySolver.channelPass(
            br, t: t, points: pts, u: column, response: response, mt: mt, bt: bt, c: c,
            beta: beta, loss: loss)
        }
      }
      var ez = 0.0
      var esz = 0.0
      var ezz = 0.0
      var edz = 0.0
      var ezs = [Double](repeating: 0, count: t)
      var exz = [Double](repeating: 0, count: t)
      for br in brs {
        ez += br.weight * br.ez
        esz += br.weight * br.sign * br.ez
        ezz += br.weight * br.ezz
        edz += br.weight * br.edz
        for s in 0..<t {
          ezs[s] += br.weight * br.ezs[s]
          exz[s] += br.weight * br.exz[s]
        }
      }
      var g = [Double](repeating: 0, count: t + 1)
      g[t] = edz
      for k in stride(from: t - 1, through: 0, by: -1) {
        var v = exz[k]
        for j in (k + 1)...t { v -= u[at(k, j)] * g[j] }
        g[k] = v / u[at(k, k)]
      }
      var old: [Double] = [mHat[t], b[t]]
      var new: [Double] = [
        alpha * esz / c, learnsBias ? b[t] - ez / edz : b[t],
      ]
      for k in 0...t {
        old.append(qHat[at(k, t)])
        new.append(-(alpha / chiTT) * g[k])
      }
      for s in 0..<t {
        old.append(chiHat[at(s, t)])
        new.append(alpha * ezs[s] / (delta * chiTT * chi[at(s, s)]))
      }
      old.append(chiHat[at(t, t)])
      new.append(alpha * ezz / (delta * chiTT * chiTT))
      guard new.allSatisfy(\.isFinite) else {
        throw NumericsError.nonFinite(operation: "sd.theory (stage \(t + 1))")
      }
      residual = 0
      for i in 0..<old.count {
        residual = max(residual, abs(new[i] - old[i]) / (1 + abs(old[i])))
      }
      // A growing residual means the damped map overshoots (slope below −1): damp more.
      if residual > previousResidual { d = min(maximumDamping, 0.5 + 0.5 * d) }
      previousResidual = residual
      for i in 0..<old.count { new[i] = (1 - d) * new[i] + d * old[i] }
      mHat[t] = new[0]
      b[t] = new[1]
      for k in 0...t { qHat[at(k, t)] = new[2 + k] }
      for s in 0..<t {
        chiHat[at(s, t)] = new[3 + t + s]
        chiHat[at(t, s)] = new[3 + t + s]
      }
      chiHat[at(t, t)] = new[3 + 2 * t]
      if residual <= settings.tolerance {
        done = true
        break
      }
    }
    // The order parameters at the final conjugates, and the frozen per-point channel.
    priorSide(t)
    if choleskyColumn(t) { shiftCount += 1 }
    guard m[t].isFinite && q[at(t, t)].isFinite else {
      throw NumericsError.nonFinite(operation: "sd.theory (stage \(t + 1))")
    }
    for br in branches {
      br.z.append(br.current)
      br.a.append(zip(br.field, br.current).map { $0 + $1 })
    }
    iterations.append(iteration)
    dampings.append(d)
    residuals.append(residual)
    converged.append(done)
    shifts.append(shiftCount)
  }

  func result(integration: String) -> SD.TheoryResult {
    let t = size
    func matrix(_ a: [Double], upper: Bool) -> Matrix {
      var out = Matrix(rows: t, cols: t)
      for i in 0..<t {
        for j in 0..<t where !upper || i <= j { out[i, j] = a[at(i, j)] }
      }
      return out
    }
    let errors = (0..<t).map { s in
      SD.testError(m: m[s], q: q[at(s, s)], b: b[s], rho: problem.rho, delta: problem.delta)
    }
    return SD.TheoryResult(
      problem: problem, integration: integration, m: Vector(m), b: Vector(b),
      q: matrix(q, upper: false), chi: matrix(chi, upper: true), mHat: Vector(mHat),
      qHat: matrix(qHat, upper: true), chiHat: matrix(chiHat, upper: false),
      error: Vector(errors), iterations: iterations, residuals: residuals,
      stageConverged: converged, shifts: shifts, dampings: dampings)
  }
}
