import Numerics

/// Inference dynamics of recurrent self-attention (Tomihari & Karakida, "Recurrent
/// Self-Attention Dynamics: An Energy-Agnostic Perspective from Jacobians", NeurIPS 2025,
/// arXiv 2505.19458) and the Kuramoto layer of AKOrN (Miyato, Löwe, Geiger & Welling,
/// "Artificial Kuramoto Oscillatory Neurons", ICLR 2025).
///
/// Multi-head self-attention (MSA) and its iterated variants, RMSNorm and LayerNorm with
/// their analytic Jacobians, the step Jacobian's spectrum, Lyapunov exponents by the QR
/// (Benettin) method, fixed points and their stability, the AKOrN Kuramoto layer with the
/// classical Kuramoto model as its special case, energies and pseudo-energies, and the
/// sweeps of the study (design/studies/recurrent-self-attention.md).
///
/// Token states are `Matrix` values of shape n × d (one token a row). A Jacobian of a map
/// of such states is an (nd) × (nd) matrix indexed by the flattened row-major state:
/// entry (i·d + a, k·d + b) is ∂out[i, a]/∂x[k, b]. Every function takes plain values and
/// returns a result value of `Double`, `Vector` and `Matrix`; invalid arguments throw
/// `NumericsError.invalidArgument` naming what was expected and what was found.
public enum RSA {}

extension RSA {
  static func require(_ condition: Bool, _ operation: String, _ message: @autoclosure () -> String)
    throws
  {
    if !condition {
      throw NumericsError.invalidArgument(operation: operation, message: message())
    }
  }

  static func requireCount(
    _ value: Int, _ name: String, atLeast lower: Int, _ operation: String
  ) throws {
    try require(value >= lower, operation, "expected \(name) ≥ \(lower), found \(value)")
  }

  static func requirePositive(_ value: Double, _ name: String, _ operation: String) throws {
    try require(
      value.isFinite && value > 0, operation, "expected a finite \(name) > 0, found \(value)")
  }

  static func requireNonNegative(_ value: Double, _ name: String, _ operation: String) throws {
    try require(
      value.isFinite && value >= 0, operation, "expected a finite \(name) ≥ 0, found \(value)")
  }

  static func requireFinite(_ m: Matrix, _ name: String, _ operation: String) throws {
    try require(
      m.elements.allSatisfy(\.isFinite), operation, "\(name) contains NaN or infinity")
  }

  static func requireShape(
    _ m: Matrix, rows: Int, cols: Int, _ name: String, _ operation: String
  ) throws {
    try require(
      m.rows == rows && m.cols == cols, operation,
      "expected \(name) of shape \(rows)×\(cols), found \(m.rows)×\(m.cols)")
  }

  /// Throws `nonFinite` when a computed state left the doubles (a diverging trajectory).
  static func requireFiniteResult(_ x: [Double], _ operation: String) throws {
    for v in x where !v.isFinite { throw NumericsError.nonFinite(operation: operation) }
  }
}
