import Foundation
import Numerics

extension RSA {
  /// How the oscillators of a Kuramoto layer drive each other: y = J(x) + c.
  public enum Coupling: Sendable, Equatable {
    /// y = J x + c with a dense (M N) × (M N) matrix J over the flattened state.
    case dense(Matrix)
    /// All-to-all y_i = (K/M) Σ_j x_j + c_i (J_ij = (K/M) I_N): the classical Kuramoto
    /// coupling at O(M N) cost.
    case meanField(Double)
  }

  /// The Kuramoto layer of AKOrN (Miyato, Löwe, Geiger & Welling, ICLR 2025, eqs. 2–4;
  /// study spec, "Model"): M oscillators x_i ∈ ℝ^N on the unit sphere, updated as
  ///
  ///   y = J(x) + c,   y⊥_i = y_i − ⟨y_i, x_i⟩ x_i,
  ///   x_i ← normalise(x_i + γ (Ω_i x_i + y⊥_i)),
  ///
  /// with Ω_i block diagonal of 2 × 2 rotation generators [[0, −ω], [ω, 0]] (N even).
  /// Both Ω_i x_i and y⊥_i are orthogonal to x_i, so the vector normalised has norm ≥ 1.
  /// It is a projected Euler step of size γ of the flow ẋ_i = Ω_i x_i + y⊥_i. With N = 2,
  /// mean-field coupling K and frequencies ωᵢ it is the classical Kuramoto model
  /// dθᵢ/dt = ωᵢ + (K/M) Σⱼ sin(θⱼ − θᵢ) (x_i = (cos θᵢ, sin θᵢ)).
  public struct KuramotoLayer: Sendable, Equatable {
    /// M oscillators.
    public let oscillators: Int
    /// N, the (even) dimension of each oscillator.
    public let dimension: Int
    /// J.
    public let coupling: Coupling
    /// c, M × N (the conditional stimulus; zero for the free model).
    public let stimulus: Matrix
    /// ω, M × N/2: the rotation frequency of each 2-plane of each oscillator, in radians
    /// per unit time (γ ω radians per step).
    public let frequencies: Matrix
    /// γ, the step size (time per step).
    public let stepSize: Double

    /// Validates M ≥ 1, N ≥ 2 even, J of (MN) × (MN) or a finite K, c of M × N,
    /// ω of M × N/2, all finite, and γ > 0.
    public init(
      oscillators m: Int, dimension n: Int, coupling: Coupling, stimulus: Matrix? = nil,
      frequencies: Matrix? = nil, stepSize: Double
    ) throws {
      let op = "rsa.kuramotoLayer"
      try RSA.requireCount(m, "oscillators", atLeast: 1, op)
      try RSA.require(
        n >= 2 && n % 2 == 0, op, "expected an even oscillator dimension N ≥ 2, found \(n)")
      switch coupling {
      case .dense(let j):
        try RSA.requireShape(j, rows: m * n, cols: m * n, "the coupling J", op)
        try RSA.requireFinite(j, "the coupling J", op)
      case .meanField(let k):
        try RSA.require(k.isFinite, op, "expected a finite coupling K, found \(k)")
      }
      let c = stimulus ?? Matrix(rows: m, cols: n)
      try RSA.requireShape(c, rows: m, cols: n, "the stimulus c", op)
      try RSA.requireFinite(c, "the stimulus c", op)
      let w = frequencies ?? Matrix(rows: m, cols: n / 2)
      try RSA.requireShape(w, rows: m, cols: n / 2, "the frequencies", op)
      try RSA.requireFinite(w, "the frequencies", op)
      try RSA.requirePositive(stepSize, "step size γ", op)
      oscillators = m
      dimension = n
      self.coupling = coupling
      self.stimulus = c
      self.frequencies = w
      self.stepSize = stepSize
    }

    /// The classical Kuramoto model as a Kuramoto layer: N = 2, mean-field coupling K,
    /// natural frequencies ωᵢ (one per oscillator), no stimulus, step γ (default 0.05).
    public static func classical(frequencies: Vector, coupling k: Double, stepSize: Double = 0.05)
      throws -> KuramotoLayer
    {
      try KuramotoLayer(
        oscillators: frequencies.count, dimension: 2, coupling: .meanField(k),
        frequencies: try Matrix(rows: frequencies.count, cols: 1, elements: frequencies.elements),
        stepSize: stepSize)
    }

    /// M unit oscillators with directions uniform on the sphere S^{N−1} (normalised
    /// Gaussian vectors), from `seed`.
    public static func randomState(oscillators m: Int, dimension n: Int, seed: UInt64) throws
      -> Matrix
    {
      try RSA.requireCount(m, "oscillators", atLeast: 1, "rsa.kuramotoLayer.randomState")
      try RSA.requireCount(n, "dimension", atLeast: 1, "rsa.kuramotoLayer.randomState")
      var rng = RandomGenerator(seed: seed)
      var x = rng.normalVector(count: m * n).elements
      for i in 0..<m {
        var s = 0.0
        for a in 0..<n { s += x[i * n + a] * x[i * n + a] }
        let norm = s.squareRoot()
        for a in 0..<n { x[i * n + a] /= norm }
      }
      return try Matrix(rows: m, cols: n, elements: x)
    }

    /// Oscillators given by their phases, x_i = (cos θᵢ, sin θᵢ) (N = 2).
    public static func state(phases: Vector) throws -> Matrix {
      try Matrix(
        rows: phases.count, cols: 2,
        elements: phases.flatMap { [Foundation.cos($0), Foundation.sin($0)] })
    }

    /// One update of the layer (the type's formula).
    public func step(_ x: Matrix) throws -> Matrix {
      try validate(x, "rsa.kuramotoLayer.step")
      return try Matrix(rows: oscillators, cols: dimension, elements: apply(x.elements))
    }

    /// The energy E = −½ Σ_ij x_iᵀ J_ij x_j − Σ_i c_iᵀ x_i (Miyato et al. 2025, eq. 3). It
    /// is non-increasing along the layer only for symmetric J, Ω = 0 and small γ.
    public func energy(_ x: Matrix) throws -> Double {
      try validate(x, "rsa.kuramotoLayer.energy")
      return energy(x.elements)
    }

    /// The pseudo-energy −Σ_i ⟨x_i, y_i⟩ with y = J(x) + c (Miyato et al. 2025, §4, the
    /// quantity AKOrN uses for energy voting). It is −xᵀJx − cᵀx = 2E + cᵀx.
    public func pseudoEnergy(_ x: Matrix) throws -> Double {
      try validate(x, "rsa.kuramotoLayer.pseudoEnergy")
      let y = drive(x.elements)
      var e = 0.0
      for i in 0..<y.count { e -= x.elements[i] * y[i] }
      return e
    }

    /// The order parameter r = ‖(1/M) Σ_i x_i‖ ∈ [0, 1] (for N = 2 Kuramoto's
    /// r = |(1/M) Σ e^{iθ}|, Kuramoto 1975).
    public static func orderParameter(_ x: Matrix) -> Double {
      var mean = [Double](repeating: 0, count: x.cols)
      for i in 0..<x.rows {
        for a in 0..<x.cols { mean[a] += x[i, a] }
      }
      var s = 0.0
      for a in 0..<x.cols { s += mean[a] * mean[a] }
      return x.rows == 0 ? 0 : s.squareRoot() / Double(x.rows)
    }

    /// Runs `steps` updates from `initial` (study spec, "energy monotonicity where it must
    /// hold and where it need not"). Checks `cancellation` and reports `progress` every step.
    public func run(
      from initial: Matrix, steps: Int, cancellation: Cancellation = .never,
      progress: Numerics.Progress = .silent
    ) throws -> KuramotoRun {
      let op = "rsa.kuramotoLayer.run"
      try validate(initial, op)
      try RSA.requireCount(steps, "steps", atLeast: 0, op)
      var x = initial.elements
      var energies = [energy(x)]
      var pseudo = [pseudoEnergy(x)]
      var order = [Self.orderParameter(initial)]
      for t in 0..<steps {
        try cancellation.check()
        x = apply(x)
        let state = try Matrix(rows: oscillators, cols: dimension, elements: x)
        energies.append(energy(x))
        pseudo.append(pseudoEnergy(x))
        order.append(Self.orderParameter(state))
        progress.report(t + 1, of: steps)
      }
      return KuramotoRun(
        energy: Vector(energies), pseudoEnergy: Vector(pseudo), orderParameter: Vector(order),
        final: try Matrix(rows: oscillators, cols: dimension, elements: x))
    }

    func validate(_ x: Matrix, _ op: String) throws {
      try RSA.requireShape(x, rows: oscillators, cols: dimension, "the state", op)
      try RSA.requireFinite(x, "the state", op)
      for i in 0..<oscillators {
        var s = 0.0
        for a in 0..<dimension { s += x[i, a] * x[i, a] }
        try RSA.require(
          abs(s.squareRoot() - 1) < 1e-8, op,
          "expected unit oscillators, found ‖x_\(i)‖ = \(s.squareRoot())")
      }
    }

    /// y = J(x) + c on the flat state.
    func drive(_ x: [Double]) -> [Double] {
      let m = oscillators
      let n = dimension
      var y = stimulus.elements
      switch coupling {
      case .dense(let j):
        let jx = Dense.multiply(j.elements, m * n, m * n, x, 1)
        for i in 0..<y.count { y[i] += jx[i] }
      case .meanField(let k):
        var sum = [Double](repeating: 0, count: n)
        for i in 0..<m {
          for a in 0..<n { sum[a] += x[i * n + a] }
        }
        let w = k / Double(m)
        for i in 0..<m {
          for a in 0..<n { y[i * n + a] += w * sum[a] }
        }
      }
      return y
    }

    func energy(_ x: [Double]) -> Double {
      let y = drive(x)
      let c = stimulus.elements
      // With y = Jx + c: −½ xᵀJx − cᵀx = −½ xᵀ(y − c) − cᵀx = −½ xᵀy − ½ cᵀx.
      var e = 0.0
      for i in 0..<x.count { e -= 0.5 * x[i] * y[i] + 0.5 * c[i] * x[i] }
      return e
    }

    func pseudoEnergy(_ x: [Double]) -> Double {
      let y = drive(x)
      var e = 0.0
      for i in 0..<x.count { e -= x[i] * y[i] }
      return e
    }

    func apply(_ x: [Double]) -> [Double] {
      let m = oscillators
      let n = dimension
      let y = drive(x)
      var out = x
      for i in 0..<m {
        let base = i * n
        var along = 0.0
        for a in 0..<n { along += y[base + a] * x[base + a] }
        var s = 0.0
        for p in 0..<(n / 2) {
          let w = frequencies[i, p]
          let a0 = base + 2 * p
          let u = x[a0]
          let v = x[a0 + 1]
          out[a0] = u + stepSize * (-w * v + y[a0] - along * u)
          out[a0 + 1] = v + stepSize * (w * u + y[a0 + 1] - along * v)
          s += out[a0] * out[a0] + out[a0 + 1] * out[a0 + 1]
        }
        let norm = s.squareRoot()
        for a in 0..<n { out[base + a] /= norm }
      }
      return out
    }
  }

  /// A run of a Kuramoto layer (see `KuramotoLayer.run`).
  public struct KuramotoRun: Sendable {
    /// E(x_t) for t = 0…T.
    public let energy: Vector
    /// −Σ⟨x_i, y_i⟩ at t = 0…T.
    public let pseudoEnergy: Vector
    /// r(t) = ‖(1/M) Σ x_i(t)‖ for t = 0…T.
    public let orderParameter: Vector
    /// x_T, M × N.
    public let final: Matrix
  }
}
