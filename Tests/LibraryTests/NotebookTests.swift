import Foundation
import Language
import Library
import Notebook
import Testing

/// Notebooks: replay, divergence reports, --update, --set, data fingerprints, export,
/// sandbox (issue 6's test list).
@Suite(.serialized) struct NotebookTests {
  let dir: URL

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("replica-nb-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  func runner(sandbox: Bool = false, overrides: [String: Value] = [:], seed: UInt64? = nil)
    -> NotebookRunner
  {
    var r = NotebookRunner()
    r.prepare = { Library.register(into: $0) }
    r.parameterOverrides = overrides
    r.seed = seed
    if sandbox { r.fileAccess = FileAccessPolicy(writableRoot: dir.path) }
    return r
  }

  /// Runs with --update semantics and returns the recorded notebook. `DIR/` in the text
  /// stands for the test's folder (tests never change the process-wide directory).
  func record(_ text: String, name: String = "nb.rpl") throws -> NotebookDocument {
    let path = dir.appendingPathComponent(name).path
    let text = text.replacingOccurrences(of: "DIR/", with: dir.path + "/")
    let outcome = runner().run(NotebookDocument(path: path, text: text), check: false)
    if let e = outcome.errorText { Issue.record("unexpected error: \(e)") }
    try NotebookRunner.writeAtomically(outcome.updatedText, to: path)
    return try NotebookDocument.load(path)
  }

  func check(_ doc: NotebookDocument, _ r: NotebookRunner? = nil) -> NotebookOutcome {
    (r ?? runner()).run(doc, check: true)
  }

  static let source = """
    # replica notebook v1
    # seed: 42

    #' # A small notebook
    # %% numbers
    param alpha = 0.25
    x = linspace(0, 1, 3) * alpha
    x
    sum(x)

    # %% random
    z = randn(3)
    round(z, digits=6)

    # %% figure
    plot(x, x^2, label="square")
    savefig("DIR/fig.png", dpi=60)
    """

  @Test func aRecordedNotebookReplaysCleanly() throws {
    let doc = try record(Self.source)
    #expect(doc.text.contains("#> 0.375"))
    #expect(doc.text.contains("#> figure: \(dir.path)/fig.png (sha256 "))
    let outcome = check(doc)
    #expect(outcome.replaysCleanly)
    #expect(outcome.statementsRun == 8)
  }

  @Test func aTamperedOutputIsReportedWithItsCell() throws {
    let doc = try record(Self.source)
    let tampered = NotebookDocument(
      path: doc.path, text: doc.text.replacingOccurrences(of: "#> 0.375", with: "#> 0.376"))
    let outcome = check(tampered)
    #expect(outcome.divergences.count == 1)
    let d = try #require(outcome.divergences.first)
    #expect(d.cell == 1 && d.cellTitle == "numbers")
    #expect(d.expected == ["0.376"] && d.got == ["0.375"])
  }

  @Test func aChangedSeedIsReportedInTheRandomCell() throws {
    let doc = try record(Self.source)
    let other = NotebookDocument(
      path: doc.path, text: doc.text.replacingOccurrences(of: "# seed: 42", with: "# seed: 43"))
    let outcome = check(other)
    #expect(!outcome.divergences.isEmpty)
    #expect(outcome.divergences.allSatisfy { $0.cellTitle == "random" || $0.cellTitle == "figure" })
    #expect(outcome.divergences.contains { $0.cellTitle == "random" })
  }

  @Test func aChangedDataFileIsReported() throws {
    let csv = dir.appendingPathComponent("data.csv")
    try "a,b\n1,2\n3,4\n".write(to: csv, atomically: true, encoding: .utf8)
    let doc = try record("# %% data\nt = load(\"DIR/data.csv\")\nsum(t.a)\n")
    #expect(doc.text.contains("#> loaded \(dir.path)/data.csv: 12 bytes, sha256 "))
    #expect(check(doc).replaysCleanly)
    try "a,b\n1,2\n3,5\n".write(to: csv, atomically: true, encoding: .utf8)
    let outcome = check(doc)
    #expect(outcome.divergences.count == 1)
    #expect(outcome.divergences.first?.cellTitle == "data")
    #expect(
      outcome.divergences.first?.got.first?.hasPrefix("loaded \(dir.path)/data.csv: 12 bytes")
        == true)
  }

  @Test func updateThenCheckPasses() throws {
    let doc = try record(Self.source)
    let tampered = doc.text.replacingOccurrences(of: "#> 0.375", with: "#> 99")
    let updated = try record(tampered)
    #expect(updated.text.contains("#> 0.375"))
    #expect(!updated.text.contains("#> 99"))
    #expect(check(updated).replaysCleanly)
  }

  @Test func setOverridesAParam() throws {
    let doc = try record(Self.source)
    let outcome = check(doc, runner(overrides: ["alpha": .number(0.5)]))
    #expect(outcome.usedParameters == ["alpha"])
    #expect(outcome.divergences.contains { $0.got == ["0.75"] })
  }

  @Test func toleranceAndIgnoreMarkers() throws {
    let text = "x = 1 / 3\nx\n#> ~1e-3\n#> 0.3334\nrand()\n#> ignore\n#> 0.123\n"
    let outcome = check(
      NotebookDocument(path: dir.appendingPathComponent("t.rpl").path, text: text))
    #expect(outcome.replaysCleanly)
  }

  @Test func sandboxRefusesWritesOutsideTheNotebookFolder() throws {
    let text = "plot([1, 2], [1, 2])\nsavefig(\"/tmp/replica-notebook-escape.png\")\n"
    let outcome = check(
      NotebookDocument(path: dir.appendingPathComponent("s.rpl").path, text: text),
      runner(sandbox: true))
    #expect(outcome.error?.kind == .io)
    #expect(outcome.error?.message.contains("sandbox") == true)
    #expect(!FileManager.default.fileExists(atPath: "/tmp/replica-notebook-escape.png"))
  }

  @Test func htmlExportEmbedsFiguresAndMarkdownLinksResolve() throws {
    let doc = try record(Self.source)
    let html = dir.appendingPathComponent("report.html").path
    try NotebookExporter.export(doc, format: .html, to: html)
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("<img src=\"data:image/png;base64,"))
    #expect(page.contains("<h1>A small notebook</h1>"))
    #expect(page.contains("<span class=\"kw\">param</span>"))
    #expect(!page.contains("src=\"fig.png\""))
    let md = dir.appendingPathComponent("report.md").path
    try NotebookExporter.export(doc, format: .md, to: md)
    let text = try String(contentsOfFile: md, encoding: .utf8)
    let link = try #require(text.range(of: "](report_files/fig.png)"))
    #expect(link.lowerBound > text.startIndex)
    #expect(
      FileManager.default.fileExists(
        atPath: dir.appendingPathComponent("report_files/fig.png").path))
  }
}
