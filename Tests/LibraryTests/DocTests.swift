import Foundation
import Language
import Library
import Notebook
import Testing

/// Runs the ```rpl blocks of the documentation (docs/*.md and README.md) with the
/// notebook checker, so the examples in the docs cannot drift from the language.
/// The blocks of one file share one session, top to bottom.
@Suite struct DocTests {
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static var documents: [String] {
    let docs =
      (try? FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("docs").path)) ?? []
    return docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" } + ["README.md"]
  }

  /// The code of every ```rpl block, in order, with blank lines keeping line numbers.
  static func blocks(of markdown: String) -> String {
    var out: [String] = []
    var inside = false
    for line in markdown.components(separatedBy: "\n") {
      if line.hasPrefix("```") {
        inside = !inside && line.trimmingCharacters(in: .whitespaces) == "```rpl"
        out.append("")
        continue
      }
      out.append(inside ? line : "")
    }
    return out.joined(separator: "\n")
  }

  @Test(arguments: documents)
  func examplesRun(_ path: String) throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    let code = Self.blocks(of: text)
    let doc = NotebookDocument(path: path, text: code)
    var runner = NotebookRunner()
    runner.prepare = { Library.register(into: $0) }
    let outcome = runner.run(doc, check: true)
    for d in outcome.divergences { Issue.record("\(path): \(d)") }
    if let e = outcome.errorText { Issue.record("\(path): unexpected error\n\(e)") }
  }

  @Test func everyDocumentHasExamples() throws {
    for path in Self.documents where path.hasPrefix("docs/") {
      let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
      #expect(text.contains("```rpl"), "\(path) has no runnable example")
    }
  }
}
