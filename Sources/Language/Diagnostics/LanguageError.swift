/// What went wrong, in a word. Tests and `#> error: <kind>` expectations name these.
public enum ErrorKind: String, Sendable, CaseIterable {
  case syntax, name, type, value, index, shape, argument, io, recursion, interrupted, user
  case runtime, limit, math
}

/// One frame of the call trace printed under a runtime error inside functions.
public struct TraceEntry: Sendable {
  public let function: String
  public let span: SourceSpan?
}

/// An error of the language: a kind, a message that says what was expected and what
/// was found, the source span, an optional suggestion and the call trace.
/// Rendered to text in exactly one place, `ErrorRenderer`.
public struct LanguageError: Error, Sendable, CustomStringConvertible {
  public var kind: ErrorKind
  public var message: String
  public var span: SourceSpan?
  /// "did you mean 'alpha'?" and the like, printed under the caret.
  public var suggestion: String?
  public var trace: [TraceEntry] = []
  /// For syntax errors: the input ended while a bracket, block or operator was open,
  /// so a REPL should read another line instead of reporting.
  public var isIncompleteInput = false
  /// A value attached by `throw`-like builtins (`error(...)`), visible to `catch`.
  public var payload: Value?

  public init(
    _ kind: ErrorKind, _ message: String, span: SourceSpan? = nil, suggestion: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.span = span
    self.suggestion = suggestion
  }

  public var description: String { "\(kind.rawValue) error: \(message)" }

  /// The error with `span` filled in if it had none.
  func located(_ s: SourceSpan?) -> LanguageError {
    var e = self
    if e.span == nil { e.span = s }
    return e
  }
}
