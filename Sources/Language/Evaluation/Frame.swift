/// The activation record of one call (or of one top-level statement).
final class Frame {
  var slots: ContiguousArray<Value>
  var cells: ContiguousArray<Cell>
  let captures: [Cell]
  /// The value of the last expression statement of the block being run: the value
  /// of a function body or of an `if` used as an expression.
  var value: Value = .nil
  var returnValue: Value = .nil

  init(slotCount: Int, cellCount: Int, captures: [Cell]) {
    slots = ContiguousArray(repeating: .nil, count: slotCount)
    if cellCount == 0 {
      cells = []
    } else {
      cells = ContiguousArray((0..<cellCount).map { _ in Cell() })
    }
    self.captures = captures
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
  var parameterDefaults: [Eval?] = []
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
