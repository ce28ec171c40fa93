import Foundation

@testable import DataIO

/// A fresh temporary directory per test, removed when the value is released.
final class TemporaryDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("dataio-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `bytes` to `name` inside the directory and returns its path.
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = url.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  func write(_ name: String, _ text: String) throws -> String {
    try write(name, Array(text.utf8))
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Reads CSV text held in memory, labelled `label` in errors.
func readCSV(_ text: String, label: String = "t.csv", _ options: CSVOptions = CSVOptions())
  throws -> Table
{
  try CSV.read(bytes: Array(text.utf8), label: label, options: options)
}

/// The numbers of a numeric column, or nil for text.
func numbers(_ t: Table, _ name: String) throws -> [Double]? {
  if case .number(let v) = try t.column(named: name) { return v.elements }
  return nil
}

/// The strings of a text column, or nil for numbers.
func strings(_ t: Table, _ name: String) throws -> [String]? {
  if case .text(let s) = try t.column(named: name) { return s }
  return nil
}

/// The `DataError` thrown by `body`, or nil when it did not throw one.
func dataError(_ body: () throws -> Void) -> DataError? {
  do {
    try body()
    return nil
  } catch let error as DataError {
    return error
  } catch {
    return nil
  }
}

/// The position of a `malformed` error.
func position(_ error: DataError?) -> (line: Int, column: Int)? {
  if case .malformed(_, let line, let column, _)? = error { return (line, column) }
  return nil
}

/// Python with numpy for the cross-checks: `$REPLICA_PYTHON`, else the package's
/// `.build/pyvenv/bin/python` (made by `scripts/setup-python.sh`).
enum NumpyPython {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let executable: String? = {
    if let p = ProcessInfo.processInfo.environment["REPLICA_PYTHON"],
      FileManager.default.isExecutableFile(atPath: p)
    {
      return p
    }
    let venv = packageRoot.appendingPathComponent(".build/pyvenv/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
  }()

  /// Whether the numpy tests run: with python, or without it under CI (where they fail).
  static var shouldRun: Bool {
    if executable != nil { return true }
    if ProcessInfo.processInfo.environment["CI"] != nil { return true }
    print(
      "DataIO numpy cross-checks skipped: no python at $REPLICA_PYTHON or .build/pyvenv "
        + "(run scripts/setup-python.sh)")
    return false
  }

  /// Runs `script` with `arguments`; returns standard output, throws on failure.
  static func run(_ script: String, _ arguments: [String] = []) throws -> String {
    guard let executable else {
      throw DataError.fileNotFound(
        path: "python with numpy (set REPLICA_PYTHON or run scripts/setup-python.sh)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["-c", script] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw DataError.io(
        path: executable,
        message: "python failed: " + String(decoding: errors, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
  }
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a tiny deterministic generator, shared by
/// the tests, which do not depend on the library's RNG.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
