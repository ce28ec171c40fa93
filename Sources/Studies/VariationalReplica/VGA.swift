import Foundation
import Numerics

/// Replica analysis of parametric models on empirical data with a variational Gaussian
/// approximation (VGA), after T. Takahashi, "Variational Gaussian Approximation in Replica
/// Analysis of Parametric Models", J. Phys. Soc. Jpn. 94, 124801 (2025), arXiv 2509.11780.
///
/// No code was released with the paper and its full text was not available to us: the
/// theory here is a *reconstruction* consistent with the abstract (design document
/// `studies/variational-replica.md`), validated in this repository against the classical
/// replica formulas for ridge regression and against Poisson-resampling Monte Carlo on
/// the same pool. Treat agreement as a tested hypothesis, not as the paper's equations.
///
/// The set-up: a pool of M₀ examples (xᵤ, yᵤ); a dataset of expected size M = τM₀ gives
/// each pool example a Poisson(τ) multiplicity (grand-canonical ensemble), so the average
/// over datasets is an empirical average over the pool and one pool gives a learning
/// curve for every M ≤ M₀. The estimator is the β → ∞ limit of the Gibbs posterior
/// p_β(w|D) ∝ exp{−β[Σ_{μ∈D} ℓ(w·xᵤ; yᵤ) + λ|w|²/2]}, i.e. ridge-penalised M-estimation.
/// The Gaussian trial measure of the replicated system, wₐ = m + Q^{1/2}z + (C/β)^{1/2}εₐ,
/// has mean m, quenched (dataset-to-dataset) covariance Q and thermal covariance C/β.
/// With hᵤ(z) = m·xᵤ + √(xᵤᵀQxᵤ) z, Vᵤ = xᵤᵀCxᵤ, the Moreau envelope
/// 𝓜_V(h; y) = min_u ℓ(u; y) + (u − h)²/(2V) and gᵤ = ∂_h 𝓜, the stationarity conditions
/// (design document (S1)–(S3)) are
///
///     (S1) λm + τ Σᵤ xᵤ E_z[gᵤ] = 0
///     (S2) C⁻¹ = λI + τ Σᵤ E_z[∂_h gᵤ] xᵤxᵤᵀ
///     (S3) Q = C [τ Σᵤ E_z[gᵤ²] xᵤxᵤᵀ] C,
///
/// solved here by (damped) fixed-point iteration — they are conditions for a saddle, not
/// a minimum — with the linear Q-equation of the square loss solved directly where the
/// iteration stops contracting.
public enum VGA {}

extension VGA {
  /// A set of examples: inputs X (one example per row, M × d) and targets y (length M).
  public struct Data: Sendable, Equatable {
    /// M × d inputs, one example per row.
    public let inputs: Matrix
    /// M targets: real numbers for the square loss, ±1 labels for the logistic loss.
    public let targets: Vector

    /// Validates at least one example and one feature, matching lengths and finite values.
    public init(inputs: Matrix, targets: Vector) throws {
      let op = "vga.data"
      guard inputs.rows >= 1 && inputs.cols >= 1 else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected at least one example and one feature, found \(inputs.rows) × \(inputs.cols) inputs"
        )
      }
      guard targets.count == inputs.rows else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected one target per input row (\(inputs.rows)), found \(targets.count) targets"
        )
      }
      guard inputs.elements.allSatisfy(\.isFinite) && targets.elements.allSatisfy(\.isFinite)
      else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected finite inputs and targets, found NaN or infinity")
      }
      self.inputs = inputs
      self.targets = targets
    }

    /// The number of examples M.
    public var count: Int { inputs.rows }
    /// The input dimension d.
    public var dimension: Int { inputs.cols }
  }

  /// The loss ℓ(u; y) of one example with prediction u = w·x.
  public enum Loss: String, Sendable, CaseIterable {
    /// ℓ = (y − u)²/2 (ridge regression); errors are reported as squared residuals 2ℓ.
    case square
    /// ℓ = log(1 + e^{−yu}) with labels y = ±1 (ridge-penalised logistic regression);
    /// errors are reported as the loss ℓ itself.
    case logistic

    /// The factor κ turning the loss ℓ into the reported error: 2 for the square loss
    /// (squared residual), 1 for the logistic loss.
    var errorScale: Double { self == .square ? 2 : 1 }
  }

  /// The form of the trial covariances.
  public enum Ansatz: String, Sendable, CaseIterable {
    /// Full d × d matrices C and Q: right for any input covariance.
    case matrix
    /// C = χI and Q = qI: exact only for isotropic inputs (square loss only).
    case scalar
  }

  /// How the stationarity conditions are solved.
  public struct Settings: Sendable, Equatable {
    /// The ridge strength λ ≥ 0 (λ = 0 needs more examples than dimensions).
    public var lambda: Double
    public var loss: Loss
    public var ansatz: Ansatz
    /// Gauss–Hermite points for E_z of the logistic Moreau envelope.
    public var quadraturePoints: Int
    /// Damping δ ∈ [0, 1) of the fixed-point iteration x ← (1 − δ)g(x) + δx.
    public var damping: Double
    /// Tolerance on ‖g(x) − x‖_∞ of the iterated variables (weights 1/(1 + Vᵤ) ∈ (0, 1],
    /// and m, xᵤᵀQxᵤ relative to their scale).
    public var tolerance: Double
    /// The most fixed-point iterations of one solve.
    public var maxIterations: Int

    /// Validates λ ≥ 0, 2 ≤ points ≤ 200, damping in [0, 1), tolerance in (0, 1e-3] and
    /// at least one iteration; the scalar ansatz is implemented for the square loss only.
    public init(
      lambda: Double, loss: Loss = .square, ansatz: Ansatz = .matrix, quadraturePoints: Int = 40,
      damping: Double = 0, tolerance: Double = 1e-10, maxIterations: Int = 2000
    ) throws {
      let op = "vga.settings"
      guard lambda.isFinite && lambda >= 0 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a finite ridge strength lambda ≥ 0, found \(lambda)")
      }
      guard (2...GaussHermite.maxPoints).contains(quadraturePoints) else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected 2 ≤ quadrature points ≤ \(GaussHermite.maxPoints), found \(quadraturePoints)"
        )
      }
      guard damping >= 0 && damping < 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected damping in [0, 1), found \(damping)")
      }
      guard tolerance > 0 && tolerance <= 1e-3 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a tolerance in (0, 1e-3], found \(tolerance)")
      }
      guard maxIterations >= 1 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected at least one iteration, found \(maxIterations)")
      }
      guard !(ansatz == .scalar && loss == .logistic) else {
        throw NumericsError.invalidArgument(
          operation: op,
          message:
            "expected the matrix ansatz for the logistic loss, found scalar (implemented for the square loss only)"
        )
      }
      self.lambda = lambda
      self.loss = loss
      self.ansatz = ansatz
      self.quadraturePoints = quadraturePoints
      self.damping = damping
      self.tolerance = tolerance
      self.maxIterations = maxIterations
    }
  }
}

extension VGA {
  /// Throws unless pool and test set have the same input dimension and, for the logistic
  /// loss, every target is ±1.
  static func validate(pool: Data, test: Data, loss: Loss, _ op: String) throws {
    guard pool.dimension == test.dimension else {
      throw NumericsError.invalidArgument(
        operation: op,
        message:
          "expected test inputs with the pool's \(pool.dimension) features, found \(test.dimension)"
      )
    }
    if loss == .logistic {
      for data in [pool, test] {
        if let bad = data.targets.first(where: { $0 != 1 && $0 != -1 }) {
          throw NumericsError.invalidArgument(
            operation: op, message: "expected labels ±1 for the logistic loss, found \(bad)")
        }
      }
    }
  }

  /// Throws unless 0 < τ ≤ 1: a dataset is a Poisson(τ) resample of the pool with M ≤ M₀.
  static func validate(tau: Double, _ op: String) throws {
    guard tau.isFinite && tau > 0 && tau <= 1 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a sampling rate 0 < tau = M/M0 ≤ 1, found \(tau)")
    }
  }

  /// The sampling rates τ = M/M₀ of a list of dataset sizes, each checked 1 ≤ M ≤ M₀.
  static func rates(sizes: [Int], poolSize: Int, _ op: String) throws -> [Double] {
    guard !sizes.isEmpty else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected at least one dataset size M, found none")
    }
    return try sizes.map { m in
      guard m >= 1 && m <= poolSize else {
        throw NumericsError.invalidArgument(
          operation: op,
          message: "expected dataset sizes 1 ≤ M ≤ M0 = \(poolSize) (the pool), found \(m)")
      }
      return Double(m) / Double(poolSize)
    }
  }
}
