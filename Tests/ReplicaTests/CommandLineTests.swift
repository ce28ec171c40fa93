import Foundation
import Testing

/// Every CLI form and exit code (0 ok, 1 divergence, 2 usage, 65 syntax, 70 runtime,
/// 74 I/O), piped stdin, and `replica recover` without journals.
@Suite("replica command line")
struct CommandLineTests {
  @Test("--version, --help and -e")
  func basics() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let v = try Replica.run(["--version"], data: dir.path)
    #expect(v.status == 0 && v.stdout == "replica 0.1.0\n")
    let h = try Replica.run(["--help"], data: dir.path)
    #expect(h.status == 0)
    for form in [
      "replica FILE", "replica run FILE", "replica check FILE", "replica -e CODE",
      "replica recover", "replica --version", "replica --help",
    ] {
      #expect(h.stdout.contains(form), "help lists \(form)")
    }
    let e = try Replica.run(["-e", "x = 20; x + 22"], data: dir.path)
    #expect(e.status == 0 && e.stdout == "42\n")
  }

  @Test(
    "exit codes",
    arguments: [
      (["-e"], 2), (["--bogus"], 2), (["run"], 2), (["-e", "1 +* 2"], 65),
      (["-e", "undefined_name"], 70), (["run", "/nonexistent/x.rpl"], 74),
      (["/nonexistent/x.rpl"], 74), (["recover", "7"], 2), (["recover", "-o", "x.rpl"], 2),
    ] as [([String], Int32)])
  func exitCodes(args: [String], expected: Int32) throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    #expect(try Replica.run(args, data: dir.path, cwd: dir.path).status == expected)
  }

  @Test("run, replica FILE and check; a tampered output makes check fail")
  func scripts() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    try dir.write("ok.rpl", "a = 3\na * 2\n#> 6\n")
    try dir.write("bad.rpl", "a = 3\na * 2\n#> 7\n")
    try dir.write("syntax.rpl", "a = (1\nb = 2\n")
    let run = try Replica.run(["run", dir.file("ok.rpl")], data: dir.path)
    #expect(run.status == 0 && run.stdout == "6\n")
    #expect(try Replica.run([dir.file("ok.rpl")], data: dir.path).stdout == "6\n")
    #expect(try Replica.run(["check", dir.file("ok.rpl")], data: dir.path).status == 0)
    let bad = try Replica.run(["check", dir.file("bad.rpl")], data: dir.path)
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("line 2"))
    #expect(try Replica.run(["run", dir.file("syntax.rpl")], data: dir.path).status == 65)
  }

  @Test("piped stdin: no prompt, no echo, no history; stops at the first error")
  func pipedInput() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let ok = try Replica.run([], stdin: "x = 2\nfn f(a) {\n  a * x\n}\nf(21)\n", data: dir.path)
    #expect(ok.status == 0)
    #expect(ok.stdout == "42\n")
    #expect(ok.stderr.isEmpty)
    let failing = try Replica.run([], stdin: "1 + 1\nnope\n3 + 3\n", data: dir.path)
    #expect(failing.status == 70)
    #expect(failing.stdout == "2\n")
    #expect(failing.stderr.contains("unknown name 'nope'"))
    let syntax = try Replica.run([], stdin: "(1 + \n", data: dir.path)
    #expect(syntax.status == 65)
    #expect(!FileManager.default.fileExists(atPath: dir.file("replica/history")))
    #expect(!FileManager.default.fileExists(atPath: dir.file("replica/journals")))
  }

  @Test("recover with no journals says so")
  func recoverEmpty() throws {
    let dir = try TemporaryFolder()
    defer { dir.remove() }
    let r = try Replica.run(["recover"], data: dir.path)
    #expect(r.status == 0 && r.stdout.hasPrefix("no journals in \(dir.path)/replica/journals"))
  }
}
