import Foundation
import Language
import Notebook
import Testing

/// Runs every `.rpl` script under Scripts/ with the notebook checker: each `#>` line
/// under a statement is its expected output, `#> error: <kind>` an expected error.
@Suite struct ScriptTests {
  static let scriptsDirectory: URL = {
    Bundle.module.resourceURL!.appendingPathComponent("Scripts")
  }()

  static var scripts: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: scriptsDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".rpl") }.sorted()
  }

  @Test(arguments: scripts)
  func script(_ name: String) throws {
    let path = Self.scriptsDirectory.appendingPathComponent(name).path
    let doc = try NotebookDocument.load(path)
    let outcome = NotebookRunner().run(doc, check: true)
    for d in outcome.divergences { Issue.record("\(name): \(d)") }
    if let e = outcome.errorText { Issue.record("\(name): unexpected error\n\(e)") }
    #expect(outcome.statementsRun > 0)
  }

  @Test func scriptsExist() {
    #expect(Self.scripts.count >= 5)
  }
}
