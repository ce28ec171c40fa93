import Numerics

/// A value of the language. Common cases (number, bool) carry no reference, so
/// scalar arithmetic does no reference counting; arrays are `Numerics` types with
/// copy-on-write storage, so assignment is one retain and values behave as values.
public enum Value: @unchecked Sendable {
  case number(Double)
  case bool(Bool)
  case string(String)
  case `nil`
  case vector(Vector)
  case matrix(Matrix)
  case list([Value])
  case record(Record)
  case function(Function)
  case module(Module)
  /// A value defined outside the language (table, figure, ...); see `HostObject`.
  case object(any HostObject)

  /// The name used in messages and by `typeof`.
  public var typeName: String {
    switch self {
    case .number: return "number"
    case .bool: return "bool"
    case .string: return "string"
    case .nil: return "nil"
    case .vector: return "vector"
    case .matrix: return "matrix"
    case .list: return "list"
    case .record: return "record"
    case .function: return "function"
    case .module: return "module"
    case .object(let o): return o.typeName
    }
  }

  /// The type with its shape, for messages: `vector(3)`, `matrix(2×4)`.
  public var shapeDescription: String {
    switch self {
    case .vector(let v): return "vector(\(v.count))"
    case .matrix(let m): return "matrix(\(m.rows)×\(m.cols))"
    case .list(let l): return "list(\(l.count))"
    default: return typeName
    }
  }

  /// Truthiness for `if`, `while`, `and`, `or`, `not`: booleans and numbers only.
  func truth(at span: SourceSpan?) throws(LanguageError) -> Bool {
    switch self {
    case .bool(let b): return b
    case .number(let x):
      if x.isNaN { throw LanguageError(.value, "condition is NaN", span: span) }
      return x != 0
    default:
      throw LanguageError(
        .type, "expected a bool or number as a condition, found \(shapeDescription)",
        span: span)
    }
  }
}

/// Fields in insertion order: `{a: 1, b: "x"}`. Study results are records.
public struct Record: Sendable {
  public private(set) var keys: [String]
  public private(set) var values: [Value]

  public init() {
    keys = []
    values = []
  }

  public init(_ pairs: [(String, Value)]) {
    keys = pairs.map(\.0)
    values = pairs.map(\.1)
  }

  public subscript(key: String) -> Value? {
    get { keys.firstIndex(of: key).map { values[$0] } }
    set {
      if let i = keys.firstIndex(of: key) {
        if let newValue {
          values[i] = newValue
        } else {
          keys.remove(at: i)
          values.remove(at: i)
        }
      } else if let newValue {
        keys.append(key)
        values.append(newValue)
      }
    }
  }

  public var count: Int { keys.count }
}

/// A namespace of builtins (`linalg`, `stats`, `dam`, ...).
public final class Module: @unchecked Sendable {
  public let name: String
  public let summary: String
  public private(set) var members: [(String, Value)]
  private var lookup: [String: Int] = [:]

  public init(name: String, summary: String, members: [(String, Value)] = []) {
    self.name = name
    self.summary = summary
    self.members = []
    for (n, v) in members { add(n, v) }
  }

  public func add(_ name: String, _ value: Value) {
    if let i = lookup[name] {
      members[i].1 = value
    } else {
      lookup[name] = members.count
      members.append((name, value))
    }
  }

  public func member(_ name: String) -> Value? { lookup[name].map { members[$0].1 } }
  public var memberNames: [String] { members.map(\.0) }
}

/// A value owned by a layer above the language (tables, figures). It behaves as a
/// value: mutating operations return a new object.
public protocol HostObject: AnyObject, Sendable {
  var typeName: String { get }
  /// Text shown at the top level.
  func display() -> String
  /// Field or method `o.name`; nil when there is no such member.
  func member(_ name: String, interpreter: Interpreter) throws(LanguageError) -> Value?
  var memberNames: [String] { get }
  /// `o.name = value`: a new object with the member set.
  func settingMember(_ name: String, to value: Value) throws(LanguageError) -> any HostObject
  /// `o[...]` with evaluated index values.
  func index(_ items: [Value]) throws(LanguageError) -> Value
  /// Iteration by `for x in o`.
  func elements() throws(LanguageError) -> [Value]
  /// Equality used by `==`.
  func isEqual(to other: any HostObject) -> Bool
}

extension HostObject {
  public func settingMember(_ name: String, to value: Value) throws(LanguageError)
    -> any HostObject
  {
    throw LanguageError(.type, "cannot set '\(name)' on a \(typeName)")
  }
  public func index(_ items: [Value]) throws(LanguageError) -> Value {
    throw LanguageError(.type, "a \(typeName) cannot be indexed")
  }
  public func elements() throws(LanguageError) -> [Value] {
    throw LanguageError(.type, "cannot iterate over a \(typeName)")
  }
  public func isEqual(to other: any HostObject) -> Bool { self === other }
}
