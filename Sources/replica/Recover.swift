import Foundation
import Language
import Notebook

/// `replica recover`: lists the REPL's journals, newest first; `replica recover N
/// [-o FILE]` writes journal N as a notebook (to FILE atomically, or to stdout).
enum Recover {
  static func command(_ args: ArraySlice<String>) -> Int32 {
    var number: Int?
    var output: String?
    var it = args.makeIterator()
    while let a = it.next() {
      if a == "-o" || a == "--output" {
        guard let f = it.next() else { return usageError("-o needs a FILE") }
        output = f
      } else if let n = Int(a), n >= 1, number == nil {
        number = n
      } else {
        return usageError("unexpected argument '\(a)'")
      }
    }
    let journals = JournalRecord.all()
    guard let number else {
      if output != nil { return usageError("-o needs a journal number: replica recover N -o FILE") }
      list(journals)
      return ExitCode.ok
    }
    guard number <= journals.count else {
      return usageError(
        "no journal \(number): there \(journals.count == 1 ? "is" : "are") \(journals.count)"
          + " (replica recover lists them)")
    }
    let record: JournalRecord
    do { record = try JournalRecord(path: journals[number - 1]) } catch {
      printErr("error: cannot read \(journals[number - 1]): \(error.localizedDescription)")
      return ExitCode.io
    }
    let text = SessionNotebook.text(
      seed: record.seed ?? HostConfiguration().seed, created: record.created,
      statements: record.current)
    guard let output else {
      FileHandle.standardOutput.write(Data(text.utf8))
      return ExitCode.ok
    }
    do {
      try NotebookRunner.writeAtomically(text, to: output)
    } catch {
      printErr("error: cannot write \(output): \(error)")
      return ExitCode.io
    }
    let kept = record.current.filter(\.succeeded).count
    print(
      "wrote \(output) (\(kept) statement\(kept == 1 ? "" : "s")); replica check \(output) replays it"
    )
    return ExitCode.ok
  }

  private static func list(_ journals: [String]) {
    guard !journals.isEmpty else {
      print("no journals in \(DataDirectory.journals)")
      return
    }
    print("  #  started (UTC)         statements  last input")
    for (i, path) in journals.enumerated() {
      guard let r = try? JournalRecord(path: path) else { continue }
      let started = r.created.replacingOccurrences(of: "T", with: " ")
        .replacingOccurrences(of: "Z", with: "")
      let last = r.statements.last.map { firstLine($0.text) } ?? ""
      let n = String(r.statements.count)
      print(
        "\(pad(String(i + 1), 3, left: true))  \(pad(started, 20))  \(pad(n, 10, left: true))  \(last)"
      )
    }
    print("replica recover N -o FILE writes journal N as a notebook")
  }

  private static func firstLine(_ text: String) -> String {
    let line = text.split(separator: "\n").first.map(String.init) ?? ""
    return line.count > 50 ? line.prefix(49) + "…" : line
  }

  private static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
  }

  private static func usageError(_ message: String) -> Int32 {
    printErr("usage error: replica recover: \(message)")
    return ExitCode.usage
  }
}
