import Foundation
import Language
import Numerics

/// One difference between a notebook's recorded output and a fresh run.
public struct Divergence: Sendable, CustomStringConvertible {
  public let cell: Int
  public let cellTitle: String
  public let line: Int
  public let statement: String
  public let expected: [String]
  public let got: [String]

  public var description: String {
    let where_ = cell > 0 ? "cell \(cell)\(cellTitle.isEmpty ? "" : " (\(cellTitle))"), " : ""
    var s = "\(where_)line \(line): \(statement.split(separator: "\n").first ?? "")"
    s +=
      "\n  expected: "
      + (expected.isEmpty ? "(no output)" : expected.joined(separator: "\n            "))
    s += "\n  got:      " + (got.isEmpty ? "(no output)" : got.joined(separator: "\n            "))
    return s
  }
}

/// The result of running a notebook top to bottom in a fresh interpreter.
public struct NotebookOutcome: Sendable {
  public var divergences: [Divergence] = []
  /// The first error that was not expected (the run stops there).
  public var error: LanguageError?
  public var errorText: String?
  /// The notebook text with every recorded output replaced by the new one.
  public var updatedText: String = ""
  public var statementsRun = 0
  /// Parameter overrides that a `param` statement consumed.
  public var usedParameters: Set<String> = []
  public var replaysCleanly: Bool { divergences.isEmpty && error == nil }
}

/// Runs notebooks and language test scripts: the one implementation behind
/// `replica run`, `replica check`, `replica run --update` and the `.rpl` tests.
public struct NotebookRunner {
  public var seed: UInt64?
  public var parameterOverrides: [String: Value] = [:]
  public var cancellation: Cancellation = .never
  public var fileAccess: FileAccessPolicy = .unrestricted
  /// Binds modules beyond the core (the `Library` target's job) into a fresh interpreter.
  public var prepare: (Interpreter) -> Void = { _ in }
  /// Receives each statement's output as it runs (for `replica run`).
  public var echo: ((String) -> Void)?
  /// Progress of long builtins.
  public var progress: (String, Int, Int) -> Void = { _, _, _ in }

  public init() {}

  /// Executes `document`; compares recorded outputs when `check` is true.
  public func run(_ document: NotebookDocument, check: Bool) -> NotebookOutcome {
    var outcome = NotebookOutcome()
    let buffer = OutputBuffer()
    let echo = self.echo
    let config = HostConfiguration(
      output: { text in
        buffer.text += text
        echo?(text)
      },
      warning: { w in
        buffer.text += "warning: \(w)\n"
        echo?("warning: \(w)\n")
      },
      cancellation: cancellation, progress: progress, fileAccess: fileAccess,
      seed: seed ?? document.seed ?? HostConfiguration().seed,
      parameterOverrides: parameterOverrides)
    let interp = Interpreter(configuration: config)
    prepare(interp)
    let statements: [TopLevelStatement]
    do {
      statements = try interp.parse(document.text, name: document.path)
    } catch {
      outcome.error = error
      outcome.errorText = ErrorRenderer.render(error)
      outcome.updatedText = document.text
      return outcome
    }
    var newOutputs: [(lastLine: Int, lines: [String], keep: [String])] = []
    for (index, s) in statements.enumerated() {
      // Statements that end on the same line share one recorded block.
      let groupContinues =
        index + 1 < statements.count && statements[index + 1].lastLine == s.lastLine
      let recorded = document.recordedOutput(after: s.lastLine).lines
      let markers = recorded.filter { $0 == "ignore" || $0.hasPrefix("~") }
      let expectedLines = recorded.filter { $0 != "ignore" && !$0.hasPrefix("~") }
      let ignore = markers.contains("ignore")
      let tolerance =
        markers.compactMap { Double($0.dropFirst()) }.first ?? OutputComparison.defaultTolerance
      let expectedError = expectedLines.first.flatMap { l -> String? in
        l.hasPrefix("error:") ? String(l.dropFirst(6)).trimmingCharacters(in: .whitespaces) : nil
      }
      var gotError: LanguageError?
      do {
        if let v = try interp.execute(s) {
          let shown = Display.render(v) + "\n"
          buffer.text += shown
          echo?(shown)
        }
      } catch {
        gotError = error
      }
      outcome.statementsRun += 1
      if groupContinues && gotError == nil { continue }
      var got = buffer.lines
      buffer.text = ""
      if let e = gotError {
        if let want = expectedError {
          let parts = want.split(separator: " ", maxSplits: 1)
          let kindOK = parts.first.map { String($0) == e.kind.rawValue } ?? false
          let textOK = parts.count < 2 || e.message.contains(parts[1])
          if check && !(kindOK && textOK) {
            outcome.divergences.append(
              divergence(document, s, expectedLines, ["error: \(e.kind.rawValue) \(e.message)"]))
          }
          newOutputs.append((s.lastLine, got + ["error: \(e.kind.rawValue)"], markers))
          continue
        }
        outcome.error = e
        outcome.errorText = ErrorRenderer.render(e)
        newOutputs.append((s.lastLine, recorded, []))
        break
      }
      if let want = expectedError, check {
        got.append("(no error)")
        outcome.divergences.append(divergence(document, s, ["error: \(want)"], got))
        newOutputs.append((s.lastLine, recorded, []))
        continue
      }
      if check && !ignore {
        let expectedText = expectedLines.joined(separator: "\n")
        let gotText = got.joined(separator: "\n")
        if !OutputComparison.matches(expectedText, gotText, tolerance: tolerance) {
          outcome.divergences.append(divergence(document, s, expectedLines, got))
        }
      }
      newOutputs.append((s.lastLine, ignore ? recorded : got, ignore ? [] : markers))
    }
    outcome.updatedText = Self.rewrite(document, newOutputs)
    outcome.usedParameters = interp.usedOverrides
    return outcome
  }

  private func divergence(
    _ d: NotebookDocument, _ s: TopLevelStatement, _ expected: [String], _ got: [String]
  )
    -> Divergence
  {
    let c = d.cell(containing: s.firstLine)
    return Divergence(
      cell: c.number, cellTitle: c.title, line: s.firstLine, statement: s.text,
      expected: expected, got: got)
  }

  /// The document with each statement's `#>` block replaced by new output.
  static func rewrite(
    _ d: NotebookDocument, _ outputs: [(lastLine: Int, lines: [String], keep: [String])]
  ) -> String {
    var byLine: [Int: [String]] = [:]
    for o in outputs { byLine[o.lastLine] = o.keep + o.lines }
    var out: [String] = []
    var i = 0
    while i < d.lines.count {
      if d.kinds[i] == .output {
        i += 1
        continue
      }
      out.append(d.lines[i])
      if let lines = byLine[i + 1] {
        for l in lines { out.append(l.isEmpty ? "#>" : "#> " + l) }
      }
      i += 1
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// Writes `text` to `path` atomically: a temporary file in the same folder, then rename.
  public static func writeAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let tmp = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
      try Data(text.utf8).write(to: tmp)
      if rename(tmp.path, url.path) != 0 {
        throw NotebookError.io("cannot replace \(path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: tmp)
      throw error
    }
  }
}

/// Collects output text for the statement being run.
final class OutputBuffer: @unchecked Sendable {
  var text = ""
  var lines: [String] {
    var l = text.components(separatedBy: "\n")
    if l.last == "" { l.removeLast() }
    return l
  }
}
