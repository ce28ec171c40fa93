import Foundation
import Numerics

/// Multi-stage self-distillation (SD) of a linear classifier on noisy-label binary
/// Gaussian-mixture data: Takanami, Takahashi & Sakata, "The Effect of Optimal
/// Self-Distillation in Noisy Gaussian Mixture Model", NeurIPS 2025 (arXiv 2501.16226).
/// The replica theory of every stage (`SD.theory`), the finite-N simulation
/// (`SD.simulate`) and the optimisation of the stage hyper-parameters (`SD.optimize`).
///
/// Model (as in the authors' code, taka255/self-distillation-analysis):
/// x = s·v/√N + √Δ·g with v = (1, …, 1), s = ±1, g ~ N(0, I); exactly round(ρM) points of
/// class s = +1; labels y = (1 + s)/2 flipped independently with probability θ. The
/// student a(x) = w·x/√N + B minimises Σ_μ ℓ(a(x_μ); y_μ) + (λ_t/2)|w|²; stage t ≥ 2
/// relabels the same inputs with σ(β_{t−1}·a_{t−1}(x)) (β = ∞: hard labels 1{a > 0}).
public enum SD {}

extension SD {
  /// The training loss of every stage.
  public enum Loss: String, Sendable, CaseIterable {
    /// Binary cross-entropy on logits: ℓ(a; y) = log(1 + eᵃ) − y·a.
    case crossEntropy
    /// Square loss on the output (a + 1)/2: ℓ(a; y) = ((a + 1)/2 − y)²; the pseudo-label
    /// of a teacher is (β·a + 1)/2 (the authors' convention) or 1{a > 0} for β = ∞.
    case square
  }

  /// How the bias B_t of each stage is set.
  public enum Bias: Sendable, Equatable {
    /// Every stage learns its own unregularised bias.
    case learned
    /// Stage 1 learns B₁; every later stage keeps B_t = B₁ (the "bias fixing" heuristic
    /// of the paper, §5: it stops the bias drifting toward the majority class under
    /// imbalance).
    case fixedAfterFirst
    /// Every stage uses this fixed bias.
    case value(Double)
  }

  /// The data model and the SD schedule shared by the theory and the simulation.
  public struct Problem: Sendable, Equatable {
    /// Fraction ρ ∈ (0, 1) of class s = +1.
    public let rho: Double
    /// Noise variance Δ > 0 of each input component.
    public let delta: Double
    /// Label-flip probability θ ∈ [0, ½).
    public let theta: Double
    /// Sample ratio α = M/N > 0.
    public let alpha: Double
    /// Ridge strengths λ_1, …, λ_T > 0 (T = number of stages).
    public let lambdas: [Double]
    /// Teacher inverse temperatures β_1, …, β_{T−1} > 0; `.infinity` means hard labels.
    public let betas: [Double]
    /// The loss of every stage.
    public let loss: Loss
    /// The bias rule.
    public let bias: Bias

    /// The number of stages T = `lambdas.count` ≥ 1.
    public var stages: Int { lambdas.count }

    /// Validates 0 < ρ < 1, Δ > 0, 0 ≤ θ < ½, α > 0, T ≥ 1 finite λ_t > 0 and T − 1
    /// values β_t > 0 (∞ allowed), a finite fixed bias.
    public init(
      rho: Double = 0.5, delta: Double, theta: Double, alpha: Double, lambdas: [Double],
      betas: [Double] = [], loss: Loss = .crossEntropy, bias: Bias = .learned
    ) throws {
      let op = "sd.problem"
      func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
        if !ok { throw NumericsError.invalidArgument(operation: op, message: message()) }
      }
      try require(rho > 0 && rho < 1, "expected 0 < rho < 1, found \(rho)")
      try require(delta.isFinite && delta > 0, "expected a finite Delta > 0, found \(delta)")
      try require(theta >= 0 && theta < 0.5, "expected 0 ≤ theta < 0.5, found \(theta)")
      try require(alpha.isFinite && alpha > 0, "expected a finite alpha > 0, found \(alpha)")
      try require(
        !lambdas.isEmpty && lambdas.count <= SD.maximumStages,
        "expected 1 to \(SD.maximumStages) stages (one lambda each), found \(lambdas.count)")
      try require(
        lambdas.allSatisfy { $0.isFinite && $0 > 0 },
        "expected every lambda finite and > 0, found \(lambdas)")
      try require(
        betas.count == lambdas.count - 1,
        "expected \(lambdas.count - 1) betas for \(lambdas.count) stages, found \(betas.count)")
      try require(
        betas.allSatisfy { !$0.isNaN && $0 > 0 },
        "expected every beta > 0 (inf for hard labels), found \(betas)")
      if case .value(let b) = bias {
        try require(b.isFinite, "expected a finite fixed bias, found \(b)")
      }
      self.rho = rho
      self.delta = delta
      self.theta = theta
      self.alpha = alpha
      self.lambdas = lambdas
      self.betas = betas
      self.loss = loss
      self.bias = bias
    }

    /// Whether some stage is trained on hard pseudo-labels (β = ∞).
    public var hasHardLabels: Bool { betas.contains(.infinity) }

    /// The same problem at another α.
    public func with(alpha newAlpha: Double) throws -> Problem {
      try Problem(
        rho: rho, delta: delta, theta: theta, alpha: newAlpha, lambdas: lambdas, betas: betas,
        loss: loss, bias: bias)
    }

    /// The same data model with another schedule.
    public func with(lambdas newLambdas: [Double], betas newBetas: [Double]) throws -> Problem {
      try Problem(
        rho: rho, delta: delta, theta: theta, alpha: alpha, lambdas: newLambdas,
        betas: newBetas, loss: loss, bias: bias)
    }
  }

  /// The largest supported number of stages.
  public static let maximumStages = 12

  /// The exact test error against clean labels of a student with overlaps (m, Q) and
  /// bias b: ε = ρ H((m + b)/√(ΔQ)) + (1 − ρ) H((m − b)/√(ΔQ)), m = w·v/N, Q = |w|²/N,
  /// H(x) = ½ erfc(x/√2) (Takanami et al. 2025, the generalisation error of §3; exact for
  /// any N since w·g/√N ~ N(0, Q) for a test point independent of w). A student with
  /// Q = 0 predicts sgn(b): ε = 1 − ρ for b > 0, ρ for b < 0 and ½ at b = 0.
  public static func testError(m: Double, q: Double, b: Double, rho: Double, delta: Double)
    -> Double
  {
    guard q > 0 else { return b > 0 ? 1 - rho : (b < 0 ? rho : 0.5) }
    let s = (delta * q).squareRoot()
    return rho * Special.H((m + b) / s) + (1 - rho) * Special.H((m - b) / s)
  }

  /// The logistic function σ(x) = 1/(1 + e^{−x}), evaluated without overflow.
  @inline(__always)
  static func sigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
  }

  /// The pseudo-label target of a teacher with pre-activation a at inverse temperature β,
  /// written as the value y that enters the loss: σ(βa) (cross-entropy) or (βa + 1)/2
  /// (square loss); 1{a > 0} for β = ∞ in both.
  @inline(__always)
  static func pseudoLabel(_ a: Double, beta: Double, loss: Loss) -> Double {
    if beta == .infinity { return a > 0 ? 1 : 0 }
    switch loss {
    case .crossEntropy: return sigmoid(beta * a)
    case .square: return 0.5 * (beta * a + 1)
    }
  }
}

extension SD {
  /// ε of the ρ = ½, λ → ∞ student w ∝ Σ_μ (y_μ − ½) x_μ, which is also the optimal single
  /// stage at ρ = ½: ε = H((1 − 2θ)/√(Δ((1 − 2θ)² + Δ/α))) (spec, reference points; θ = 0
  /// gives the noiseless mean estimator H(1/√(Δ(1 + Δ/α)))). Exact.
  ///
  /// - Throws: `invalidArgument` for α ≤ 0, Δ ≤ 0 or θ outside [0, ½).
  public static func meanEstimatorError(delta: Double, theta: Double, alpha: Double) throws
    -> Double
  {
    guard alpha > 0, delta > 0, theta >= 0, theta < 0.5 else {
      throw NumericsError.invalidArgument(
        operation: "sd.mean_estimator",
        message: "expected alpha > 0, Delta > 0 and 0 ≤ theta < 0.5, found alpha = \(alpha), "
          + "Delta = \(delta), theta = \(theta)")
    }
    let a = 1 - 2 * theta
    return Special.H(a / (delta * (a * a + delta / alpha)).squareRoot())
  }
}
