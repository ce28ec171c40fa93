import Foundation
import Language

/// Where replica keeps per-user data: `$XDG_DATA_HOME/replica`, by default
/// `~/.local/share/replica` (XDG Base Directory Specification).
enum DataDirectory {
  static var path: String {
    if let xdg = getenv("XDG_DATA_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
      return xdg + "/replica"
    }
    let home = getenv("HOME").map { String(cString: $0) } ?? NSHomeDirectory()
    return home + "/.local/share/replica"
  }
  static var history: String { path + "/history" }
  static var journals: String { path + "/journals" }
}

/// One statement the REPL ran: its text, the output it produced (lines, as a notebook
/// records them), and whether it succeeded.
struct SessionStatement: Equatable {
  var text: String
  var output: [String]
  /// nil while running (a journal cut short); then "ok" or the error kind.
  var status: String?

  var succeeded: Bool { status == "ok" }
}

/// The session journal: every statement the REPL runs, appended as it runs and flushed to
/// disk, so a crash or `kill -9` loses nothing that had finished (notebooks.md).
///
/// A plain text file, one record per line, each tagged by its first two characters:
///
///     # replica journal v1                 header lines
///     # seed: 20261204
///     # created: 2026-12-04T10:00:00Z   replica 0.1.0
///     I x = 1 + 1                          input, one record per source line (written first)
///     O 2                                  output lines
///     E name error: unknown name 'y'       rendered error lines
///     S ok                                 status: ok, or the error kind; then fsync
///     R                                    `:reset`: what came before no longer counts
///
/// A statement whose `S` record is missing was running when the session ended.
final class Journal {
  let path: String
  private let fd: Int32

  private init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
  }

  /// Creates a new journal file for a session, or says why it could not.
  static func create(
    seed: UInt64, created: Date, directory: String = DataDirectory.journals,
    tool: String = version
  ) -> Result<Journal, JournalError> {
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      return .failure(.io("cannot create \(directory): \(error.localizedDescription)"))
    }
    let stamp = Timestamp.compact(created)
    let path = "\(directory)/\(stamp)-\(getpid()).journal"
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      return .failure(.io("cannot create \(path): \(String(cString: strerror(errno)))"))
    }
    let j = Journal(path: path, fd: fd)
    j.append([
      "# replica journal v1", "# seed: \(seed)",
      "# created: \(Timestamp.iso(created))   replica \(tool)",
      "# cwd: \(FileManager.default.currentDirectoryPath)",
    ])
    j.sync()
    return .success(j)
  }

  /// Deletes all but the newest `count` journals.
  static func prune(keeping count: Int, directory: String = DataDirectory.journals) {
    for path in JournalRecord.all(in: directory).dropFirst(count) { unlink(path) }
  }

  /// Records a statement's input before it runs.
  func begin(_ text: String) {
    append(text.split(separator: "\n", omittingEmptySubsequences: false).map { "I " + $0 })
  }

  /// Records a statement's output and outcome, then flushes the file to disk.
  func finish(output: [String], error: LanguageError?) {
    var records = output.map { "O " + $0 }
    if let error {
      records += ErrorRenderer.render(error).split(
        separator: "\n", omittingEmptySubsequences: false
      ).map { "E " + $0 }
      records.append("S " + error.kind.rawValue)
    } else {
      records.append("S ok")
    }
    append(records)
    sync()
  }

  /// Records `:reset`.
  func reset() {
    append(["R"])
    sync()
  }

  /// Closes the file; removes it if no statement was recorded.
  func close(statementsRecorded: Int) {
    Glibc.close(fd)
    if statementsRecorded == 0 { unlink(path) }
  }

  private func append(_ records: [String]) {
    let text = records.map { $0 + "\n" }.joined()
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return
      }
      bytes = bytes.dropFirst(n)
    }
  }

  private func sync() { fsync(fd) }
}

enum JournalError: Error, CustomStringConvertible {
  case io(String)
  var description: String {
    switch self {
    case .io(let m): return m
    }
  }
}

/// A journal read back from disk.
struct JournalRecord {
  let path: String
  var seed: UInt64?
  var created: String = ""
  /// Every statement in the order it ran, including those before a `:reset`.
  var statements: [SessionStatement] = []
  /// Index in `statements` of the first statement after the last `:reset`.
  var currentStart = 0

  /// The statements that define the session's final state: after the last reset.
  var current: ArraySlice<SessionStatement> { statements[currentStart...] }

  init(path: String) throws {
    self.path = path
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var open: SessionStatement?
    func close() {
      if let o = open { statements.append(o) }
      open = nil
    }
    for line in String(decoding: data, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      let tag = line.prefix(2)
      let body = String(line.dropFirst(2))
      switch tag {
      case "# ":
        if body.hasPrefix("seed: ") { seed = UInt64(body.dropFirst(6)) }
        if body.hasPrefix("created: ") {
          created = String(body.dropFirst(9).prefix(while: { $0 != " " }))
        }
      case "I ":
        if open == nil {
          open = SessionStatement(text: body, output: [], status: nil)
        } else {
          open?.text += "\n" + body
        }
      case "O ":
        open?.output.append(body)
      case "S ":
        open?.status = body
        close()
      default:
        if line == "R" {
          close()
          currentStart = statements.count
        }
      }
    }
    close()
  }

  /// Journals in `directory`, newest first.
  static func all(in directory: String = DataDirectory.journals) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".journal") }.sorted(by: >).map { "\(directory)/\($0)" }
  }
}

/// The notebook text of a session (notebooks.md): the header with the seed, then each
/// statement that succeeded, in the order it ran, followed by its `#>` output.
///
/// Saving in run order replays the session: each value in the file is produced by the
/// last statements that actually assigned it before it is used, exactly as in the session;
/// a statement run twice appears twice, and the later run is the one later code sees.
enum SessionNotebook {
  static func text(
    seed: UInt64, created: String, statements: some Sequence<SessionStatement>,
    tool: String = version
  ) -> String {
    var lines = [
      "# replica notebook v1", "# seed: \(seed)", "# created: \(created)   replica \(tool)",
      "",
    ]
    for s in statements where s.succeeded {
      lines.append(s.text)
      for o in s.output { lines.append(o.isEmpty ? "#>" : "#> " + o) }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Times as the journal and notebooks write them (UTC).
enum Timestamp {
  static func iso(_ date: Date) -> String { format(date, "yyyy-MM-dd'T'HH:mm:ss'Z'") }
  static func compact(_ date: Date) -> String { format(date, "yyyyMMdd-HHmmss") }

  private static func format(_ date: Date, _ pattern: String) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = pattern
    return f.string(from: date)
  }
}
