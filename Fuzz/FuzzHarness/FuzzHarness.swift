import Language
import Numerics

/// Runs one fuzz input through the lexer, parser, evaluator, display and error renderer of
/// `Language` with small limits, so that every input ends quickly and the only finding
/// left is a crash of the process. Shared by the libFuzzer entry point (`FuzzLanguage`)
/// and the regression tests over saved inputs.
public enum FuzzHarness {
  /// What happened to one input.
  public enum Outcome: Equatable, Sendable {
    /// The bytes are not valid UTF-8: nothing ran.
    case notUTF8
    /// The parser rejected the text with a `LanguageError`.
    case rejected
    /// Every statement ran; `failed` of them ended with a `LanguageError`.
    case ran(statements: Int, failed: Int)
  }

  /// Maximum depth of nested user-function calls (the REPL allows 10 000).
  public static let maxCallDepth = 200

  /// Time after which the interpreter's cancellation fires, so `while true {}` ends.
  public static let defaultBudget: Duration = .milliseconds(50)

  /// Runs `bytes` as a script: parses it, executes each statement (a `LanguageError` ends
  /// only that statement, as in the REPL), renders displayed values and errors.
  @discardableResult
  public static func run(_ bytes: some Collection<UInt8>, budget: Duration = defaultBudget)
    -> Outcome
  {
    // Decoding repairs invalid UTF-8; a repaired string no longer equals the input.
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.utf8.elementsEqual(bytes) else { return .notUTF8 }

    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: budget)
    let configuration = HostConfiguration(
      output: { _ in }, warning: { _ in },
      cancellation: Cancellation { clock.now >= deadline },
      maxCallDepth: maxCallDepth)
    let interpreter = Interpreter(configuration: configuration)

    let statements: [TopLevelStatement]
    do {
      statements = try interpreter.parse(text, name: "<fuzz>")
    } catch {
      _ = ErrorRenderer.render(error)
      return .rejected
    }
    var failed = 0
    for statement in statements {
      do {
        if let value = try interpreter.execute(statement) { _ = Display.render(value) }
      } catch {
        _ = ErrorRenderer.render(error)
        failed += 1
      }
    }
    // A user function that names a global closes a cycle globals -> function -> globals,
    // which keeps the whole interpreter alive (reported to the Language owner); unbinding
    // every global (user code may rebind a builtin's name) lets it go, so that
    // LeakSanitizer reports only other leaks and memory does not grow over many inputs.
    for name in interpreter.globalNames { interpreter.define(name, .nil) }
    return .ran(statements: statements.count, failed: failed)
  }
}
