import Foundation
import Numerics

/// The core builtins of language.md, registered into every interpreter. Each is one
/// declaration (name, parameters with types/defaults/docs, summary) plus its body.
public enum Builtins {
  static func registerCore(into interp: Interpreter) {
    interp.define("pi", .number(Double.pi))
    interp.define("e", .number(M_E))
    interp.define("nan", .number(.nan))
    interp.define("inf", .number(.infinity))
    for b in mathBuiltins() + arrayBuiltins() + valueBuiltins() + randomBuiltins() {
      interp.define(b)
    }
    let linalg = linalgModule()
    interp.register(linalg)
    for name in [
      "dot", "outer", "norm", "trace", "det", "inv", "solve", "lstsq", "eig", "eigh", "svd", "chol",
      "qr",
    ] {
      if let v = linalg.member(name) { interp.define(name, v) }
    }
    interp.register(statsModule())
    interp.define(helpBuiltin())
    interp.define(aproposBuiltin())
    interp.builtinGlobalCount = interp.globalNames.count
  }

  /// Builds a builtin from its declaration parts.
  public static func make(
    _ name: String, module: String? = nil, _ parameters: [ParameterSpec],
    variadic: ParameterSpec? = nil, extraKeywords: Bool = false,
    summary: String, returns: String = "", returnFields: [(String, String)] = [],
    doc: String = "", reference: String? = nil, example: String? = nil,
    _ body: @escaping (CallContext, inout Arguments) throws(LanguageError) -> Value
  ) -> Builtin {
    Builtin(
      BuiltinDeclaration(
        name, module: module, parameters: parameters, variadic: variadic,
        acceptsExtraKeywords: extraKeywords, summary: summary, returns: returns,
        returnFields: returnFields, doc: doc, reference: reference, example: example),
      body)
  }

  /// Converts a Numerics error into a language error of the right kind.
  public static func wrap(_ error: any Error, _ span: SourceSpan?) -> LanguageError {
    if let e = error as? LanguageError { return e.located(span) }
    if let n = error as? NumericsError {
      let kind: ErrorKind
      switch n {
      case .shapeMismatch: kind = .shape
      case .singular, .notPositiveDefinite, .nonFinite, .noConvergence: kind = .math
      case .invalidArgument: kind = .value
      case .cancelled: kind = .interrupted
      }
      return LanguageError(kind, n.description, span: span)
    }
    return LanguageError(.runtime, "\(error)", span: span)
  }

  /// Runs a throwing Numerics call, converting its error.
  public static func numerics<T>(_ span: SourceSpan?, _ body: () throws -> T) throws(LanguageError)
    -> T
  {
    do {
      return try body()
    } catch {
      throw wrap(error, span)
    }
  }

  /// The largest number of array elements one call may allocate: half the machine's
  /// memory in doubles, so `zeros(1e12)` is an error before memory is touched.
  static var maxElements: Int {
    Int(ProcessInfo.processInfo.physicalMemory / 16)
  }

  /// Checks a requested size: finite, integral, non-negative and allocatable.
  public static func checkedSize(_ x: Double, _ what: String, span: SourceSpan?)
    throws(LanguageError) -> Int
  {
    guard x.isFinite, x == x.rounded(), x >= 0 else {
      throw LanguageError(
        .value, "\(what) must be a non-negative integer, found \(Display.number(x))", span: span)
    }
    guard x <= Double(maxElements) else {
      throw LanguageError(
        .limit,
        "\(what) \(Display.number(x)) is too large: at most \(maxElements) elements fit in half of this machine's memory",
        span: span)
    }
    return Int(x)
  }

  static func checkedRange(_ a: Double, _ b: Double, _ step: Double, span: SourceSpan?)
    throws(LanguageError)
    -> Vector
  {
    guard a.isFinite, b.isFinite, step.isFinite, step != 0 else {
      throw LanguageError(
        .value, "range expects finite bounds and a non-zero step", span: span)
    }
    let n = Swift.max(0, ((b - a) / step).rounded(.up))
    _ = try checkedSize(n, "range length", span: span)
    return try numerics(span) { try Vector.range(a, b, step: step) }
  }
}
