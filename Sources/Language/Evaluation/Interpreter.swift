import Foundation
import Numerics

/// One top-level statement of a script or notebook, parsed, with its place in the text.
public struct TopLevelStatement: Sendable {
  let stmt: Stmt
  public let span: SourceSpan
  /// The statement's source text.
  public var text: String { span.text }
  /// First and last line (1-based, in the source's numbering).
  public var firstLine: Int { span.line }
  public var lastLine: Int {
    let (l, _) = span.source.location(of: max(span.start, span.end - 1))
    return l + span.source.firstLine
  }
  /// A bare expression without a trailing `;`: its value is shown.
  public var displaysValue: Bool {
    if case .expression(_, let d) = stmt { return d }
    return false
  }
  /// The name of a `param` declaration, if this is one.
  public var parameterName: String? {
    if case .param(let n, _, _) = stmt { return n }
    return nil
  }
}

/// The state of one session: globals, the session random generator, configuration.
/// No global state anywhere else: two interpreters never share anything.
public final class Interpreter: @unchecked Sendable {
  public let configuration: HostConfiguration
  let globals: Globals
  /// The session generator behind `rand`, `randn`, ...; `seed(n)` resets it.
  public var random: RandomGenerator
  /// `param` values in declaration order of first use.
  public internal(set) var declaredParameters: [String: Value] = [:]
  /// Which `--set` overrides a `param` statement consumed.
  public internal(set) var usedOverrides: Set<String> = []
  /// Registered modules, by name (also bound as globals).
  public private(set) var modules: [String: Module] = [:]
  /// State owned by layers above the language (the current figure, ...), by key.
  public var libraryState: [String: AnyObject] = [:]
  /// Start time of `tic()`.
  public var stopwatch: Double?
  /// Call depth, call count and stack limit, shared with compiled call sites.
  let callStack: CallStack
  /// Cached from the configuration: polled on loops and every 256th call.
  public let cancellation: Cancellation

  public init(configuration: HostConfiguration = HostConfiguration()) {
    self.configuration = configuration
    cancellation = configuration.cancellation
    callStack = CallStack(
      maxDepth: configuration.maxCallDepth, cancellation: configuration.cancellation)
    globals = Globals(calls: callStack)
    random = RandomGenerator(seed: configuration.seed)
    Builtins.registerCore(into: self)
  }

  // MARK: - Definitions

  /// Binds a global name.
  public func define(_ name: String, _ value: Value) {
    globals[globals.slot(name)] = value
  }

  public func define(_ builtin: Builtin) {
    define(builtin.declaration.name, .function(Function(builtin)))
  }

  /// Registers a module under its name (`dam`, `linalg`) as a global.
  public func register(_ module: Module) {
    modules[module.name] = module
    define(module.name, .module(module))
  }

  public func global(_ name: String) -> Value? { globals.value(name) }

  /// Names bound at the top level, in definition order.
  public var globalNames: [String] {
    globals.names.filter { globals.value($0) != nil }
  }

  /// Names bound by the user (not builtins or modules).
  public var userGlobalNames: [String] {
    let builtinCount = builtinGlobalCount
    return globals.names.enumerated().filter { i, n in
      i >= builtinCount && globals[i] != nil
    }.map(\.1)
  }
  var builtinGlobalCount = 0

  /// Marks every name bound so far as part of the environment (builtins, modules), so
  /// `userGlobalNames` (and the REPL's `:vars`) lists only what the user defined.
  public func sealBuiltins() {
    builtinGlobalCount = globals.names.count
  }

  // MARK: - Running code

  /// Parses a script into top-level statements.
  public func parse(_ text: String, name: String, firstLine: Int = 1) throws(LanguageError)
    -> [TopLevelStatement]
  {
    let source = Source(name: name, text: text, firstLine: firstLine)
    var parser = try Parser(source: source)
    let stmts = try parser.parseProgram()
    return stmts.map { TopLevelStatement(stmt: $0, span: $0.span) }
  }

  /// Runs one top-level statement; returns the value to display, if any.
  public func execute(_ statement: TopLevelStatement) throws(LanguageError) -> Value? {
    let compiler = Compiler(interpreter: self)
    let code = try compiler.compileTopLevel(statement.stmt)
    let frame = Frame.make(slotCount: 0, cellCount: 0, captures: [])
    callStack.state.pointee.depth = 0
    callStack.state.pointee.stackLimit = Self.currentStackLimit()
    defer { callStack.emptyGraveyard() }
    _ = try code(frame)
    if statement.displaysValue {
      if case .nil = frame.value { return nil }
      return frame.value
    }
    return nil
  }

  /// Parses and runs a whole script, sending displayed values to the output; stops
  /// at the first error and throws it.
  public func run(_ text: String, name: String = "<input>") throws(LanguageError) {
    for s in try parse(text, name: name) {
      if let v = try execute(s) { configuration.output(Display.render(v) + "\n") }
    }
  }

  /// Evaluates a single expression or statement and returns its value (nil if none).
  public func evaluate(_ text: String, name: String = "<input>") throws(LanguageError) -> Value {
    var last: Value = .nil
    for s in try parse(text, name: name) {
      let compiler = Compiler(interpreter: self)
      let code = try compiler.compileTopLevel(s.stmt)
      let frame = Frame.make(slotCount: 0, cellCount: 0, captures: [])
      callStack.state.pointee.stackLimit = Self.currentStackLimit()
      defer { callStack.emptyGraveyard() }
      _ = try code(frame)
      last = frame.value
    }
    return last
  }

  // MARK: - Calls

  /// Calls a function value with positional arguments (used by builtins like `map`).
  public func call(_ f: Value, _ args: [Value], span: SourceSpan?) throws(LanguageError) -> Value {
    defer { callStack.emptyGraveyard() }
    return try callGeneral(
      f, positional: args,
      positionalSpans: Array(repeating: span, count: args.count)
        .compactMap { $0 }, keywords: [], span: span)
  }

  func callGeneral(
    _ fv: Value, positional: [Value], positionalSpans: [SourceSpan],
    keywords: [KeywordArgument], span: SourceSpan?
  ) throws(LanguageError) -> Value {
    guard case .function(let fn) = fv else {
      throw LanguageError(
        .type, "expected a function to call, found \(fv.shapeDescription)", span: span)
    }
    if configuration.cancellation.isCancelled {
      throw LanguageError(.interrupted, "interrupted", span: span)
    }
    switch fn.kind {
    case .user:
      // `code` is set for every user function (see `Function.init(name:code:captures:)`).
      let code = fn.code!
      let n = code.parameterNames.count
      guard positional.count <= n else {
        throw LanguageError(
          .argument,
          "\(fn.name) takes \(n) argument\(n == 1 ? "" : "s"), found \(positional.count)",
          span: span)
      }
      let frame = code.acquireFrame(for: fn)
      var supplied = [Bool](repeating: false, count: n)
      for (i, v) in positional.enumerated() {
        code.bind(i, v, in: frame)
        supplied[i] = true
      }
      for k in keywords {
        guard let i = code.parameterNames.firstIndex(of: k.name) else {
          throw LanguageError(
            .argument, "unknown keyword argument '\(k.name)' for \(fn.name)",
            span: k.nameSpan ?? span,
            suggestion: Suggestions.closest(to: k.name, among: code.parameterNames)
              .map { "did you mean '\($0)'?" })
        }
        if supplied[i] {
          throw LanguageError(
            .argument, "argument '\(k.name)' of \(fn.name) given twice", span: k.nameSpan ?? span)
        }
        code.bind(i, k.value, in: frame)
        supplied[i] = true
      }
      return try callStack.invoke(
        code, frame: frame, suppliedMask: supplied, function: fn, span: span)
    case .builtin(let b):
      return try callBuiltin(b, positional, positionalSpans, keywords, span)
    case .bound(let b, let receiver):
      return try callBuiltin(
        b, [receiver] + positional, (span.map { [$0] } ?? []) + positionalSpans, keywords, span)
    }
  }

  private func callBuiltin(
    _ b: Builtin, _ positional: [Value], _ pspans: [SourceSpan], _ keywords: [KeywordArgument],
    _ span: SourceSpan?
  ) throws(LanguageError) -> Value {
    var args = try ArgumentBinder.bind(b.declaration, positional, pspans, keywords, span)
    do throws(LanguageError) {
      return try b.body(CallContext(interpreter: self, span: span), &args)
    } catch {
      throw error.located(span)
    }
  }

  // MARK: - Errors

  func unknownName(_ name: String, _ span: SourceSpan?) -> LanguageError {
    let candidates = globals.names.filter { globals.value($0) != nil }
    let suggestion = Suggestions.closest(to: name, among: candidates)
    return LanguageError(
      .name, "unknown name '\(name)'", span: span,
      suggestion: suggestion.map { "did you mean '\($0)'?" })
  }

  // MARK: - Stack guard

  /// The lowest safe stack address of this thread: 256 KiB above the guard page.
  private static func currentStackLimit() -> UInt {
    #if os(Linux)
      var attr = pthread_attr_t()
      guard replicaPthreadGetattr(pthread_self(), &attr) == 0 else { return 0 }
      defer { pthread_attr_destroy(&attr) }
      var addr: UnsafeMutableRawPointer?
      var size = 0
      guard pthread_attr_getstack(&attr, &addr, &size) == 0, let addr else { return 0 }
      let low = UInt(bitPattern: addr)
      let margin = UInt(min(256 * 1024, size / 4))
      // The main thread's reported size may exceed the mapped stack; trust rlimit too.
      let sp = CallStack.stackPointer()
      var limit = low + margin
      var rl = rlimit()
      if getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &rl) == 0, rl.rlim_cur != rlim_t.max
      {
        let rlLow = sp &- UInt(rl.rlim_cur) &+ margin &+ 128 * 1024
        if rlLow > limit && rlLow < sp { limit = rlLow }
      }
      return limit
    #else
      return 0
    #endif
  }
}

#if os(Linux)
  /// glibc's `pthread_getattr_np` (a GNU extension the Glibc module does not export).
  @_silgen_name("pthread_getattr_np")
  private func replicaPthreadGetattr(
    _ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>
  ) -> Int32
#endif
