import Foundation
import Language
import Notebook

/// The REPL's `:` commands.
enum MetaCommands {
  /// (name, argument, summary), in the order `:help` lists them.
  static let table: [(String, String, String)] = [
    ("help", "[name]", "the overview, or the help of a function or module (dotted names work)"),
    ("vars", "", "variables of the session: name, type, shape, memory"),
    ("time", "STATEMENT", "run a statement and print the wall time it took"),
    ("history", "[N]", "the last N input lines (default 20)"),
    ("load", "FILE", "run a script into the session"),
    ("save", "FILE", "save the statements that succeeded as a notebook, then replay it"),
    ("reset", "", "start again with a fresh interpreter"),
    ("cd", "[DIR]", "change the working directory (default: home)"),
    ("quit", "", "leave (as does Ctrl-D)"),
  ]
  static let names = table.map(\.0)

  static var listing: String {
    let width = table.map { $0.0.count + $0.1.count + 1 }.max() ?? 0
    return table.map { name, arg, summary in
      let head = ":\(name) \(arg)"
      return "  " + head.padding(toLength: width + 1, withPad: " ", startingAt: 0) + "  " + summary
    }.joined(separator: "\n")
  }
}

extension REPL {
  enum MetaOutcome { case proceed, quit }

  /// Runs a `:command argument` line.
  func runMetaCommand(_ line: String) -> MetaOutcome {
    let trimmed = line.trimmingCharacters(in: .whitespaces).dropFirst()
    let name = String(trimmed.prefix(while: { !$0.isWhitespace }))
    let argument = trimmed.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    switch name {
    case "help": help(argument)
    case "vars": vars()
    case "time": time(argument)
    case "history": history(argument)
    case "load": load(argument)
    case "save": save(argument)
    case "reset":
      reset()
      print("session reset: every variable is gone")
    case "cd": changeDirectory(argument)
    case "quit", "q": return .quit
    default:
      var message = "unknown meta-command ':\(name)'"
      let prefixed = MetaCommands.names.filter { !name.isEmpty && $0.hasPrefix(name) }
      if let s = Suggestions.closest(to: name, among: MetaCommands.names)
        ?? (prefixed.count == 1 ? prefixed.first : nil)
      {
        message += "; did you mean ':\(s)'?"
      }
      printErr(message + " (:help lists them)")
    }
    return .proceed
  }

  private func help(_ name: String) {
    guard !name.isEmpty else {
      print(Help.overview(interpreter) + "\n\nMeta-commands:\n" + MetaCommands.listing)
      return
    }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    var value = interpreter.global(parts[0])
    var candidates = interpreter.globalNames
    var known = parts[0]
    for part in parts.dropFirst() where value != nil {
      switch value {
      case .module(let m)?:
        candidates = m.memberNames.map { "\(known).\($0)" }
        value = m.member(part)
      case .record(let r)?:
        candidates = r.keys.map { "\(known).\($0)" }
        value = r[part]
      default: value = nil
      }
      known += "." + part
    }
    guard let value else {
      var message = "no function, module or variable named '\(name)'"
      if let s = Suggestions.closest(to: name, among: candidates) {
        message += "; did you mean '\(s)'?"
      }
      printErr(message)
      return
    }
    print(Help.text(for: value))
  }

  private func vars() {
    let names = interpreter.userGlobalNames
    guard !names.isEmpty else {
      print("no variables")
      return
    }
    var rows = [["name", "type", "shape", "memory"]]
    for n in names {
      guard let v = interpreter.global(n) else { continue }
      rows.append([n, v.typeName, Self.shape(of: v), Self.bytes(Self.memory(of: v))])
    }
    let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
    for r in rows {
      let cells = (0..<4).map { c in
        c == 3
          ? String(repeating: " ", count: widths[c] - r[c].count) + r[c]
          : r[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
      }
      print(cells.joined(separator: "  "))
    }
  }

  static func shape(of v: Value) -> String {
    switch v {
    case .vector(let x): return "\(x.count)"
    case .matrix(let m): return "\(m.rows)×\(m.cols)"
    case .list(let l): return "\(l.count)"
    case .record(let r): return "\(r.count) fields"
    case .string(let s): return "\(s.count) chars"
    default: return ""
    }
  }

  /// Bytes held by a value's payload: 8 per number, UTF-8 bytes of strings, summed over
  /// lists and records; functions, modules and host objects count 0 (shared, not data).
  static func memory(of v: Value) -> Int {
    switch v {
    case .number, .bool: return 8
    case .string(let s): return s.utf8.count
    case .vector(let x): return 8 * x.count
    case .matrix(let m): return 8 * m.rows * m.cols
    case .list(let l): return l.reduce(0) { $0 + memory(of: $1) }
    case .record(let r): return r.values.reduce(0) { $0 + memory(of: $1) }
    default: return 0
    }
  }

  static func bytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var x = Double(n) / 1024
    var u = 0
    while x >= 1024, u < units.count - 1 {
      x /= 1024
      u += 1
    }
    return String(format: "%.1f %@", x, units[u])
  }

  private func time(_ code: String) {
    guard !code.isEmpty else {
      printErr("usage: :time STATEMENT")
      return
    }
    let start = DispatchTime.now().uptimeNanoseconds
    guard run(code, name: ":time") != nil else { return }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    print("time: \(Self.duration(seconds))")
  }

  static func duration(_ s: Double) -> String {
    if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
    if s < 1 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.3f s", s)
  }

  private func history(_ argument: String) {
    let count: Int
    if argument.isEmpty {
      count = 20
    } else if let n = Int(argument), n > 0 {
      count = n
    } else {
      printErr("usage: :history [N] with N a positive whole number, found '\(argument)'")
      return
    }
    for (n, line) in reader?.recentHistory(count) ?? [] {
      print("\(String(repeating: " ", count: max(0, 5 - String(n).count)))\(n)  \(line)")
    }
  }

  private func load(_ file: String) {
    guard !file.isEmpty else {
      printErr("usage: :load FILE")
      return
    }
    let path = NSString(string: file).expandingTildeInPath
    let document: NotebookDocument
    do { document = try NotebookDocument.load(path) } catch {
      printErr("error: cannot read \(file): \(error.localizedDescription)")
      return
    }
    if let n = run(document.text, name: file) {
      print("loaded \(file) (\(n) statement\(n == 1 ? "" : "s"))")
    }
  }

  /// `:save FILE`: the statements that succeeded since the last reset, in the order they
  /// ran, with their outputs and the seed; written atomically, then replayed in a fresh
  /// interpreter and compared, as `replica check` would.
  private func save(_ file: String) {
    guard !file.isEmpty else {
      printErr("usage: :save FILE")
      return
    }
    let path = NSString(string: file).expandingTildeInPath
    let text = SessionNotebook.text(
      seed: seed, created: Timestamp.iso(created), statements: statements)
    do { try NotebookRunner.writeAtomically(text, to: path) } catch {
      printErr("error: cannot write \(file): \(error)")
      return
    }
    let kept = statements.filter(\.succeeded).count
    let saved = "saved \(file) (\(kept) statement\(kept == 1 ? "" : "s"))"
    var runner = NotebookRunner()
    runner.prepare = { Session.prepare($0) }
    runner.cancellation = Interrupt.cancellation
    let document = NotebookDocument(path: path, text: text)
    let outcome = Interrupt.whileRunning { runner.run(document, check: true) }
    if outcome.replaysCleanly {
      print("\(saved); replays cleanly")
      return
    }
    print("\(saved); the replay in a fresh interpreter differs:")
    for d in outcome.divergences { print("diverges at \(d)") }
    if let e = outcome.errorText { print("stopped by an error:\n\(e)") }
  }

  private func changeDirectory(_ dir: String) {
    let target = dir.isEmpty ? NSHomeDirectory() : NSString(string: dir).expandingTildeInPath
    guard FileManager.default.changeCurrentDirectoryPath(target) else {
      printErr("error: cannot change to \(dir): no such directory or no permission")
      return
    }
    print(FileManager.default.currentDirectoryPath)
  }
}
