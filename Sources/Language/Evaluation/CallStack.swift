import Numerics

/// The per-call bookkeeping of one interpreter: call depth and its limit, the native
/// stack guard, and the cancellation poll every 256th call. Compiled call sites hold
/// it strongly and their interpreter only `unowned`, so compiled code (kept in
/// functions stored in globals) never keeps its interpreter alive.
final class CallStack {
  /// Depth, count and stack limit behind a pointer, so the per-call updates have
  /// no exclusivity checks.
  let state: UnsafeMutablePointer<CallState>
  let maxDepth: Int
  let cancellation: Cancellation
  /// Functions replaced in a global while calls were running (see `GlobalBox`): a
  /// call site may be running one without holding it, so they are freed only when
  /// no call is running (`emptyGraveyard`).
  private var graveyard: [Value] = []

  init(maxDepth: Int, cancellation: Cancellation) {
    self.maxDepth = maxDepth
    self.cancellation = cancellation
    state = .allocate(capacity: 1)
    state.initialize(to: CallState())
  }

  deinit {
    state.deinitialize(count: 1)
    state.deallocate()
  }

  func bury(_ v: Value) { graveyard.append(v) }

  /// Frees the functions buried while calls were running, once none is.
  func emptyGraveyard() {
    if !graveyard.isEmpty && state.pointee.depth == 0 { graveyard = [] }
  }

  /// Calls user function `function` (whose code is `code`, taking at least one
  /// parameter) with one argument.
  @inline(__always)
  func call(
    _ function: Function, _ code: CompiledFunction, _ x0: consuming Value, span: SourceSpan?
  ) throws(LanguageError) -> Value {
    let frame = code.acquireFrame(for: function)
    code.bindFresh(0, x0, in: frame)
    return try invoke(code, frame: frame, supplied: 1, function: function, span: span)
  }

  /// Calls user function `function` (whose code is `code`, taking at least two
  /// parameters) with two arguments.
  @inline(__always)
  func call(
    _ function: Function, _ code: CompiledFunction, _ x0: consuming Value,
    _ x1: consuming Value, span: SourceSpan?
  ) throws(LanguageError) -> Value {
    let frame = code.acquireFrame(for: function)
    code.bindFresh(0, x0, in: frame)
    code.bindFresh(1, x1, in: frame)
    return try invoke(code, frame: frame, supplied: 2, function: function, span: span)
  }

  /// Runs a user function whose first `supplied` parameters are already in `frame`.
  @inline(__always)
  func invoke(
    _ code: CompiledFunction, frame: consuming Frame, supplied: Int, function: Function,
    span: SourceSpan?
  ) throws(LanguageError) -> Value {
    if supplied < code.parameterCount {
      var mask = [Bool](repeating: false, count: code.parameterCount)
      for i in 0..<supplied { mask[i] = true }
      return try invoke(
        code, frame: consume frame, suppliedMask: mask, function: function, span: span)
    }
    return try run(code, consume frame, function, span)
  }

  /// Fills the parameters not given (`false` in `suppliedMask`) from their defaults,
  /// in order, then runs the call; a missing parameter without default is an error.
  func invoke(
    _ code: CompiledFunction, frame: consuming Frame, suppliedMask: [Bool], function: Function,
    span: SourceSpan?
  ) throws(LanguageError) -> Value {
    for (i, given) in suppliedMask.enumerated() where !given {
      guard let d = code.parameterDefaults[i] else {
        throw LanguageError(
          .argument, "missing argument '\(code.parameterNames[i])' in call to \(function.name)",
          span: span)
      }
      code.bind(i, try d.run(frame), in: frame)
    }
    return try run(code, consume frame, function, span)
  }

  /// Runs a bound frame: depth and stack guard, cancellation every 256th call, the
  /// body, the call trace on error; the frame goes back to the function's pool.
  @inline(__always)
  func run(
    _ code: CompiledFunction, _ frame: consuming Frame, _ function: Function,
    _ span: SourceSpan?
  ) throws(LanguageError) -> Value {
    let c = state
    c.pointee.depth += 1
    defer { c.pointee.depth -= 1 }
    if c.pointee.depth > maxDepth || Self.stackPointer() < c.pointee.stackLimit {
      throw recursionError(function, span)
    }
    c.pointee.count &+= 1
    if c.pointee.count & 0xFF == 0 && cancellation.isCancelled {
      throw LanguageError(.interrupted, "interrupted", span: span)
    }
    let result: Value
    do throws(LanguageError) {
      if code.isExpressionBody {
        result = try code.expressionBody(frame)
      } else if case .returned = try code.statementBody(frame) {
        result = frame.returnValue
      } else {
        result = frame.value
      }
    } catch {
      throw Self.traced(error, function, span)
    }
    code.releaseFrame(consume frame)
    return result
  }

  @inline(never)
  private func recursionError(_ function: Function, _ span: SourceSpan?) -> LanguageError {
    LanguageError(
      .recursion,
      "recursion depth exceeded (\(state.pointee.depth) nested calls) in \(function.name)",
      span: span)
  }

  /// The error of a failed call with this call added to its trace: at most 20
  /// entries; none for interruptions; a recursion error gets only the call whose
  /// body made the call that overflowed.
  @inline(never)
  private static func traced(_ error: LanguageError, _ function: Function, _ span: SourceSpan?)
    -> LanguageError
  {
    var e = error
    if e.kind != .interrupted && e.kind != .recursion && e.trace.count < 20 {
      e.trace.append(TraceEntry(function: function.name, span: span))
    } else if e.kind == .recursion && e.trace.isEmpty {
      e.trace.append(TraceEntry(function: function.name, span: span))
    }
    return e
  }

  // MARK: - Stack guard

  @inline(__always)
  static func stackPointer() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }
}

/// Per-interpreter call bookkeeping (see `CallStack.state`).
struct CallState {
  var depth = 0
  var count: UInt = 0
  /// The lowest safe stack address of the running thread.
  var stackLimit: UInt = 0
}
