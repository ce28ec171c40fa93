import Foundation
import Numerics

// Building blocks for the compiler's specialised closures. Each operator and each
// kind of operand is a type, so generic code over them is specialised by the
// optimiser into one closure per shape (`slot - constant`, `global < constant`, ...)
// with the number case inline and no nested closure calls (performance.md, "The
// interpreter").

/// A binary operator as a type: its syntax and its rule on two numbers, the same
/// rule as `BinaryOperation.apply` (which lives in another module and so cannot be
/// inlined into these closures).
protocol ScalarOperator {
  static var op: BinaryOp { get }
  /// The value of `p op q` for two numbers: a number, or a bool for comparisons.
  static func result(_ p: Double, _ q: Double) -> Value
}

/// A comparison operator: also decides a condition without making a value.
protocol ComparisonOperator: ScalarOperator {
  static func test(_ p: Double, _ q: Double) -> Bool
}

extension ComparisonOperator {
  @inline(__always)
  static func result(_ p: Double, _ q: Double) -> Value { .bool(test(p, q)) }
}

enum AddOperator: ScalarOperator {
  static var op: BinaryOp { .add }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value { .number(p + q) }
}
enum SubtractOperator: ScalarOperator {
  static var op: BinaryOp { .subtract }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value { .number(p - q) }
}
enum MultiplyOperator: ScalarOperator {
  static var op: BinaryOp { .multiply }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value { .number(p * q) }
}
enum DivideOperator: ScalarOperator {
  static var op: BinaryOp { .divide }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value { .number(p / q) }
}
enum ModuloOperator: ScalarOperator {
  static var op: BinaryOp { .modulo }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value {
    .number(Elementwise.floorMod(p, q))
  }
}
enum PowerOperator: ScalarOperator {
  static var op: BinaryOp { .power }
  @inline(__always) static func result(_ p: Double, _ q: Double) -> Value {
    .number(Foundation.pow(p, q))
  }
}
enum EqualOperator: ComparisonOperator {
  static var op: BinaryOp { .equal }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p == q }
}
enum NotEqualOperator: ComparisonOperator {
  static var op: BinaryOp { .notEqual }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p != q }
}
enum LessOperator: ComparisonOperator {
  static var op: BinaryOp { .less }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p < q }
}
enum LessEqualOperator: ComparisonOperator {
  static var op: BinaryOp { .lessEqual }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p <= q }
}
enum GreaterOperator: ComparisonOperator {
  static var op: BinaryOp { .greater }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p > q }
}
enum GreaterEqualOperator: ComparisonOperator {
  static var op: BinaryOp { .greaterEqual }
  @inline(__always) static func test(_ p: Double, _ q: Double) -> Bool { p >= q }
}

/// Receives the operator type of a `BinaryOp` (see `BinaryOp.accept`).
protocol ScalarOperatorVisitor {
  associatedtype Result
  func visit<O: ScalarOperator>(_ o: O.Type) throws(LanguageError) -> Result
}

/// Receives the operator type of a comparison (see `BinaryOp.acceptComparison`).
protocol ComparisonVisitor {
  associatedtype Result
  func visit<O: ComparisonOperator>(_ o: O.Type) -> Result
}

extension BinaryOp {
  /// Calls the visitor with this operator's type; nil for `@` (no scalar rule).
  func accept<V: ScalarOperatorVisitor>(_ v: V) throws(LanguageError) -> V.Result? {
    switch self {
    case .add: return try v.visit(AddOperator.self)
    case .subtract: return try v.visit(SubtractOperator.self)
    case .multiply: return try v.visit(MultiplyOperator.self)
    case .divide: return try v.visit(DivideOperator.self)
    case .modulo: return try v.visit(ModuloOperator.self)
    case .power: return try v.visit(PowerOperator.self)
    case .equal: return try v.visit(EqualOperator.self)
    case .notEqual: return try v.visit(NotEqualOperator.self)
    case .less: return try v.visit(LessOperator.self)
    case .lessEqual: return try v.visit(LessEqualOperator.self)
    case .greater: return try v.visit(GreaterOperator.self)
    case .greaterEqual: return try v.visit(GreaterEqualOperator.self)
    case .matmul: return nil
    }
  }

  /// Calls the visitor with this comparison's type; nil for other operators.
  func acceptComparison<V: ComparisonVisitor>(_ v: V) -> V.Result? {
    switch self {
    case .equal: return v.visit(EqualOperator.self)
    case .notEqual: return v.visit(NotEqualOperator.self)
    case .less: return v.visit(LessOperator.self)
    case .lessEqual: return v.visit(LessEqualOperator.self)
    case .greater: return v.visit(GreaterOperator.self)
    case .greaterEqual: return v.visit(GreaterEqualOperator.self)
    default: return nil
    }
  }
}

/// Where an operand of a specialised closure comes from.
enum Operand {
  case slot(Int)
  case global(GlobalRead)
  case constant(Value)
  case other(Eval)
}

/// Reads an operand's value from a frame.
protocol OperandReader {
  /// Reading has no effects, so `number` may be tried before `read`.
  static var isPure: Bool { get }
  func read(_ f: Frame) throws(LanguageError) -> Value
  /// The operand when it is a number, read without copying a `Value` (pure readers
  /// only); nil otherwise.
  func number(_ f: Frame) -> Double?
  /// The operand when it is a function, read without copying a `Value` (pure
  /// readers only); nil otherwise.
  func function(_ f: Frame) -> Function?
}

struct SlotRead: OperandReader {
  let index: Int
  static var isPure: Bool { true }
  @inline(__always) func read(_ f: Frame) throws(LanguageError) -> Value { f.slots[index] }
  @inline(__always) func number(_ f: Frame) -> Double? {
    if case .number(let x) = f.slots[index] { return x }
    return nil
  }
  @inline(__always) func function(_ f: Frame) -> Function? {
    if case .function(let fn) = f.slots[index] { return fn }
    return nil
  }
}

struct GlobalRead: OperandReader {
  let box: GlobalBox
  let name: String
  let span: SourceSpan
  /// For the error message only; unowned so compiled code does not keep its
  /// interpreter alive.
  unowned let interpreter: Interpreter
  static var isPure: Bool { true }
  @inline(__always) func read(_ f: Frame) throws(LanguageError) -> Value {
    if let v = box.pointer.pointee { return v }
    throw interpreter.unknownName(name, span)
  }
  @inline(__always) func number(_ f: Frame) -> Double? {
    if case .number(let x)? = box.pointer.pointee { return x }
    return nil
  }
  @inline(__always) func function(_ f: Frame) -> Function? {
    if case .function(let fn)? = box.pointer.pointee { return fn }
    return nil
  }
}

struct ConstantRead: OperandReader {
  let value: Value
  static var isPure: Bool { true }
  @inline(__always) func read(_ f: Frame) throws(LanguageError) -> Value { value }
  @inline(__always) func number(_ f: Frame) -> Double? {
    if case .number(let x) = value { return x }
    return nil
  }
  @inline(__always) func function(_ f: Frame) -> Function? {
    if case .function(let fn) = value { return fn }
    return nil
  }
}

struct EvalRead: OperandReader {
  let eval: Eval
  static var isPure: Bool { false }
  @inline(__always) func read(_ f: Frame) throws(LanguageError) -> Value { try eval(f) }
  @inline(__always) func number(_ f: Frame) -> Double? { nil }
  @inline(__always) func function(_ f: Frame) -> Function? { nil }
}

/// Builds a closure from two operands, specialised to their reader types. Results
/// are wrapped in structs (`EvalRef`, ...) so closures pass through this generic code
/// without reabstraction thunks.
protocol BinaryBuilder {
  associatedtype Result
  func build<L: OperandReader, R: OperandReader>(_ l: L, _ r: R) -> Result
}

extension Operand {
  /// Opens `left` and `right` into concrete reader types for the builder.
  static func open<B: BinaryBuilder>(_ left: Operand, _ right: Operand, _ b: B) -> B.Result {
    switch left {
    case .slot(let i): return openRight(SlotRead(index: i), right, b)
    case .global(let g): return openRight(g, right, b)
    case .constant(let v): return openRight(ConstantRead(value: v), right, b)
    case .other(let e): return openRight(EvalRead(eval: e), right, b)
    }
  }

  private static func openRight<L: OperandReader, B: BinaryBuilder>(
    _ l: L, _ right: Operand, _ b: B
  ) -> B.Result {
    switch right {
    case .slot(let i): return b.build(l, SlotRead(index: i))
    case .global(let g): return b.build(l, g)
    case .constant(let v): return b.build(l, ConstantRead(value: v))
    case .other(let e): return b.build(l, EvalRead(eval: e))
    }
  }
}

/// `a op b` as a value: numbers inline, everything else through `Operators.binary`.
struct ValueBuilder<O: ScalarOperator>: BinaryBuilder {
  let span: SourceSpan
  func build<L: OperandReader, R: OperandReader>(_ l: L, _ r: R) -> EvalRef {
    let span = span
    if L.isPure && R.isPure {
      return EvalRef { f throws(LanguageError) in
        if let p = l.number(f), let q = r.number(f) { return O.result(p, q) }
        return try Operators.binary(O.op, try l.read(f), try r.read(f), span: span)
      }
    }
    return EvalRef { f throws(LanguageError) in
      let x = try l.read(f)
      let y = try r.read(f)
      if case .number(let p) = x, case .number(let q) = y { return O.result(p, q) }
      return try Operators.binary(O.op, x, y, span: span)
    }
  }
}

/// `a op b` as a condition: numbers inline, everything else through the value and
/// its truth (so a vector comparison is the same error as before).
struct ConditionBuilder<O: ComparisonOperator>: BinaryBuilder {
  let span: SourceSpan
  func build<L: OperandReader, R: OperandReader>(_ l: L, _ r: R) -> ConditionRef {
    let span = span
    if L.isPure && R.isPure {
      return ConditionRef { f throws(LanguageError) in
        if let p = l.number(f), let q = r.number(f) { return O.test(p, q) }
        return try Operators.binary(O.op, try l.read(f), try r.read(f), span: span)
          .truth(at: span)
      }
    }
    return ConditionRef { f throws(LanguageError) in
      let x = try l.read(f)
      let y = try r.read(f)
      if case .number(let p) = x, case .number(let q) = y { return O.test(p, q) }
      return try Operators.binary(O.op, x, y, span: span).truth(at: span)
    }
  }
}
