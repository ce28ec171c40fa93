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
///
/// The fields live in one reference-counted box, so the error is a single pointer:
/// typed `throws(LanguageError)` then passes it in a register and the interpreter's
/// hot paths pay nothing for the possibility of an error.
public struct LanguageError: Error, Sendable, CustomStringConvertible {
  private final class Storage: @unchecked Sendable {
    var kind: ErrorKind
    var message: String
    var span: SourceSpan?
    var suggestion: String?
    var trace: [TraceEntry] = []
    var isIncompleteInput = false
    var payload: Value?

    init(kind: ErrorKind, message: String, span: SourceSpan?, suggestion: String?) {
      self.kind = kind
      self.message = message
      self.span = span
      self.suggestion = suggestion
    }

    func copy() -> Storage {
      let s = Storage(kind: kind, message: message, span: span, suggestion: suggestion)
      s.trace = trace
      s.isIncompleteInput = isIncompleteInput
      s.payload = payload
      return s
    }
  }

  private var storage: Storage

  private mutating func unique() -> Storage {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    return storage
  }

  public init(
    _ kind: ErrorKind, _ message: String, span: SourceSpan? = nil, suggestion: String? = nil
  ) {
    storage = Storage(kind: kind, message: message, span: span, suggestion: suggestion)
  }

  public var kind: ErrorKind {
    get { storage.kind }
    set { unique().kind = newValue }
  }
  public var message: String {
    get { storage.message }
    set { unique().message = newValue }
  }
  public var span: SourceSpan? {
    get { storage.span }
    set { unique().span = newValue }
  }
  /// "did you mean 'alpha'?" and the like, printed under the caret.
  public var suggestion: String? {
    get { storage.suggestion }
    set { unique().suggestion = newValue }
  }
  public var trace: [TraceEntry] {
    get { storage.trace }
    set { unique().trace = newValue }
  }
  /// For syntax errors: the input ended while a bracket, block or operator was open,
  /// so a REPL should read another line instead of reporting.
  public var isIncompleteInput: Bool {
    get { storage.isIncompleteInput }
    set { unique().isIncompleteInput = newValue }
  }
  /// A value attached by `throw`-like builtins (`error(...)`), visible to `catch`.
  public var payload: Value? {
    get { storage.payload }
    set { unique().payload = newValue }
  }

  public var description: String { "\(kind.rawValue) error: \(message)" }

  /// The error with `span` filled in if it had none.
  func located(_ s: SourceSpan?) -> LanguageError {
    var e = self
    if e.span == nil { e.span = s }
    return e
  }
}
