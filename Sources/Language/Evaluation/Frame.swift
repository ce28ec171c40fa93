struct FrameHeader {
  let slotCount: Int
  var cells: ContiguousArray<Cell>
  var captures: [Cell]
  var value: Value = .nil
  var returnValue: Value = .nil
  /// The next frame in its function's pool of finished frames; the pool owns the
  /// frames it links (one retain each, taken back when a frame leaves the pool).
  var nextFree: Unmanaged<Frame>?
}

/// The activation record of one call (or of one top-level statement): one
/// allocation holding the header and the local slots inline, reached through raw
/// pointers so slot access has no bounds, uniqueness or exclusivity checks.
final class Frame: ManagedBuffer<FrameHeader, Value> {
  static func make(slotCount: Int, cellCount: Int, captures: [Cell]) -> Frame {
    let buffer = Frame.create(minimumCapacity: slotCount) { _ in
      FrameHeader(slotCount: slotCount, cells: freshCells(cellCount), captures: captures)
    }
    let frame = unsafeDowncast(buffer, to: Frame.self)
    frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: slotCount) }
    return frame
  }

  static func freshCells(_ count: Int) -> ContiguousArray<Cell> {
    count == 0 ? [] : ContiguousArray((0..<count).map { _ in Cell() })
  }

  deinit {
    withUnsafeMutablePointers { h, e in _ = e.deinitialize(count: h.pointee.slotCount) }
  }

  /// The local slots (valid while the frame lives).
  @inline(__always) var slots: UnsafeMutablePointer<Value> {
    withUnsafeMutablePointerToElements { $0 }
  }

  @inline(__always) var head: UnsafeMutablePointer<FrameHeader> {
    withUnsafeMutablePointerToHeader { $0 }
  }

  @inline(__always) var cells: ContiguousArray<Cell> { head.pointee.cells }
  @inline(__always) var captures: [Cell] { head.pointee.captures }

  /// The value of the last expression statement of the block being run: the value
  /// of a function body or of an `if` used as an expression.
  @inline(__always) var value: Value {
    get { head.pointee.value }
    set { head.pointee.value = newValue }
  }

  @inline(__always) var returnValue: Value {
    get { head.pointee.returnValue }
    set { head.pointee.returnValue = newValue }
  }
}

/// Finished frames of one function, kept for its next calls so a call does not
/// allocate. Frames never escape a call (closures capture cells, not frames), so a
/// frame is free again as soon as its call returns.
struct FramePool {
  /// Owned (+1) by the pool, see `FrameHeader.nextFree`.
  var head: Unmanaged<Frame>?
  var count = 0

  /// At most this many idle frames per function; deeper recursion allocates.
  static let capacity = 64
}

/// How a statement finished.
enum Flow {
  case normal, breakLoop, continueLoop, returned
}

typealias Eval = (Frame) throws(LanguageError) -> Value
typealias Exec = (Frame) throws(LanguageError) -> Flow
typealias Condition = (Frame) throws(LanguageError) -> Bool

/// How a function body runs: a single expression (`fn f(x) = x^2`, or a body whose
/// value comes from nested `if` expressions only) or statements.
enum FunctionBody {
  case expression(Eval)
  case statements(Exec)
}

/// A function body after compilation: parameters bound to slots or cells.
final class CompiledFunction {
  let name: String
  let parameterNames: [String]
  let parameterCount: Int
  let parameterDefaults: [EvalRef?]
  let parameterTargets: ContiguousArray<LocalRef>
  let slotCount: Int
  let cellCount: Int
  /// How many cells a function made from this code closes over.
  let capturesCount: Int
  /// The body, unpacked from `FunctionBody` so a call reads a stored closure
  /// instead of copying it out of an enum payload; the closure of the other kind
  /// is a constant that is never called.
  let isExpressionBody: Bool
  let expressionBody: Eval
  let statementBody: Exec
  let span: SourceSpan
  private let pool: UnsafeMutablePointer<FramePool>

  init(
    name: String, parameterNames: [String], parameterDefaults: [EvalRef?],
    parameterTargets: [LocalRef], slotCount: Int, cellCount: Int, capturesCount: Int,
    body: FunctionBody, span: SourceSpan
  ) {
    self.name = name
    self.parameterNames = parameterNames
    parameterCount = parameterNames.count
    self.parameterDefaults = parameterDefaults
    self.parameterTargets = ContiguousArray(parameterTargets)
    self.slotCount = slotCount
    self.cellCount = cellCount
    self.capturesCount = capturesCount
    switch body {
    case .expression(let e):
      isExpressionBody = true
      expressionBody = e
      statementBody = { _ throws(LanguageError) in .normal }
    case .statements(let x):
      isExpressionBody = false
      expressionBody = { _ throws(LanguageError) in .nil }
      statementBody = x
    }
    self.span = span
    pool = .allocate(capacity: 1)
    pool.initialize(to: FramePool())
  }

  deinit {
    var next = pool.pointee.head
    pool.pointee.head = nil
    while let u = next {
      next = u.takeUnretainedValue().head.pointee.nextFree
      u.release()
    }
    pool.deinitialize(count: 1)
    pool.deallocate()
  }

  /// A frame for a call of `function` (whose code this is): every slot nil, fresh
  /// cells, the function's captures.
  @inline(__always)
  func acquireFrame(for function: Function) -> Frame {
    guard let u = pool.pointee.head else {
      return Frame.make(
        slotCount: slotCount, cellCount: cellCount,
        captures: capturesCount == 0 ? [] : function.captures)
    }
    let frame = u.takeRetainedValue()
    let h = frame.head
    pool.pointee.head = h.pointee.nextFree
    h.pointee.nextFree = nil
    pool.pointee.count -= 1
    if capturesCount != 0 { h.pointee.captures = function.captures }
    if cellCount != 0 { h.pointee.cells = Frame.freshCells(cellCount) }
    return frame
  }

  /// Returns the frame of a call that has finished; its values are released now.
  @inline(__always)
  func releaseFrame(_ frame: consuming Frame) {
    let h = frame.head
    let s = frame.slots
    for i in 0..<slotCount {
      switch s[i] {
      case .number, .bool, .nil: break
      default: s[i] = .nil
      }
    }
    if case .nil = h.pointee.value {} else { h.pointee.value = .nil }
    if case .nil = h.pointee.returnValue {} else { h.pointee.returnValue = .nil }
    if capturesCount != 0 { h.pointee.captures = [] }
    if cellCount != 0 { h.pointee.cells = [] }
    guard pool.pointee.count < FramePool.capacity else { return }
    h.pointee.nextFree = pool.pointee.head
    pool.pointee.head = Unmanaged.passRetained(consume frame)
    pool.pointee.count += 1
  }

  /// Stores argument `i` into its parameter's slot or cell of a frame just acquired
  /// (whose slots are all nil, so the value is moved in without releasing one).
  @inline(__always)
  func bindFresh(_ i: Int, _ v: consuming Value, in frame: Frame) {
    switch parameterTargets[i] {
    case .slot(let s): (frame.slots + s).initialize(to: v)
    case .cell(let c): frame.cells[c].value = v
    }
  }

  /// Stores argument `i` into its parameter's slot or cell.
  @inline(__always)
  func bind(_ i: Int, _ v: Value, in frame: Frame) {
    switch parameterTargets[i] {
    case .slot(let s): frame.slots[s] = v
    case .cell(let c): frame.cells[c].value = v
    }
  }
}

/// Where a local variable lives in its frame.
enum LocalRef {
  case slot(Int)
  case cell(Int)
}

/// One global variable: stable storage that compiled code reads through a pointer,
/// without dictionary lookups, bounds or exclusivity checks. nil while unbound.
///
/// When the value is a user function, `callee` holds it and its code unowned, so
/// call sites read them without retaining: the box's value owns them, and a
/// function replaced while calls are running goes to the call stack's graveyard
/// (`CallStack.bury`) instead of being freed under a running call.
final class GlobalBox {
  let pointer: UnsafeMutablePointer<Value?>
  let callee: UnsafeMutablePointer<GlobalCallee>
  let calls: CallStack

  init(calls: CallStack) {
    self.calls = calls
    pointer = .allocate(capacity: 1)
    pointer.initialize(to: nil)
    callee = .allocate(capacity: 1)
    callee.initialize(to: GlobalCallee())
  }

  deinit {
    callee.deinitialize(count: 1)
    callee.deallocate()
    pointer.deinitialize(count: 1)
    pointer.deallocate()
  }

  /// Sets the value. Every write goes through here except overwriting a number with
  /// a number (which cannot change `callee`).
  @inline(__always)
  func store(_ v: Value?) {
    if callee.pointee.code != nil {
      replaceFunction(v)
      return
    }
    pointer.pointee = v
    if case .function(let fn)? = v, let code = fn.code {
      callee.pointee = GlobalCallee(fn, code)
    }
  }

  /// Moves the value out for an in-place update, leaving `.nil` (nothing when
  /// unbound); the caller holds the value, running or not, and stores it back.
  @inline(__always)
  func take() -> Value? {
    guard case .some = pointer.pointee else { return nil }
    callee.pointee = GlobalCallee()
    let v = pointer.move()
    pointer.initialize(to: .nil)
    return v
  }

  @inline(never)
  private func replaceFunction(_ v: Value?) {
    let old = pointer.move()
    pointer.initialize(to: v)
    if case .function(let fn)? = v, let code = fn.code {
      callee.pointee = GlobalCallee(fn, code)
    } else {
      callee.pointee = GlobalCallee()
    }
    if let old, calls.state.pointee.depth > 0 { calls.bury(old) }
  }
}

/// The user function a global holds, unretained (see `GlobalBox`).
struct GlobalCallee {
  var function: Unmanaged<Function>?
  var code: Unmanaged<CompiledFunction>?

  init() {}

  init(_ function: Function, _ code: CompiledFunction) {
    self.function = .passUnretained(function)
    self.code = .passUnretained(code)
  }
}

extension Unmanaged {
  /// Runs `body` on the instance without retaining it (the caller guarantees it
  /// stays alive); `_withUnsafeGuaranteedRef` with the error type kept.
  @inline(__always)
  func withGuaranteed<R>(_ body: (Instance) throws(LanguageError) -> R) throws(LanguageError) -> R {
    do {
      return try _withUnsafeGuaranteedRef(body)
    } catch {
      // `_withUnsafeGuaranteedRef` rethrows only what `body` throws.
      throw error as! LanguageError
    }
  }
}

/// Global variables of one interpreter: resolved to indexes at compile time.
final class Globals {
  let calls: CallStack
  private(set) var boxes: [GlobalBox] = []
  private(set) var names: [String] = []
  private var index: [String: Int] = [:]

  init(calls: CallStack) { self.calls = calls }

  func slot(_ name: String) -> Int {
    if let i = index[name] { return i }
    let i = boxes.count
    index[name] = i
    names.append(name)
    boxes.append(GlobalBox(calls: calls))
    return i
  }

  subscript(i: Int) -> Value? {
    get { boxes[i].pointer.pointee }
    set { boxes[i].store(newValue) }
  }

  func value(_ name: String) -> Value? { index[name].flatMap { self[$0] } }
}
