import Foundation

/// The binary elementwise operations of the language's operator table and the
/// two-argument math builtins. Comparisons yield 1 (true) or 0 (false).
public enum BinaryOperation: String, Sendable, CaseIterable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "^"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">="
  case minimum = "min", maximum = "max", atan2 = "atan2"

  /// Applies the operation to two scalars. `%` is the floored modulo of numpy
  /// (`np.mod`): the result has the sign of the divisor.
  @inline(__always)
  public func apply(_ a: Double, _ b: Double) -> Double {
    switch self {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .modulo: return Elementwise.floorMod(a, b)
    case .power: return Foundation.pow(a, b)
    case .equal: return a == b ? 1 : 0
    case .notEqual: return a != b ? 1 : 0
    case .less: return a < b ? 1 : 0
    case .lessEqual: return a <= b ? 1 : 0
    case .greater: return a > b ? 1 : 0
    case .greaterEqual: return a >= b ? 1 : 0
    case .minimum: return (a.isNaN || b.isNaN) ? .nan : Swift.min(a, b)
    case .maximum: return (a.isNaN || b.isNaN) ? .nan : Swift.max(a, b)
    case .atan2: return Foundation.atan2(a, b)
    }
  }
}

/// Elementwise arithmetic with numpy broadcasting over scalars, vectors and matrices.
///
/// Rules (language.md): a scalar combines with anything; a vector of length n acts
/// as a 1×n row, so it combines with every row of an m×n matrix; two matrices
/// broadcast where a dimension is equal or 1. Anything else is
/// `NumericsError.shapeMismatch` naming both shapes.
public enum Elementwise {
  @inline(__always)
  public static func floorMod(_ a: Double, _ b: Double) -> Double {
    let r = fmod(a, b)
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
  }

  public static func apply(_ op: BinaryOperation, _ a: Vector, _ b: Vector) throws -> Vector {
    if a.count == b.count {
      return Vector(unsafeUninitializedCount: a.count) { out in
        a.elements.withUnsafeBufferPointer { pa in
          b.elements.withUnsafeBufferPointer { pb in
            contiguous(op, pa.baseAddress, 1, pb.baseAddress, 1, out.baseAddress, a.count)
          }
        }
      }
    }
    if a.count == 1 { return apply(op, a[0], b) }
    if b.count == 1 { return apply(op, a, b[0]) }
    throw NumericsError.shapeMismatch(operation: op.rawValue, lhs: a.shape, rhs: b.shape)
  }

  public static func apply(_ op: BinaryOperation, _ a: Vector, _ s: Double) -> Vector {
    Vector(unsafeUninitializedCount: a.count) { out in
      a.elements.withUnsafeBufferPointer { pa in
        withUnsafePointer(to: s) { ps in
          contiguous(op, pa.baseAddress, 1, ps, 0, out.baseAddress, a.count)
        }
      }
    }
  }

  public static func apply(_ op: BinaryOperation, _ s: Double, _ b: Vector) -> Vector {
    Vector(unsafeUninitializedCount: b.count) { out in
      b.elements.withUnsafeBufferPointer { pb in
        withUnsafePointer(to: s) { ps in
          contiguous(op, ps, 0, pb.baseAddress, 1, out.baseAddress, b.count)
        }
      }
    }
  }

  public static func apply(_ op: BinaryOperation, _ a: Matrix, _ s: Double) -> Matrix {
    let v = apply(op, Vector(a.elements), s)
    return try! Matrix(rows: a.rows, cols: a.cols, elements: v.elements)
  }

  public static func apply(_ op: BinaryOperation, _ s: Double, _ b: Matrix) -> Matrix {
    let v = apply(op, s, Vector(b.elements))
    return try! Matrix(rows: b.rows, cols: b.cols, elements: v.elements)
  }

  /// Matrix with a vector: the vector is a 1×n row (numpy rule).
  public static func apply(_ op: BinaryOperation, _ a: Matrix, _ v: Vector) throws -> Matrix {
    do {
      return try broadcast(op, a.rows, a.cols, a.elements, 1, v.count, v.elements)
    } catch NumericsError.shapeMismatch {
      throw NumericsError.shapeMismatch(operation: op.rawValue, lhs: a.shape, rhs: v.shape)
    }
  }

  public static func apply(_ op: BinaryOperation, _ v: Vector, _ b: Matrix) throws -> Matrix {
    do {
      return try broadcast(op, 1, v.count, v.elements, b.rows, b.cols, b.elements)
    } catch NumericsError.shapeMismatch {
      throw NumericsError.shapeMismatch(operation: op.rawValue, lhs: v.shape, rhs: b.shape)
    }
  }

  public static func apply(_ op: BinaryOperation, _ a: Matrix, _ b: Matrix) throws -> Matrix {
    try broadcast(op, a.rows, a.cols, a.elements, b.rows, b.cols, b.elements)
  }

  private static func broadcast(
    _ op: BinaryOperation, _ ar: Int, _ ac: Int, _ ae: [Double],
    _ br: Int, _ bc: Int, _ be: [Double]
  ) throws -> Matrix {
    guard ar == br || ar == 1 || br == 1, ac == bc || ac == 1 || bc == 1 else {
      throw NumericsError.shapeMismatch(operation: op.rawValue, lhs: [ar, ac], rhs: [br, bc])
    }
    let r = Swift.max(ar, br)
    let c = Swift.max(ac, bc)
    if r == 0 || c == 0 || (ar == 0 || br == 0) {
      return Matrix(rows: (ar == 0 || br == 0) ? 0 : r, cols: (ac == 0 || bc == 0) ? 0 : c)
    }
    return Matrix(rows: r, cols: c) { out in
      ae.withUnsafeBufferPointer { pa in
        be.withUnsafeBufferPointer { pb in
          let aRowStride = ar == 1 ? 0 : ac
          let bRowStride = br == 1 ? 0 : bc
          let aColStride = ac == 1 ? 0 : 1
          let bColStride = bc == 1 ? 0 : 1
          if aRowStride == c && bRowStride == c && aColStride == 1 && bColStride == 1 {
            contiguous(op, pa.baseAddress, 1, pb.baseAddress, 1, out.baseAddress, r * c)
            return
          }
          for i in 0..<r {
            contiguous(
              op, pa.baseAddress! + i * aRowStride, aColStride,
              pb.baseAddress! + i * bRowStride, bColStride,
              out.baseAddress! + i * c, c)
          }
        }
      }
    }
  }

  /// One strided loop per operation, so each loop body is a single inlined
  /// instruction sequence the compiler can vectorise when strides are 1.
  private static func contiguous(
    _ op: BinaryOperation, _ a: UnsafePointer<Double>?, _ sa: Int,
    _ b: UnsafePointer<Double>?, _ sb: Int, _ out: UnsafeMutablePointer<Double>?, _ n: Int
  ) {
    guard n > 0, let a, let b, let out else { return }
    switch op {
    case .add: loop(a, sa, b, sb, out, n) { $0 + $1 }
    case .subtract: loop(a, sa, b, sb, out, n) { $0 - $1 }
    case .multiply: loop(a, sa, b, sb, out, n) { $0 * $1 }
    case .divide: loop(a, sa, b, sb, out, n) { $0 / $1 }
    case .modulo: loop(a, sa, b, sb, out, n) { floorMod($0, $1) }
    case .power:
      if sb == 0 && b.pointee == 2 {
        loop(a, sa, b, sb, out, n) { x, _ in x * x }
      } else {
        loop(a, sa, b, sb, out, n) { Foundation.pow($0, $1) }
      }
    case .equal: loop(a, sa, b, sb, out, n) { $0 == $1 ? 1 : 0 }
    case .notEqual: loop(a, sa, b, sb, out, n) { $0 != $1 ? 1 : 0 }
    case .less: loop(a, sa, b, sb, out, n) { $0 < $1 ? 1 : 0 }
    case .lessEqual: loop(a, sa, b, sb, out, n) { $0 <= $1 ? 1 : 0 }
    case .greater: loop(a, sa, b, sb, out, n) { $0 > $1 ? 1 : 0 }
    case .greaterEqual: loop(a, sa, b, sb, out, n) { $0 >= $1 ? 1 : 0 }
    case .minimum, .maximum, .atan2: loop(a, sa, b, sb, out, n) { op.apply($0, $1) }
    }
  }

  @inline(__always)
  private static func loop(
    _ a: UnsafePointer<Double>, _ sa: Int, _ b: UnsafePointer<Double>, _ sb: Int,
    _ out: UnsafeMutablePointer<Double>, _ n: Int, _ f: (Double, Double) -> Double
  ) {
    if sa == 1 && sb == 1 {
      for i in 0..<n { out[i] = f(a[i], b[i]) }
    } else if sa == 1 && sb == 0 {
      let y = b.pointee
      for i in 0..<n { out[i] = f(a[i], y) }
    } else if sa == 0 && sb == 1 {
      let x = a.pointee
      for i in 0..<n { out[i] = f(x, b[i]) }
    } else {
      for i in 0..<n { out[i] = f(a[i * sa], b[i * sb]) }
    }
  }
}
