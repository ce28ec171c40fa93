import Foundation
import Numerics

extension RSA {
  /// The iterated self-attention updates of the study, kept apart and labelled
  /// (study spec, "Model"; Tomihari & Karakida 2025, §3 and §5).
  public enum Variant: String, Sendable, CaseIterable {
    /// (a) Pre-LN SA with an unnormalised residual stream, X ← X + η(MSA(LN(X)) + C)
    /// (the "ItrSA" block of the AKOrN code, Miyato et al. 2025).
    case preLayerNorm
    /// (b) Normalised iterated SA, X ← RMSNorm(X + η(MSA(X) + C)) per token
    /// ("SA + RMSNorm + input injection", Tomihari & Karakida 2025, §5).
    case rmsNorm
    /// (c) Whole-token sphere normalisation, X ← (X + η(MSA(X) + C)) / ‖·‖ per token.
    case sphere
    /// No normalisation anywhere, X ← X + η(MSA(X) + C): the reference that diverges.
    case unnormalized

    /// A short label for legends and tables.
    public var label: String {
      switch self {
      case .preLayerNorm: return "(a) pre-LN ItrSA, residual not normalised"
      case .rmsNorm: return "(b) RMSNorm(X + η(MSA(X) + C))"
      case .sphere: return "(c) token-sphere normalised"
      case .unnormalized: return "no normalisation"
      }
    }
  }

  /// One iterated self-attention map F: X ↦ X′ on n × d token states (see `Variant`),
  /// with step size η, input injection C (n × d), and the normalisation parameters
  /// γ (gain, default 1) and ε (default 1e-6).
  public struct IteratedAttention: Sendable, Equatable {
    /// The attention block.
    public let attention: Attention
    /// Which update (a), (b), (c) or none.
    public let variant: Variant
    /// The injected input C, n × d (its row count fixes the number of tokens n).
    public let injection: Matrix
    /// Step size η (dimensionless, default 1).
    public let eta: Double
    /// The normalisation inside the update: LayerNorm for (a), RMSNorm for (b), sphere
    /// for (c), none for the unnormalised update.
    public let normalization: Normalization?

    /// Number of tokens n.
    public var tokens: Int { injection.rows }
    /// Token width d.
    public var dModel: Int { attention.dModel }
    /// State dimension n·d.
    public var dimension: Int { tokens * dModel }

    /// Validates C of shape n × d (finite, n ≥ 1), finite η ≥ 0, ε ≥ 0 and a gain of
    /// length d (default all ones).
    public init(
      attention: Attention, variant: Variant, injection: Matrix, eta: Double = 1,
      epsilon: Double = 1e-6, gain: Vector? = nil
    ) throws {
      let op = "rsa.iterated"
      try RSA.require(
        injection.rows >= 1 && injection.cols == attention.dModel, op,
        "expected an injection of n × \(attention.dModel), found \(injection.rows)×\(injection.cols)"
      )
      try RSA.requireFinite(injection, "the injection", op)
      try RSA.requireNonNegative(eta, "eta", op)
      let d = attention.dModel
      let g = gain ?? Vector(count: d, repeating: 1)
      let norm: Normalization?
      switch variant {
      case .preLayerNorm: norm = .layer(gain: g, bias: Vector(count: d), epsilon: epsilon)
      case .rmsNorm: norm = .rms(gain: g, epsilon: epsilon)
      case .sphere: norm = .sphere
      case .unnormalized: norm = nil
      }
      try norm?.validateParameters(width: d, op)
      self.attention = attention
      self.variant = variant
      self.injection = injection
      self.eta = eta
      self.normalization = norm
    }

    /// One step X ↦ F(X) (the update of `variant`).
    public func step(_ x: Matrix) throws -> Matrix {
      try validate(x, "rsa.step")
      let y = try apply(x.elements)
      try RSA.requireFiniteResult(y, "rsa.step")
      return try Matrix(rows: tokens, cols: dModel, elements: y)
    }

    /// The analytic Jacobian of one step at X, (nd) × (nd) (study spec, "Jacobians and
    /// spectra"; Tomihari & Karakida 2025, §4):
    ///
    ///   (b), (c):  J_F = D_N(Z) (I + η J_MSA(X)),   Z = X + η(MSA(X) + C),
    ///   (a):       J_F = I + η J_MSA(LN(X)) D_LN(X),
    ///   none:      J_F = I + η J_MSA(X).
    ///
    /// Agrees with central differences to ~1e-9 (tests).
    public func jacobian(_ x: Matrix) throws -> Matrix {
      try validate(x, "rsa.jacobian")
      let j = try stepJacobian(x.elements)
      return try Matrix(rows: dimension, cols: dimension, elements: j)
    }

    /// The pseudo-energy −Σ_i ⟨x_i, y_i⟩ with y = MSA(X) + C (the AKOrN pseudo-energy,
    /// Miyato et al. 2025, §3, applied to attention; it is not a Lyapunov function of any
    /// variant, only a diagnostic of alignment between state and drive).
    public func pseudoEnergy(_ x: Matrix) throws -> Double {
      try validate(x, "rsa.pseudoEnergy")
      return pseudoEnergy(x.elements)
    }

    func validate(_ x: Matrix, _ op: String) throws {
      try RSA.requireShape(x, rows: tokens, cols: dModel, "the state", op)
      try RSA.requireFinite(x, "the state", op)
    }

    func pseudoEnergy(_ x: [Double]) -> Double {
      let m = attention.forward(x, tokens: tokens).output
      let c = injection.elements
      var e = 0.0
      for i in 0..<x.count { e -= x[i] * (m[i] + c[i]) }
      return e
    }

    /// F on a flat state.
    func apply(_ x: [Double]) throws -> [Double] {
      let n = tokens
      let d = dModel
      let c = injection.elements
      switch variant {
      case .preLayerNorm:
        var u = x
        try normalization!.apply(x, tokens: n, width: d, into: &u)
        let m = attention.forward(u, tokens: n).output
        var y = x
        for i in 0..<y.count { y[i] += eta * (m[i] + c[i]) }
        return y
      case .rmsNorm, .sphere, .unnormalized:
        let m = attention.forward(x, tokens: n).output
        var z = x
        for i in 0..<z.count { z[i] += eta * (m[i] + c[i]) }
        if let norm = normalization {
          var y = z
          try norm.apply(z, tokens: n, width: d, into: &y)
          return y
        }
        return z
      }
    }

    /// J_F on a flat state, as a flat (nd) × (nd) buffer.
    func stepJacobian(_ x: [Double]) throws -> [Double] {
      let n = tokens
      let d = dModel
      let nd = n * d
      var j = [Double](repeating: 0, count: nd * nd)
      switch variant {
      case .preLayerNorm:
        var u = x
        try normalization!.apply(x, tokens: n, width: d, into: &u)
        attention.addJacobian(of: attention.forward(u, tokens: n).heads, tokens: n, into: &j)
        try normalization!.applyJacobianRight(at: x, tokens: n, width: d, to: &j, rows: nd)
        for i in 0..<(nd * nd) { j[i] *= eta }
        for i in 0..<nd { j[i * nd + i] += 1 }
      case .rmsNorm, .sphere, .unnormalized:
        let (m, heads) = attention.forward(x, tokens: n)
        attention.addJacobian(of: heads, tokens: n, into: &j)
        for i in 0..<(nd * nd) { j[i] *= eta }
        for i in 0..<nd { j[i * nd + i] += 1 }
        if let norm = normalization {
          let c = injection.elements
          var z = x
          for i in 0..<z.count { z[i] += eta * (m[i] + c[i]) }
          try norm.applyJacobianLeft(at: z, tokens: n, width: d, to: &j, columns: nd)
        }
      }
      return j
    }

    /// Iterates F for `steps` steps from `initial` (study spec, "What to compute":
    /// trajectory norm and energies). Reports `progress` every step and checks
    /// `cancellation`.
    ///
    /// - Throws: `nonFinite` when the state overflows (the unnormalised update diverges).
    public func trajectory(
      from initial: Matrix, steps: Int, cancellation: Cancellation = .never,
      progress: Numerics.Progress = .silent
    ) throws -> Trajectory {
      let op = "rsa.trajectory"
      try validate(initial, op)
      try RSA.requireCount(steps, "steps", atLeast: 0, op)
      var x = initial.elements
      var norms = [frobenius(x)]
      var energies = [pseudoEnergy(x)]
      var moves: [Double] = []
      var token0 = Array(x[0..<dModel])
      for t in 0..<steps {
        try cancellation.check()
        let y = try apply(x)
        try RSA.requireFiniteResult(y, op)
        var move = 0.0
        for i in 0..<y.count { move += (y[i] - x[i]) * (y[i] - x[i]) }
        moves.append(move.squareRoot())
        x = y
        norms.append(frobenius(x))
        energies.append(pseudoEnergy(x))
        token0.append(contentsOf: x[0..<dModel])
        progress.report(t + 1, of: steps)
      }
      return Trajectory(
        norms: Vector(norms), pseudoEnergy: Vector(energies), stepSizes: Vector(moves),
        firstToken: try Matrix(rows: steps + 1, cols: dModel, elements: token0),
        final: try Matrix(rows: tokens, cols: dModel, elements: x))
    }

    func frobenius(_ x: [Double]) -> Double {
      var s = 0.0
      for v in x { s += v * v }
      return s.squareRoot()
    }

    /// A random-weight model of the study (spec, "What to compute"): weights
    /// scale · N(0, 1/d) from `seed`, input U with N(0, 1) entries from stream 0 of the
    /// same seed, injection C = injectionScale · U. The initial state is U.
    public static func random(
      tokens n: Int = 8, dModel d: Int = 16, heads: Int = 4, scale: Double = 1,
      variant: Variant, eta: Double = 1, injectionScale: Double = 1, epsilon: Double = 1e-6,
      seed: UInt64
    ) throws -> (model: IteratedAttention, initial: Matrix) {
      try RSA.requireCount(n, "tokens", atLeast: 1, "rsa.iterated.random")
      try RSA.requireNonNegative(injectionScale, "injection scale", "rsa.iterated.random")
      let attention = try Attention.random(dModel: d, heads: heads, scale: scale, seed: seed)
      var rng = RandomGenerator(seed: seed).stream(0)
      let u = try Matrix(rows: n, cols: d, elements: rng.normalVector(count: n * d).elements)
      let model = try IteratedAttention(
        attention: attention, variant: variant, injection: u.map { injectionScale * $0 },
        eta: eta, epsilon: epsilon)
      return (model, u)
    }
  }

  /// A trajectory of an iterated map (see `IteratedAttention.trajectory`).
  public struct Trajectory: Sendable {
    /// ‖X_t‖_F for t = 0…T (T + 1 values).
    public let norms: Vector
    /// The pseudo-energy −Σ_i⟨x_i, MSA_i(X_t) + c_i⟩ for t = 0…T.
    public let pseudoEnergy: Vector
    /// ‖X_{t+1} − X_t‖_F for t = 0…T−1 (T values): zero at a fixed point, not at an orbit.
    public let stepSizes: Vector
    /// Token 0 at every time, (T + 1) × d, for phase portraits.
    public let firstToken: Matrix
    /// X_T.
    public let final: Matrix
  }
}
