import DataIO
import Foundation
import Notebook
import Numerics

/// A sweep folder: the manifest of points and one folder per point.
///
/// ```
/// DIR/sweep.json          the manifest: notebook, parameter names, every point's values
/// DIR/manifest.csv        the same points as a table (point, parameters…), for `load`
/// DIR/NAME.rpl            the sweep's copy of the notebook; every point runs this copy
/// DIR/journal.log         one line per point start and end, appended by each run
/// DIR/points/0007/        point 7's folder, its working directory while it runs:
///     NAME.rpl            its output notebook (the copy with point 7's outputs)
///     log                 everything the run printed
///     results.csv         its declared result(...) values, one row
///     status.json         written last: exit code, seconds, host (the point is finished)
/// ```
struct SweepManifest: Equatable {
  static let format = "replica sweep v1"

  let directory: String
  /// File name of the notebook (its copy in `directory`, and each output notebook).
  let notebookName: String
  /// The absolute path of the notebook the sweep was made from.
  let source: String
  /// SHA-256 of the notebook's text when the sweep was made.
  let notebookHash: String
  let names: [String]
  /// Point `i` (1-based, as SLURM array indices are) is `points[i - 1]`.
  let points: [[SweepValue]]

  var count: Int { points.count }
  var notebookCopy: String { "\(directory)/\(notebookName)" }
  var journal: String { "\(directory)/journal.log" }
  var idWidth: Int { max(4, String(count).count) }

  func id(_ point: Int) -> String {
    let s = String(point)
    return String(repeating: "0", count: max(0, idWidth - s.count)) + s
  }

  func folder(_ point: Int) -> String { "\(directory)/points/\(id(point))" }
  func log(_ point: Int) -> String { "\(folder(point))/log" }
  func statusPath(_ point: Int) -> String { "\(folder(point))/status.json" }
  func resultsPath(_ point: Int) -> String { "\(folder(point))/results.csv" }
  func outputNotebook(_ point: Int) -> String { "\(folder(point))/\(notebookName)" }

  /// `--set name=value` arguments of a point, as `replica run` takes them.
  func setArguments(_ point: Int) -> [String] {
    zip(names, points[point - 1]).flatMap { ["--set", "\($0)=\($1.expression)"] }
  }

  /// `alpha=0.05 m0=0.7`.
  func describe(_ point: Int) -> String {
    zip(names, points[point - 1]).map { "\($0)=\($1.shown)" }.joined(separator: " ")
  }

  /// The command that replays a point's output notebook alone.
  func replayCommand(_ point: Int) -> String {
    (["replica", "check", outputNotebook(point)] + setArguments(point)).map(shellQuote).joined(
      separator: " ")
  }

  // MARK: - Reading and writing

  /// One JSON value on one line.
  static func json(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(
      withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }

  static func hash(_ text: String) -> String { SHA256.hex(Array(text.utf8)) }

  /// Creates the folder, the notebook copy and the manifest files.
  func create(notebookText: String) throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: "\(directory)/points", withIntermediateDirectories: true)
    try NotebookRunner.writeAtomically(notebookText, to: notebookCopy)
    let fields: [(String, Any)] = [
      ("format", Self.format), ("replica", version),
      ("created", ISO8601DateFormatter().string(from: Date())), ("source", source),
      ("notebook", notebookName), ("notebook_sha256", notebookHash), ("parameters", names),
    ]
    var json = "{\n"
    for (key, value) in fields {
      json += "  \(try Self.json(key)): \(try Self.json(value)),\n"
    }
    let rows = try points.map { p in "    " + (try Self.json(p.map(\.expression))) }
    json += "  \"points\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}\n"
    try NotebookRunner.writeAtomically(json, to: jsonPath)
    var columns: [(name: String, column: Table.Column)] = [
      ("point", .number(Vector((1...count).map(Double.init))))
    ]
    for (j, n) in names.enumerated() {
      columns.append((n, Self.column(points.map { $0[j] })))
    }
    try CSV.write(try Table(columns), to: "\(directory)/manifest.csv")
  }

  /// A column of cells: numbers when every value is a number, else text.
  static func column(_ values: [SweepValue]) -> Table.Column {
    var numbers: [Double] = []
    for v in values {
      guard case .number(let x) = v.cell else {
        return .text(values.map(\.shown))
      }
      numbers.append(x)
    }
    return .number(Vector(numbers))
  }

  var jsonPath: String { "\(directory)/sweep.json" }

  /// Reads the manifest of the sweep in `directory`.
  static func load(_ directory: String) throws -> SweepManifest {
    let path = "\(directory)/sweep.json"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SweepError.notASweep(directory)
    }
    guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      obj["format"] as? String == format,
      let notebook = obj["notebook"] as? String, let source = obj["source"] as? String,
      let hash = obj["notebook_sha256"] as? String, let names = obj["parameters"] as? [String],
      let rows = obj["points"] as? [[String]], rows.allSatisfy({ $0.count == names.count })
    else {
      throw SweepError.badManifest(path, "expected a \"\(format)\" manifest")
    }
    return SweepManifest(
      directory: directory, notebookName: notebook, source: source, notebookHash: hash,
      names: names, points: rows.map { $0.map(SweepValue.fromExpression) })
  }

  // MARK: - Point status

  /// What is known of a point from its folder.
  enum State: Equatable {
    case missing
    case finished(exit: Int32, seconds: Double)

    var succeeded: Bool {
      if case .finished(let code, _) = self { return code == 0 }
      return false
    }
  }

  func state(_ point: Int) -> State {
    guard let data = FileManager.default.contents(atPath: statusPath(point)),
      let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let code = obj["exit"] as? Int
    else { return .missing }
    return .finished(exit: Int32(code), seconds: obj["seconds"] as? Double ?? 0)
  }

  /// Writes a point's status (the mark that it finished), atomically.
  func writeStatus(_ point: Int, exit: Int32, seconds: Double) throws {
    let json: [String: Any] = [
      "point": point, "exit": Int(exit), "seconds": (seconds * 1000).rounded() / 1000,
      "host": ProcessInfo.processInfo.hostName,
      "finished": ISO8601DateFormatter().string(from: Date()),
    ]
    let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    try NotebookRunner.writeAtomically(
      String(decoding: data, as: UTF8.self) + "\n", to: statusPath(point))
  }

  /// Appends one line to the journal (a single `write` with `O_APPEND`, so lines from
  /// concurrent points do not interleave).
  func appendJournal(_ line: String) {
    let fd = open(journal, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard fd >= 0 else { return }
    defer { close(fd) }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  }

  /// The last `n` lines of a point's log.
  func logTail(_ point: Int, lines n: Int = 12) -> [String] {
    guard let data = FileManager.default.contents(atPath: log(point)) else { return [] }
    var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return Array(lines.suffix(n))
  }
}

extension SweepValue {
  /// A value back from its `--set` text (as stored in the manifest).
  static func fromExpression(_ e: String) -> SweepValue {
    if e.count >= 2, e.hasPrefix("\""), e.hasSuffix("\"") {
      var text = ""
      var escaped = false
      for ch in e.dropFirst().dropLast() {
        if escaped {
          text.append(ch == "n" ? "\n" : ch == "t" ? "\t" : ch)
          escaped = false
        } else if ch == "\\" {
          escaped = true
        } else {
          text.append(ch)
        }
      }
      return .text(text)
    }
    if let x = Double(e) { return .number(x) }
    return .text(e)
  }
}

/// Errors of `replica sweep` that are not usage errors.
enum SweepError: Error, CustomStringConvertible {
  case notASweep(String)
  case badManifest(String, String)
  case badResults(String, String)
  case cannotStart(String, String)
  case differentSweep(String, String)

  var description: String {
    switch self {
    case .notASweep(let d):
      return "\(d) is not a sweep folder: expected \(d)/sweep.json, found none"
    case .badManifest(let p, let m): return "\(p) is not a readable sweep manifest: \(m)"
    case .badResults(let p, let m): return "\(p) is not a point's results table: \(m)"
    case .cannotStart(let p, let reason): return "cannot start \(p): \(reason)"
    case .differentSweep(let d, let why):
      return
        "\(d) holds a different sweep (\(why)); to keep its results choose another --out, or delete it to start over"
    }
  }
}

/// Quotes a word for a POSIX shell when it needs it.
func shellQuote(_ s: String) -> String {
  let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
  if !s.isEmpty, s.allSatisfy({ safe.contains($0) }) { return s }
  return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
