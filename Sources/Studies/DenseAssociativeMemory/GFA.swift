import Foundation
import Numerics

extension DAM {
  /// Which theory of the overlap dynamics to evaluate.
  public enum TheoryMethod: String, Sendable, CaseIterable {
    /// The generating-functional analysis (exact as N → ∞), by Monte Carlo over paths.
    case gfa
    /// The naive signal-to-noise recursion m(t+1) = erf(m(t)^k/√(2V)), for contrast.
    case sna
  }

  /// Settings of the N → ∞ theory of parallel zero-temperature dynamics.
  public struct TheoryParameters: Sendable, Equatable {
    /// The order n ≥ 2 (n = 2 uses the Hopfield GFA).
    public let order: Int
    /// The load α > 0 (p = α N^{n−1}).
    public let alpha: Double
    /// The initial overlap m0 ∈ (0, 1].
    public let initialOverlap: Double
    /// Time steps T, 0…1000.
    public let steps: Int
    public let method: TheoryMethod
    /// Monte Carlo sample paths M of the GFA, 1000…10⁷ (default 200 000; the study
    /// suggests 2–5·10⁵). Ignored by `sna`.
    public let samples: Int
    /// The seed of the GFA's Monte Carlo paths.
    public let seed: UInt64
    /// Worker threads (≥ 1); the results do not depend on it.
    public let threads: Int

    /// Validates the ranges above; the GFA's path storage, 9·M·T bytes, must fit in
    /// `DAM.memoryBudget`.
    public init(
      order: Int, alpha: Double, initialOverlap: Double, steps: Int,
      method: TheoryMethod = .gfa, samples: Int = 200_000, seed: UInt64 = 1,
      threads: Int = DAM.defaultThreads
    ) throws {
      let op = "dam.theory"
      try DAM.validateTheory(order: order, alpha: alpha, initialOverlap: initialOverlap, op)
      try DAM.validateCount(steps, "steps", 0...1000, op)
      try DAM.validateCount(samples, "samples", 1000...10_000_000, op)
      try DAM.validateCount(threads, "threads", 1...4096, op)
      if method == .gfa && 9 * samples * steps > DAM.memoryBudget {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "samples × steps = \(samples) × \(steps) needs \(9 * samples * steps / 1_048_576) MiB, more than the \(DAM.memoryBudget / 1_048_576) MiB budget"
        )
      }
      self.order = order
      self.alpha = alpha
      self.initialOverlap = initialOverlap
      self.steps = steps
      self.method = method
      self.samples = samples
      self.seed = seed
      self.threads = threads
    }
  }

  /// The theory's order parameters at times 0…T.
  public struct TheoryResult: Sendable {
    public let parameters: TheoryParameters
    /// Times 0, 1, …, T.
    public let times: Vector
    /// m(t).
    public let overlap: Vector
    /// The Monte Carlo standard error of m(t), √((1 − m²)/M) (zero for `sna`).
    public let standardError: Vector
    /// C(t,s) = ⟨σ(t)σ(s)⟩, (T+1) × (T+1) (GFA only; 0 × 0 for `sna`).
    public let correlation: Matrix
    /// G(t,s) = ∂⟨σ(t)⟩/∂θ(s), zero for s ≥ t (GFA only; 0 × 0 for `sna`).
    public let response: Matrix
  }

  /// The overlap m(t) of parallel zero-temperature dynamics as N → ∞.
  ///
  /// `gfa` for n ≥ 3 solves the effective single-neuron process (the GFA saddle point of
  /// Mimura et al., ICLR 2026, arXiv 2506.00851, as reconstructed by a cavity argument in
  /// the study design — a hypothesis that the tests confirm against this module's own
  /// simulation for the first steps):
  ///   h(t) = ξ m(t)^k + η(t) + α k² Σ_{s<t} G(t,s) Q_{k−1}(C(t,s)) σ(s),  σ(t+1) = sgn h(t),
  ///   ⟨η(t)η(s)⟩ = α Q_k(C(t,s)),
  /// with k = n − 1 and Q_j from `Q`. For n = 2 it solves the exact Hopfield GFA (Coolen,
  /// Handbook of Biological Physics 4 (2001), §4): h(t) = ξ m(t) + α Σ_{s<t} R(t,s) σ(s) +
  /// √α φ(t), R = G(1 − G)⁻¹, ⟨φφᵀ⟩ = (1 − G)⁻¹ C (1 − Gᵀ)⁻¹. Both by Monte Carlo over
  /// `samples` paths with the response from Stein's lemma (see `EffectiveProcess`); m(1) is
  /// then exact up to Monte Carlo error √((1 − m²)/M) and m(2) agrees with `exactSteps`.
  ///
  /// `sna` is the naive recursion m(t+1) = erf(m(t)^k/√(2V)), V = α(2k − 1)!!, exact at
  /// t = 1 and wrong from t = 2 on.
  ///
  /// - Throws: `cancelled` (checked every step); progress counts steps.
  public static func theory(
    _ parameters: TheoryParameters, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> TheoryResult {
    let t = parameters.steps + 1
    let times = Vector((0..<t).map(Double.init))
    switch parameters.method {
    case .sna:
      let m = naiveTrajectory(
        order: parameters.order, alpha: parameters.alpha,
        initialOverlap: parameters.initialOverlap, steps: parameters.steps)
      return TheoryResult(
        parameters: parameters, times: times, overlap: Vector(m), standardError: Vector(count: t),
        correlation: Matrix(rows: 0, cols: 0), response: Matrix(rows: 0, cols: 0))
    case .gfa:
      let process = EffectiveProcess(
        kernel: parameters.order == 2 ? .hopfield : .dense(k: parameters.order - 1),
        alpha: parameters.alpha, initialOverlap: parameters.initialOverlap,
        steps: parameters.steps, samples: parameters.samples, seed: parameters.seed,
        threads: parameters.threads)
      let sol = try process.run(cancellation: cancellation, progress: progress)
      let m = sol.m
      let error = m.map { ((1 - $0 * $0) / Double(parameters.samples)).squareRoot() }
      return TheoryResult(
        parameters: parameters, times: times, overlap: Vector(m), standardError: Vector(error),
        correlation: try Matrix(rows: t, cols: t, elements: sol.c.flatMap { $0 }),
        response: try Matrix(rows: t, cols: t, elements: sol.g.flatMap { $0 }))
    }
  }
}
