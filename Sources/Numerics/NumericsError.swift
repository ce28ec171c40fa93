/// Errors thrown by numerical routines. Each case carries enough to say what was
/// expected and what was found; `description` is the one-line message.
public enum NumericsError: Error, Equatable, CustomStringConvertible, Sendable {
  /// Two operands whose shapes do not broadcast or multiply, e.g. `(3) vs (2, 4)`.
  case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
  /// A square system that has no unique solution.
  case singular(operation: String)
  /// Cholesky on a matrix that is not symmetric positive definite.
  case notPositiveDefinite(operation: String)
  /// NaN or infinity where a finite number is required.
  case nonFinite(operation: String)
  /// An iterative routine that stopped before meeting its criterion.
  case noConvergence(operation: String, iterations: Int)
  /// Any argument outside the routine's domain.
  case invalidArgument(operation: String, message: String)
  /// The caller's cancellation check fired.
  case cancelled

  public var description: String {
    switch self {
    case .shapeMismatch(let op, let l, let r):
      return "\(op): shapes \(Self.shapeText(l)) and \(Self.shapeText(r)) are not compatible"
    case .singular(let op): return "\(op): matrix is singular"
    case .notPositiveDefinite(let op):
      return "\(op): matrix is not symmetric positive definite"
    case .nonFinite(let op): return "\(op): input contains NaN or infinity"
    case .noConvergence(let op, let n): return "\(op): did not converge in \(n) iterations"
    case .invalidArgument(let op, let m): return "\(op): \(m)"
    case .cancelled: return "interrupted"
    }
  }

  /// `(3)` for a vector, `(2, 4)` for a matrix, `()` for a scalar.
  public static func shapeText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}

/// A cooperative cancellation check handed to long-running routines by the host.
///
/// The host owns the flag (for example one set by a SIGINT handler); routines call
/// `check()` at safe points and stop with `NumericsError.cancelled`.
public struct Cancellation: Sendable {
  private let probe: @Sendable () -> Bool

  public init(_ isCancelled: @escaping @Sendable () -> Bool) { probe = isCancelled }

  /// A check that never fires.
  public static let never = Cancellation { false }

  public var isCancelled: Bool { probe() }

  /// Throws `NumericsError.cancelled` when the host asked to stop.
  @inline(__always)
  public func check() throws {
    if probe() { throw NumericsError.cancelled }
  }
}

/// Progress reporting for long work: `report(done, total)`; the host decides how to show it.
public struct Progress: Sendable {
  private let sink: @Sendable (Int, Int) -> Void
  public init(_ sink: @escaping @Sendable (Int, Int) -> Void) { self.sink = sink }
  public static let silent = Progress { _, _ in }
  public func report(_ done: Int, of total: Int) { sink(done, total) }
}
