import Foundation
import Testing

/// The REPL end to end in a real terminal (tmux): editing, history, completion,
/// continuation, Ctrl-C, Ctrl-D, `:save`, the journal and `replica recover`.
@Suite("REPL in a terminal", .serialized)
struct TerminalTests {
  @Test("line editing (Ctrl-A) and reverse search (Ctrl-R)")
  func editing() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    try t.type("2 + 3")
    try t.press("C-a")
    try t.type("1")
    try t.press("Enter")
    try t.waitFor("\n15\n>")
    try t.press("C-r")
    try t.type("12")
    try t.waitFor("12 + 3", count: 2)
    try t.press("Enter")
    try t.waitFor("\n15\n", count: 2)
  }

  @Test("history is written at Ctrl-D and recalled with Up in a new process")
  func historyAcrossSessions() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let first = try Terminal(data: dir.path, cwd: dir.path)
    try first.enter("zz = 42")
    try first.waitForPrompt()
    try first.press("C-d")
    // Under heavy parallel load (the scheduler tests) tmux occasionally delivers the first
    // Ctrl-D before readline reads it and it is lost (seen 1 run in 3 with the sweep
    // tests, never alone); a person presses it again, and so does the test. The REPL must
    // then exit with status 0 and have written its history.
    let status: Int32
    if let s = try? first.exitStatus(timeout: 5) {
      status = s
    } else {
      try first.press("C-d")
      status = try first.exitStatus()
    }
    #expect(status == 0)
    #expect(try dir.read("replica/history").contains("zz = 42"))

    let second = try Terminal(data: dir.path, cwd: dir.path)
    try second.press("Up")
    try second.waitFor("recalled line") { $0.hasSuffix("> zz = 42") }
    try second.press("Enter")
    try second.waitForPrompt()
    try second.enter("zz + 1")
    try second.waitFor("\n43\n")
  }

  @Test("completion of a module member, a builtin's and a user function's keyword")
  func completion() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    try t.type("linalg.so")
    try t.press("Tab")
    try t.waitFor("member") { $0.hasSuffix("> linalg.solve") }
    try t.press("C-u")
    try t.type("linspace(0, 1, n")
    try t.press("Tab")
    try t.waitFor("keyword") { $0.hasSuffix("> linspace(0, 1, n=") }
    try t.type("3)")
    try t.press("Enter")
    try t.waitFor("0.5    1")
    try t.enter("fn g(alpha, beta=2) { alpha + beta }")
    try t.waitForPrompt()
    try t.type("g(al")
    try t.press("Tab")
    try t.waitFor("user keyword") { $0.hasSuffix("> g(alpha=") }
    try t.type("1)")
    try t.press("Enter")
    try t.waitFor("\n3\n")
  }

  @Test("incomplete input gets the continuation prompt")
  func continuation() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    try t.enter("fn f(a) {")
    try t.waitFor("continuation prompt") { $0.hasSuffix("\n>>") }
    try t.enter("a * 2")
    try t.enter("}")
    try t.waitForPrompt()
    try t.enter("f(21)")
    try t.waitFor("\n42\n")
  }

  @Test("Ctrl-C cancels a running loop and keeps variables; at the prompt it clears the line")
  func interrupt() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    try t.enter("x = 7")
    try t.waitForPrompt()
    try t.enter("while true {}")
    try t.waitFor("running loop") { $0.hasSuffix("> while true {}") }
    // Let readline hand the line over first: a Ctrl-C makes the terminal discard the
    // input not yet read, the Enter included.
    usleep(300_000)
    try t.press("C-c")
    try t.waitFor("interrupted")
    try t.waitForPrompt()
    try t.enter("x + 1")
    try t.waitFor("\n8\n")
    try t.type("abc")
    try t.waitFor("typed text") { $0.hasSuffix("> abc") }
    try t.press("C-c")
    try t.waitForPrompt()
    try t.enter("1 + 1")
    let s = try t.waitFor("\n2\n")
    #expect(!s.contains("abc1"))
    #expect(!s.contains("unknown name 'abc'"))
  }

  @Test(":save writes the statements that succeeded with outputs, and replays them")
  func saveRoundTrip() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    for line in ["v = linspace(0, 1, 3)", "v * 2", "nope", "s = sum(v); s", "r = randn(2)"] {
      try t.enter(line)
      try t.waitForPrompt()
    }
    try t.enter(":save nb.rpl")
    try t.waitFor("saved nb.rpl (5 statements); replays cleanly")
    let text = try dir.read("nb.rpl")
    #expect(text.hasPrefix("# replica notebook v1\n# seed: "))
    #expect(text.contains("v * 2\n#> vector(3)\n#> 0  1  2\n"))
    #expect(text.contains("s = sum(v);\ns\n#> 1.5\n"))
    #expect(!text.contains("nope"))
    let check = try Replica.run(["check", dir.file("nb.rpl")], data: dir.path)
    #expect(check.status == 0)
    #expect(check.stdout.contains("replays cleanly"))
  }

  @Test("kill -9 loses no finished statement: replica recover lists and restores the journal")
  func journalSurvivesKill() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let t = try Terminal(data: dir.path, cwd: dir.path)
    try t.enter("a = 2")
    try t.waitForPrompt()
    try t.enter("a * 21")
    try t.waitFor("\n42\n")
    try t.enter("missing + 1")
    try t.waitFor("unknown name")
    try t.enter("while true {}")
    try t.waitFor("running loop") { $0.hasSuffix("> while true {}") }
    usleep(100_000)
    kill(try t.pid(), SIGKILL)
    #expect(try t.exitStatus() != 0)

    let list = try Replica.run(["recover"], data: dir.path)
    #expect(list.status == 0)
    let row = list.stdout.split(separator: "\n").first { $0.hasPrefix("  1  ") } ?? ""
    #expect(row.contains("4"))
    #expect(row.hasSuffix("while true {}"))

    let out = dir.file("recovered.rpl")
    let recovered = try Replica.run(["recover", "1", "-o", out], data: dir.path)
    #expect(recovered.status == 0)
    let text = try dir.read("recovered.rpl")
    #expect(text.contains("a = 2\na * 21\n#> 42\n"))
    #expect(!text.contains("missing"))
    #expect(!text.contains("while"))
    let check = try Replica.run(["check", out], data: dir.path)
    #expect(check.status == 0)
  }
}
