import Numerics

/// A callable value: a user function (a closure over captured cells), a declared
/// builtin, or a method bound to a value (`fig.plot`).
public final class Function: @unchecked Sendable {
  enum Kind {
    case user
    case builtin(Builtin)
    case bound(Builtin, receiver: Value)
  }

  let kind: Kind
  public let name: String
  /// The compiled body of a user function (nil for builtins), stored outside `kind`
  /// so a call reads it without unpacking an enum payload.
  let code: CompiledFunction?
  /// The cells a user function closes over.
  let captures: [Cell]

  /// A builtin or bound method (user functions use `init(name:code:captures:)`).
  private init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
    code = nil
    captures = []
  }

  /// A user function: compiled code closing over `captures`.
  init(name: String, code: CompiledFunction, captures: [Cell]) {
    self.name = name
    kind = .user
    self.code = code
    self.captures = captures
  }

  public convenience init(_ builtin: Builtin) {
    self.init(name: builtin.declaration.qualifiedName, kind: .builtin(builtin))
  }

  /// A builtin whose first argument is fixed to `receiver` (methods of host objects).
  public convenience init(method builtin: Builtin, receiver: Value) {
    self.init(name: builtin.declaration.qualifiedName, kind: .bound(builtin, receiver: receiver))
  }

  /// The declaration, for builtins; nil for user functions.
  public var declaration: BuiltinDeclaration? {
    switch kind {
    case .builtin(let b), .bound(let b, _): return b.declaration
    case .user: return nil
    }
  }

  /// `fn name(a, b=2)` for user functions; the declared signature for builtins.
  public var signature: String {
    switch kind {
    case .user:
      // `code` is set for every user function: only `init(name:code:captures:)` makes one.
      let c = code!
      let ps = c.parameterNames.enumerated().map { i, p in
        c.parameterDefaults[i] == nil ? p : "\(p)=…"
      }
      return "fn \(name)(\(ps.joined(separator: ", ")))"
    case .builtin(let b), .bound(let b, _): return b.declaration.signature
    }
  }
}

/// A mutable box for a variable captured by a closure.
final class Cell {
  var value: Value
  init(_ v: Value = .nil) { value = v }
}

/// The types a builtin parameter declares. Arguments are checked and converted
/// against these before the body runs.
public enum ParameterType: String, Sendable {
  case number, integer, bool, string, vector, matrix, array, list, record, function, any
  /// `"a"` or a list of strings.
  case strings
}

/// One declared parameter of a builtin: the single source of help text, argument
/// checks, keyword completion and "did you mean".
public struct ParameterSpec: Sendable {
  public let name: String
  public let type: ParameterType
  /// nil when the parameter is required.
  public let defaultValue: Value?
  public let isOptional: Bool
  public let unit: String?
  public let doc: String
  /// Only settable by keyword (never filled by a positional argument).
  public private(set) var keywordOnly = false

  /// The same parameter, settable only by keyword.
  public func keywordOnly(_ flag: Bool = true) -> ParameterSpec {
    var p = self
    p.keywordOnly = flag
    return p
  }

  /// A required parameter.
  public static func required(
    _ name: String, _ type: ParameterType, unit: String? = nil, _ doc: String
  ) -> ParameterSpec {
    ParameterSpec(
      name: name, type: type, defaultValue: nil, isOptional: false, unit: unit, doc: doc)
  }

  /// A parameter with a default value.
  public static func optional(
    _ name: String, _ type: ParameterType, default value: Value, unit: String? = nil,
    _ doc: String
  ) -> ParameterSpec {
    ParameterSpec(
      name: name, type: type, defaultValue: value, isOptional: true, unit: unit, doc: doc)
  }

  /// An optional parameter whose absence the body detects (`arguments[name] == nil`).
  public static func absent(
    _ name: String, _ type: ParameterType, unit: String? = nil, _ doc: String
  ) -> ParameterSpec {
    ParameterSpec(
      name: name, type: type, defaultValue: nil, isOptional: true, unit: unit, doc: doc)
  }
}

/// Everything a builtin says about itself. Help, `apropos`, completion and argument
/// checking are generated from this.
public struct BuiltinDeclaration: Sendable {
  public let name: String
  /// The module it lives in (`dam`, `linalg`), or nil for a global.
  public let module: String?
  public let parameters: [ParameterSpec]
  /// Extra positional arguments (`print(a, b, c)`, `max(a, b, ...)`), with their type.
  public let variadic: ParameterSpec?
  /// Accepts keywords not declared (`table(x=..., y=...)`).
  public let acceptsExtraKeywords: Bool
  public let summary: String
  public let returns: String
  /// Fields of a returned record: (name, description).
  public let returnFields: [(String, String)]
  public let doc: String
  /// Paper and equation, for study functions.
  public let reference: String?
  public let example: String?

  public init(
    _ name: String, module: String? = nil, parameters: [ParameterSpec] = [],
    variadic: ParameterSpec? = nil, acceptsExtraKeywords: Bool = false,
    summary: String, returns: String = "", returnFields: [(String, String)] = [],
    doc: String = "", reference: String? = nil, example: String? = nil
  ) {
    self.name = name
    self.module = module
    self.parameters = parameters
    self.variadic = variadic
    self.acceptsExtraKeywords = acceptsExtraKeywords
    self.summary = summary
    self.returns = returns
    self.returnFields = returnFields
    self.doc = doc
    self.reference = reference
    self.example = example
  }

  public var qualifiedName: String { module.map { "\($0).\(name)" } ?? name }

  public var signature: String {
    var parts: [String] = parameters.map { p in
      var s = p.name
      if let d = p.defaultValue {
        s += "=" + Display.inline(d)
      } else if p.isOptional {
        s += "=nil"
      }
      return s
    }
    if let v = variadic { parts.append("\(v.name)...") }
    if acceptsExtraKeywords { parts.append("name=value...") }
    return "\(qualifiedName)(\(parts.joined(separator: ", ")))"
  }
}

/// The bound arguments of a builtin call, in declaration order.
public struct Arguments {
  /// One entry per declared parameter: the value, or nil when an optional one is absent.
  public var values: [Value?]
  public var extraPositional: [Value] = []
  public var extraKeywords: [(String, Value)] = []
  /// Span of each declared argument (or the call), for pointed error messages.
  var spans: [SourceSpan?]
  public let declaration: BuiltinDeclaration
  public let callSpan: SourceSpan?

  public subscript(name: String) -> Value? {
    guard let i = declaration.parameters.firstIndex(where: { $0.name == name }) else {
      preconditionFailure("builtin \(declaration.qualifiedName) has no parameter \(name)")
    }
    return values[i]
  }

  /// Where the named argument was written (or the call), for pointed errors.
  public func span(ofArgument name: String) -> SourceSpan? { span(of: name) }

  func span(of name: String) -> SourceSpan? {
    guard let i = declaration.parameters.firstIndex(where: { $0.name == name }) else {
      return callSpan
    }
    return spans[i] ?? callSpan
  }

  /// An argument error pointing at the named argument.
  public func error(_ name: String, _ message: String, kind: ErrorKind = .value) -> LanguageError {
    LanguageError(kind, message, span: span(of: name))
  }

  public func number(_ name: String) throws(LanguageError) -> Double {
    guard case .number(let x)? = self[name] else {
      throw error(name, "\(declaration.qualifiedName): '\(name)' is required", kind: .argument)
    }
    return x
  }

  public func int(_ name: String) throws(LanguageError) -> Int {
    let x = try number(name)
    return Int(x)
  }

  public func bool(_ name: String) throws(LanguageError) -> Bool {
    guard case .bool(let b)? = self[name] else {
      throw error(name, "\(declaration.qualifiedName): '\(name)' is required", kind: .argument)
    }
    return b
  }

  public func string(_ name: String) throws(LanguageError) -> String {
    guard case .string(let s)? = self[name] else {
      throw error(name, "\(declaration.qualifiedName): '\(name)' is required", kind: .argument)
    }
    return s
  }

  public func vector(_ name: String) throws(LanguageError) -> Vector {
    guard case .vector(let v)? = self[name] else {
      throw error(name, "\(declaration.qualifiedName): '\(name)' is required", kind: .argument)
    }
    return v
  }

  public func matrix(_ name: String) throws(LanguageError) -> Matrix {
    guard case .matrix(let m)? = self[name] else {
      throw error(name, "\(declaration.qualifiedName): '\(name)' is required", kind: .argument)
    }
    return m
  }

  public func optionalNumber(_ name: String) -> Double? {
    if case .number(let x)? = self[name] { return x }
    return nil
  }
}

/// What a builtin body sees besides its arguments.
public struct CallContext {
  public let interpreter: Interpreter
  public let span: SourceSpan?

  /// Calls a function value (for `map`, `filter`, solvers over user functions).
  public func call(_ f: Value, _ args: [Value]) throws(LanguageError) -> Value {
    try interpreter.call(f, args, span: span)
  }
}

/// A declared builtin: a declaration and a body.
public final class Builtin: @unchecked Sendable {
  public let declaration: BuiltinDeclaration
  let body: (CallContext, inout Arguments) throws(LanguageError) -> Value

  public init(
    _ declaration: BuiltinDeclaration,
    _ body: @escaping (CallContext, inout Arguments) throws(LanguageError) -> Value
  ) {
    self.declaration = declaration
    self.body = body
  }
}
