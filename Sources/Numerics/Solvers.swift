import Foundation

/// Scalar root finding, fixed-point iteration and unconstrained minimisation
/// (`lbfgs`, in Optimization.swift).
public enum Solvers {
  /// A root of f in [a, b] by Brent's method (Brent, "Algorithms for Minimization without
  /// Derivatives", 1973, ch. 4; as `zbrent` in Numerical Recipes 3rd ed., §9.3): inverse
  /// quadratic interpolation or secant steps, falling back to bisection whenever they do
  /// not shrink the bracket fast enough, so convergence is guaranteed and superlinear
  /// for smooth f.
  ///
  /// Stops when the bracket half-width is ≤ 2ε|x| + tolerance/2 or f(x) = 0; the result
  /// is then within about `tolerance` of a sign change of f.
  ///
  /// - Throws: `invalidArgument` when a or b is not finite, the tolerance is not
  ///   positive, or f(a) and f(b) have the same sign; `nonFinite` when f returns NaN or
  ///   ±∞; `noConvergence` after `maxIterations` steps.
  public static func brent(
    _ f: (Double) throws -> Double, bracket a: Double, _ b: Double, tolerance: Double = 1e-12,
    maxIterations: Int = 200
  ) throws -> Double {
    let operation = "brent"
    guard a.isFinite && b.isFinite else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected a finite bracket, found [\(a), \(b)]")
    }
    guard tolerance > 0 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected tolerance > 0, found \(tolerance)")
    }
    func value(_ x: Double) throws -> Double {
      let y = try f(x)
      guard y.isFinite else { throw NumericsError.nonFinite(operation: operation) }
      return y
    }
    var a = a
    var b = b
    var fa = try value(a)
    var fb = try value(b)
    if fa == 0 { return a }
    if fb == 0 { return b }
    guard (fa > 0) != (fb > 0) else {
      throw NumericsError.invalidArgument(
        operation: operation,
        message: "expected f(a) and f(b) of opposite signs, found f(\(a)) = \(fa) and "
          + "f(\(b)) = \(fb)")
    }
    var c = b
    var fc = fb
    var d = 0.0
    var e = 0.0
    for _ in 0..<maxIterations {
      if (fb > 0) == (fc > 0) {
        c = a
        fc = fa
        d = b - a
        e = d
      }
      if abs(fc) < abs(fb) {
        (a, b, c) = (b, c, b)
        (fa, fb, fc) = (fb, fc, fb)
      }
      let tol1 = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
      let xm = 0.5 * (c - b)
      if abs(xm) <= tol1 || fb == 0 { return b }
      if abs(e) >= tol1 && abs(fa) > abs(fb) {
        let s = fb / fa
        var p: Double
        var q: Double
        if a == c {
          p = 2 * xm * s
          q = 1 - s
        } else {
          let qa = fa / fc
          let r = fb / fc
          p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1))
          q = (qa - 1) * (r - 1) * (s - 1)
        }
        if p > 0 { q = -q }
        p = abs(p)
        if 2 * p < min(3 * xm * q - abs(tol1 * q), abs(e * q)) {
          e = d
          d = p / q
        } else {
          d = xm
          e = d
        }
      } else {
        d = xm
        e = d
      }
      a = b
      fa = fb
      b += abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
      fb = try value(b)
    }
    throw NumericsError.noConvergence(operation: operation, iterations: maxIterations)
  }

  /// Damped fixed-point iteration x ← (1 − damping)·g(x) + damping·x from `start`.
  ///
  /// The residual is ‖g(x) − x‖_∞ (independent of the damping); the iteration stops with
  /// `converged = true` as soon as it is ≤ `tolerance`, returning the damped update of
  /// that step. Damping in [0, 1) slows each step but can make a map with derivative
  /// below −1 at the fixed point converge (the damped map has slope
  /// (1 − damping)·g′ + damping). After `maxIterations` maps without meeting the
  /// tolerance it returns the last iterate with `converged = false`.
  ///
  /// - Throws: `invalidArgument` for damping outside [0, 1), a negative tolerance or
  ///   iteration count; `shapeMismatch` when g changes the length of x; `nonFinite`
  ///   when an iterate contains NaN or ±∞; `cancelled` from `cancellation`.
  public static func fixedPoint(
    _ g: (Vector) throws -> Vector, start: Vector, damping: Double = 0,
    tolerance: Double = 1e-10, maxIterations: Int = 10_000, cancellation: Cancellation = .never
  ) throws -> FixedPointResult {
    let operation = "fixedPoint"
    guard damping >= 0 && damping < 1 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected damping in [0, 1), found \(damping)")
    }
    guard tolerance >= 0 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected tolerance ≥ 0, found \(tolerance)")
    }
    guard maxIterations >= 1 else {
      throw NumericsError.invalidArgument(
        operation: operation, message: "expected maxIterations ≥ 1, found \(maxIterations)")
    }
    guard start.elements.allSatisfy(\.isFinite) else {
      throw NumericsError.nonFinite(operation: operation)
    }
    var x = start
    var residual = Double.infinity
    for k in 1...maxIterations {
      try cancellation.check()
      let gx = try g(x)
      guard gx.count == x.count else {
        throw NumericsError.shapeMismatch(operation: operation, lhs: x.shape, rhs: gx.shape)
      }
      residual = 0
      var next = gx
      for i in 0..<x.count {
        guard gx[i].isFinite else { throw NumericsError.nonFinite(operation: operation) }
        residual = max(residual, abs(gx[i] - x[i]))
        if damping != 0 { next[i] = (1 - damping) * gx[i] + damping * x[i] }
      }
      x = next
      if residual <= tolerance {
        return FixedPointResult(x: x, iterations: k, residual: residual, converged: true)
      }
    }
    return FixedPointResult(
      x: x, iterations: maxIterations, residual: residual, converged: false)
  }
}

/// The outcome of `Solvers.fixedPoint`.
public struct FixedPointResult: Sendable {
  /// The last iterate.
  public let x: Vector
  /// The number of maps g applied.
  public let iterations: Int
  /// ‖g(x) − x‖_∞ at the last step.
  public let residual: Double
  /// Whether the residual met the tolerance.
  public let converged: Bool
}
