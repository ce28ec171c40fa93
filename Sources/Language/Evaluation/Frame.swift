struct FrameHeader {
  let slotCount: Int
  var cells: ContiguousArray<Cell>
  let captures: [Cell]
  var value: Value = .nil
  var returnValue: Value = .nil
}

/// The activation record of one call (or of one top-level statement): one
/// allocation holding the header and the local slots inline, reached through raw
/// pointers so slot access has no bounds, uniqueness or exclusivity checks.
final class Frame: ManagedBuffer<FrameHeader, Value> {
  static func make(slotCount: Int, cellCount: Int, captures: [Cell]) -> Frame {
    let cells: ContiguousArray<Cell> =
      cellCount == 0 ? [] : ContiguousArray((0..<cellCount).map { _ in Cell() })
    let buffer = Frame.create(minimumCapacity: slotCount) { _ in
      FrameHeader(slotCount: slotCount, cells: cells, captures: captures)
    }
    let frame = unsafeDowncast(buffer, to: Frame.self)
    frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: slotCount) }
    return frame
  }

  deinit {
    withUnsafeMutablePointers { h, e in _ = e.deinitialize(count: h.pointee.slotCount) }
  }

  /// The local slots (valid while the frame lives).
  @inline(__always) var slots: UnsafeMutablePointer<Value> {
    withUnsafeMutablePointerToElements { $0 }
  }

  @inline(__always) private var head: UnsafeMutablePointer<FrameHeader> {
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

/// How a statement finished.
enum Flow {
  case normal, breakLoop, continueLoop, returned
}

typealias Eval = (Frame) throws(LanguageError) -> Value
typealias Exec = (Frame) throws(LanguageError) -> Flow

/// A function body after compilation: parameters bound to slots or cells.
final class CompiledFunction {
  let name: String
  let parameterNames: [String]
  var parameterDefaults: [EvalRef?] = []
  var parameterTargets: [LocalRef] = []
  var slotCount = 0
  var cellCount = 0
  var body: Exec = { _ throws(LanguageError) in .normal }
  let span: SourceSpan

  init(name: String, parameterNames: [String], span: SourceSpan) {
    self.name = name
    self.parameterNames = parameterNames
    self.span = span
  }
}

/// Where a local variable lives in its frame.
enum LocalRef {
  case slot(Int)
  case cell(Int)
}

/// Global variables of one interpreter: resolved to indexes at compile time.
final class Globals {
  var values: ContiguousArray<Value?> = []
  var names: [String] = []
  var index: [String: Int] = [:]

  func slot(_ name: String) -> Int {
    if let i = index[name] { return i }
    let i = values.count
    index[name] = i
    names.append(name)
    values.append(nil)
    return i
  }

  func value(_ name: String) -> Value? { index[name].flatMap { values[$0] } }
}
