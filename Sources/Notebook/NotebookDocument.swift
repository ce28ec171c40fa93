import Foundation
import Language

/// A `.rpl` notebook (notebooks.md): a plain script whose comments carry meaning.
///
///     # replica notebook v1          header: version, seed, creation time
///     # seed: 20261204
///     #' prose in Markdown
///     # %% cell title                starts a cell
///     x = 1 + 1
///     x
///     #> 2                           recorded output of the statement above
///     #> ~1e-3                       this statement's relative tolerance
///     #> ignore                      output not checked
///     #> error: name                 an expected error (language tests)
public struct NotebookDocument: Sendable {
  public enum LineKind: Sendable, Equatable {
    case header, cell(String), prose, output, code
  }

  public let path: String
  public let text: String
  public let lines: [String]
  public let kinds: [LineKind]
  /// The session seed from the header, if any.
  public let seed: UInt64?

  public init(path: String, text: String) {
    self.path = path
    var t = text
    if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
    self.text = t
    var ls = t.components(separatedBy: "\n")
    if ls.last == "" { ls.removeLast() }
    lines = ls.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    var kinds: [LineKind] = []
    var seed: UInt64?
    var inHeader = true
    for l in lines {
      let s = l.trimmingCharacters(in: .whitespaces)
      if s.hasPrefix("#>") {
        kinds.append(.output)
        inHeader = false
      } else if s.hasPrefix("#'") {
        kinds.append(.prose)
        inHeader = false
      } else if s.hasPrefix("# %%") {
        kinds.append(.cell(String(s.dropFirst(4)).trimmingCharacters(in: .whitespaces)))
        inHeader = false
      } else if inHeader && s.hasPrefix("#") {
        kinds.append(.header)
        if let r = s.range(of: "seed:") {
          let rest = s[r.upperBound...].trimmingCharacters(in: .whitespaces)
          seed = UInt64(rest.split(separator: " ").first ?? "")
        }
      } else {
        if !s.isEmpty { inHeader = false }
        kinds.append(.code)
      }
    }
    self.kinds = kinds
    self.seed = seed
  }

  public static func load(_ path: String) throws -> NotebookDocument {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let text = String(data: data, encoding: .utf8) else {
      throw NotebookError.invalidUTF8(path)
    }
    return NotebookDocument(path: path, text: text)
  }

  /// The cell (1-based number and title) that contains a 1-based line.
  public func cell(containing line: Int) -> (number: Int, title: String) {
    var number = 0
    var title = ""
    for i in 0..<min(line, lines.count) {
      if case .cell(let t) = kinds[i] {
        number += 1
        title = t
      }
    }
    return (number, title)
  }

  /// Recorded output lines (without the `#> ` prefix) directly after `lastLine`
  /// (1-based), skipping blank lines, and the line range they occupy.
  func recordedOutput(after lastLine: Int) -> (lines: [String], range: Range<Int>) {
    var i = lastLine  // 0-based index of the next line
    let start = i
    var out: [String] = []
    while i < lines.count, kinds[i] == .output {
      var l = lines[i].trimmingCharacters(in: .whitespaces).dropFirst(2)
      if l.hasPrefix(" ") { l = l.dropFirst() }
      out.append(String(l))
      i += 1
    }
    return (out, start..<i)
  }
}

public enum NotebookError: Error, CustomStringConvertible {
  case invalidUTF8(String)
  case io(String)

  public var description: String {
    switch self {
    case .invalidUTF8(let p): return "\(p): not valid UTF-8 text"
    case .io(let m): return m
    }
  }
}
