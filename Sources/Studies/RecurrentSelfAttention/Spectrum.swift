import Foundation
import Numerics

extension RSA {
  /// The eigenvalues and norms of a Jacobian: the linear stability of a map at a state
  /// (Lyapunov's indirect method; Tomihari & Karakida 2025, §4).
  public struct Spectrum: Sendable {
    /// Real parts of the eigenvalues (LAPACK order, conjugate pairs adjacent).
    public let real: Vector
    /// Imaginary parts of the eigenvalues.
    public let imaginary: Vector
    /// ρ(J) = max |λ|: below 1 at a fixed point means linearly stable.
    public let spectralRadius: Double
    /// The fraction of eigenvalues with |Im λ| > 1e-10 · max(1, |λ|): the oscillatory
    /// components that normalisation suppresses (Tomihari & Karakida 2025, §4).
    public let complexFraction: Double
    /// ‖J‖₂, the largest singular value: the local Lipschitz constant.
    public let spectralNorm: Double
  }

  /// The spectrum of any square Jacobian (eigenvalues by LAPACK `dgeev`, ‖J‖₂ by `dgesdd`;
  /// see `LinearAlgebra.eig` and `.svd` for their accuracy).
  public static func spectrum(of jacobian: Matrix) throws -> Spectrum {
    let (re, im) = try LinearAlgebra.eig(jacobian)
    let s = try LinearAlgebra.svd(jacobian).s
    var radius = 0.0
    var complex = 0
    for i in 0..<re.count {
      let modulus = (re[i] * re[i] + im[i] * im[i]).squareRoot()
      radius = max(radius, modulus)
      if abs(im[i]) > 1e-10 * max(1, modulus) { complex += 1 }
    }
    return Spectrum(
      real: re, imaginary: im, spectralRadius: radius,
      complexFraction: re.isEmpty ? 0 : Double(complex) / Double(re.count),
      spectralNorm: s.first ?? 0)
  }

  /// A fixed point X* = F(X*) and its linear stability.
  public struct FixedPoint: Sendable {
    /// X*, n × d.
    public let state: Matrix
    /// ‖F(X*) − X*‖_F at the returned state.
    public let residual: Double
    /// Newton steps taken.
    public let iterations: Int
    /// The spectrum of J_F(X*).
    public let spectrum: Spectrum
    /// Whether ρ(J_F(X*)) < 1 (linearly stable; study spec, "fixed-point stability").
    public let stable: Bool
  }
}

extension RSA.IteratedAttention {
  /// The spectrum of the step Jacobian J_F at a state (study spec, "eigenvalues of J_F at
  /// a state (spectral radius, fraction complex)"; Tomihari & Karakida 2025, §4).
  public func spectrum(at x: Matrix) throws -> RSA.Spectrum {
    try RSA.spectrum(of: try jacobian(x))
  }

  /// A fixed point of F near `initial` by Newton's method on G(X) = F(X) − X with the
  /// analytic Jacobian, (J_F − I) δ = −G, halving the step until ‖G‖_F decreases
  /// (Dennis & Schnabel 1996, §6.3), then its linear stability ρ(J_F(X*)) < 1.
  ///
  /// Converged when ‖G‖_F ≤ `tolerance` (default 1e-10, about 1e3 ε times a state of
  /// norm √(nd)). Default at most 100 Newton steps.
  ///
  /// - Throws: `noConvergence` when the tolerance is not met (a chaotic or oscillating
  ///   model may have no fixed point near `initial`); `singular` when J_F − I is singular;
  ///   `cancelled`.
  public func fixedPoint(
    from initial: Matrix, tolerance: Double = 1e-10, maxIterations: Int = 100,
    cancellation: Cancellation = .never
  ) throws -> RSA.FixedPoint {
    let op = "rsa.fixedPoint"
    try validate(initial, op)
    try RSA.requirePositive(tolerance, "tolerance", op)
    try RSA.requireCount(maxIterations, "maxIterations", atLeast: 1, op)
    let nd = dimension
    func residual(_ x: [Double]) throws -> (g: [Double], norm: Double) {
      let f = try apply(x)
      var g = f
      var s = 0.0
      for i in 0..<nd {
        g[i] = f[i] - x[i]
        s += g[i] * g[i]
      }
      return (g, s.squareRoot())
    }
    var x = initial.elements
    var (g, norm) = try residual(x)
    var iterations = 0
    while !(norm <= tolerance) {
      guard iterations < maxIterations, norm.isFinite else {
        throw NumericsError.noConvergence(operation: op, iterations: iterations)
      }
      try cancellation.check()
      var j = try stepJacobian(x)
      for i in 0..<nd { j[i * nd + i] -= 1 }
      let delta = try LinearAlgebra.solve(
        try Matrix(rows: nd, cols: nd, elements: j), Vector(g.map { -$0 }))
      var t = 1.0
      var accepted = false
      while t >= 1.0 / 1024 {
        var trial = x
        for i in 0..<nd { trial[i] += t * delta[i] }
        if let (gt, nt) = try? residual(trial), nt < norm {
          x = trial
          g = gt
          norm = nt
          accepted = true
          break
        }
        t /= 2
      }
      iterations += 1
      guard accepted else {
        throw NumericsError.noConvergence(operation: op, iterations: iterations)
      }
    }
    let state = try Matrix(rows: tokens, cols: dModel, elements: x)
    let spectrum = try self.spectrum(at: state)
    return RSA.FixedPoint(
      state: state, residual: norm, iterations: iterations, spectrum: spectrum,
      stable: spectrum.spectralRadius < 1)
  }
}
