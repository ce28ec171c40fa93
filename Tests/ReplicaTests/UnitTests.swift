import Foundation
import Language
import Testing

@testable import replica

/// The REPL's pieces that need no terminal: completion contexts, the journal format,
/// the session notebook, the progress clock. (The tool version is passed explicitly:
/// `main.swift`'s globals are not initialised when the module is loaded by tests.)
@Suite("REPL parts")
struct UnitTests {
  @Test(
    "completion candidates by context",
    arguments: [
      ("linalg.so", "so", ["solve"]),
      ("linspace(0, 1, ", "", ["n="]),
      (":sa", "sa", ["save"]),
      ("zz", "zz", ["zzvalue"]),
      ("f(zz", "zz", ["zzvalue"]),
      ("r.al", "al", ["alpha"]),
    ] as [(String, String, [String])])
  func completion(before: String, word: String, expected: [String]) throws {
    let interp = Interpreter()
    try interp.run("zzvalue = 1\nr = {alpha: 1, beta: 2}\nfn f(q) { q }")
    let got = Completion(interpreter: interp).candidates(before: before, word: word)
    #expect(got == expected)
  }

  @Test("paths complete inside a string and after :load; code breaks at dots")
  func pathContexts() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    try dir.write("data.csv", "x\n1\n")
    try FileManager.default.createDirectory(
      atPath: dir.file("sub"), withIntermediateDirectories: true)
    #expect(Completion.isPathContext("load(\"\(dir.path)/da"))
    #expect(Completion.isPathContext(":load x"))
    #expect(!Completion.isPathContext("x = \"done\" + linalg."))
    #expect(Completion.paths(dir.path + "/da", directoriesOnly: false) == [dir.file("data.csv")])
    #expect(Completion.paths(dir.path + "/", directoriesOnly: true) == [dir.file("sub/")])
  }

  @Test("a journal cut short reads back; only statements after :reset and that succeeded are kept")
  func journalRoundTrip() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    guard
      case .success(let j) = Journal.create(
        seed: 7, created: Date(), directory: dir.path, tool: "0.1.0")
    else {
      Issue.record("journal not created")
      return
    }
    j.begin("gone = 1")
    j.finish(output: [], error: nil)
    j.reset()
    j.begin("fn f(a) {\n  a + 1\n}")
    j.finish(output: [], error: nil)
    j.begin("f(1)")
    j.finish(output: ["2"], error: nil)
    j.begin("nope")
    j.finish(output: [], error: LanguageError(.name, "unknown name 'nope'"))
    j.begin("while true {}")
    let r = try JournalRecord(path: j.path)
    #expect(r.seed == 7)
    #expect(r.statements.count == 5)
    #expect(r.statements.last?.status == nil)
    #expect(r.current.map(\.text) == ["fn f(a) {\n  a + 1\n}", "f(1)", "nope", "while true {}"])
    let text = SessionNotebook.text(
      seed: 7, created: r.created, statements: r.current, tool: "0.1.0")
    #expect(text.hasPrefix("# replica notebook v1\n# seed: 7\n# created: "))
    #expect(text.hasSuffix("\n\nfn f(a) {\n  a + 1\n}\nf(1)\n#> 2\n"))
  }

  @Test("statement text keeps the ';' that hides a value")
  func statementText() throws {
    let interp = Interpreter()
    let s = try interp.parse("a = 1 ;  b = 2\nc", name: "t")
    #expect(s.map(REPL.text(of:)) == ["a = 1;", "b = 2", "c"])
  }

  @Test("ETA clock and memory sizes")
  func formats() {
    #expect(ProgressBar.clock(7.2) == "0:08")
    #expect(ProgressBar.clock(3725) == "1:02:05")
    #expect(REPL.bytes(24) == "24 B")
    #expect(REPL.bytes(8 * 1000 * 1000) == "7.6 MiB")
    #expect(REPL.memory(of: .list([.number(1), .string("abc")])) == 11)
  }
}
