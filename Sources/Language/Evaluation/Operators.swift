import Numerics

/// The operators of language.md on values: elementwise with numpy broadcasting for
/// numbers, vectors and matrices; `@` as the matrix product; `==`/`!=` as structural
/// equality for everything else; `+` also joins strings.
enum Operators {
  typealias BinaryFn = (Value, Value, SourceSpan) throws(LanguageError) -> Value

  static func binaryFunction(_ op: BinaryOp) -> BinaryFn {
    { a, b, s throws(LanguageError) in try binary(op, a, b, span: s) }
  }

  static func elementwise(_ op: BinaryOp) -> BinaryOperation? {
    switch op {
    case .add: return .add
    case .subtract: return .subtract
    case .multiply: return .multiply
    case .divide: return .divide
    case .modulo: return .modulo
    case .power: return .power
    case .equal: return .equal
    case .notEqual: return .notEqual
    case .less: return .less
    case .lessEqual: return .lessEqual
    case .greater: return .greater
    case .greaterEqual: return .greaterEqual
    case .matmul: return nil
    }
  }

  static func isComparison(_ op: BinaryOp) -> Bool {
    switch op {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
    default: return false
    }
  }

  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value, span: SourceSpan) throws(LanguageError)
    -> Value
  {
    if op == .matmul { return try matmul(a, b, span: span) }
    let e = elementwise(op)!
    do {
      switch (a, b) {
      case (.number(let x), .number(let y)):
        let r = e.apply(x, y)
        return isComparison(op) ? .bool(r != 0) : .number(r)
      case (.vector(let x), .vector(let y)): return .vector(try Elementwise.apply(e, x, y))
      case (.vector(let x), .number(let y)): return .vector(Elementwise.apply(e, x, y))
      case (.number(let x), .vector(let y)): return .vector(Elementwise.apply(e, x, y))
      case (.matrix(let x), .matrix(let y)): return .matrix(try Elementwise.apply(e, x, y))
      case (.matrix(let x), .number(let y)): return .matrix(Elementwise.apply(e, x, y))
      case (.number(let x), .matrix(let y)): return .matrix(Elementwise.apply(e, x, y))
      case (.matrix(let x), .vector(let y)): return .matrix(try Elementwise.apply(e, x, y))
      case (.vector(let x), .matrix(let y)): return .matrix(try Elementwise.apply(e, x, y))
      case (.bool(let x), .bool(let y)) where op == .equal || op == .notEqual:
        return .bool((x == y) == (op == .equal))
      case (.string(let x), .string(let y)):
        switch op {
        case .add: return .string(x + y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        default: break
        }
      case (.list(let x), .list(let y)) where op == .add:
        return .list(x + y)
      default:
        if op == .equal { return .bool(equal(a, b)) }
        if op == .notEqual { return .bool(!equal(a, b)) }
      }
    } catch {
      throw LanguageError(
        .shape,
        "operator '\(op.rawValue)': shapes \(a.shapeDescription) and \(b.shapeDescription) do not broadcast",
        span: span)
    }
    throw LanguageError(
      .type,
      "operator '\(op.rawValue)' expected numbers, vectors or matrices, found \(a.shapeDescription) and \(b.shapeDescription)",
      span: span)
  }

  static func negate(_ v: Value, span: SourceSpan) throws(LanguageError) -> Value {
    switch v {
    case .number(let x): return .number(-x)
    case .vector(let x): return .vector(Elementwise.apply(.subtract, 0, x))
    case .matrix(let x): return .matrix(Elementwise.apply(.subtract, 0, x))
    default:
      throw LanguageError(
        .type, "unary '-' expected a number, vector or matrix, found \(v.shapeDescription)",
        span: span)
    }
  }

  static func matmul(_ a: Value, _ b: Value, span: SourceSpan) throws(LanguageError) -> Value {
    do {
      switch (a, b) {
      case (.matrix(let x), .matrix(let y)): return .matrix(try BLAS.gemm(x, y))
      case (.matrix(let x), .vector(let y)): return .vector(try BLAS.gemv(x, y))
      case (.vector(let x), .matrix(let y)): return .vector(try BLAS.gemv(y, x, transpose: true))
      case (.vector(let x), .vector(let y)): return .number(try BLAS.dot(x, y))
      default: break
      }
    } catch {
      throw LanguageError(
        .shape,
        "operator '@': shapes \(a.shapeDescription) and \(b.shapeDescription) do not multiply (inner dimensions differ)",
        span: span)
    }
    throw LanguageError(
      .type,
      "operator '@' expected vectors or matrices, found \(a.shapeDescription) and \(b.shapeDescription)",
      span: span)
  }

  /// Structural equality (NaN is not equal to itself, as in IEEE).
  static func equal(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.nil, .nil): return true
    case (.vector(let x), .vector(let y)): return x == y
    case (.matrix(let x), .matrix(let y)): return x == y
    case (.list(let x), .list(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    case (.record(let x), .record(let y)):
      return x.keys == y.keys && zip(x.values, y.values).allSatisfy { equal($0, $1) }
    case (.function(let x), .function(let y)): return x === y
    case (.module(let x), .module(let y)): return x === y
    case (.object(let x), .object(let y)): return x.isEqual(to: y)
    default: return false
    }
  }
}
