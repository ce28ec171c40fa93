import Foundation
import Language
import Notebook
import Numerics

/// Exit codes (sysexits): 0 ok, 1 check divergence, 2 usage, 65 syntax, 70 runtime, 74 I/O.
enum ExitCode {
  static let ok: Int32 = 0
  static let divergence: Int32 = 1
  static let usage: Int32 = 2
  static let syntax: Int32 = 65
  static let runtime: Int32 = 70
  static let io: Int32 = 74

  static func of(_ e: LanguageError) -> Int32 {
    switch e.kind {
    case .syntax: return syntax
    case .io: return io
    default: return runtime
    }
  }
}

let version = "0.1.0"

func printErr(_ s: String) {
  FileHandle.standardError.write(Data((s + "\n").utf8))
}

let usage = """
  replica \(version) — a notebook-style REPL for the statistical mechanics of learning

  usage:
    replica                         start the interactive REPL
    replica FILE                    run a script (same as replica run FILE)
    replica run FILE [--set name=value ...] [--update] [--sandbox] [--seed N]
                                    run a script or notebook; --update rewrites its #> outputs
    replica check FILE [--sandbox]  replay a notebook and compare every recorded output
    replica export FILE --to html|md [-o OUT]
                                    render a notebook as a report (HTML is self-contained)
    replica sweep NOTEBOOK --grid name=SPEC ... [--out DIR] [--local [--jobs N] | --emit slurm|parallel]
                                    run a notebook over a grid of its params (replica sweep --help)
    replica sweep collect DIR       gather the sweep's result(...) values into DIR/results.csv
    replica -e CODE                 evaluate CODE and print displayed values
    replica recover [N [-o FILE]]   list the REPL's session journals; write journal N as a notebook
    replica --version               print the version
    replica --help                  this help

  exit codes: 0 ok, 1 check found divergences, 2 usage, 65 syntax error,
              70 runtime error, 74 I/O error
  """

/// Parses `--set name=value`: the value is a language expression (`0.2`, `"text"`, `[1, 2]`).
func parseOverride(_ s: String) throws -> (String, Value) {
  guard let eq = s.firstIndex(of: "=") else {
    throw CLIError.usage("--set expects name=value, found '\(s)'")
  }
  let name = String(s[..<eq])
  let text = String(s[s.index(after: eq)...])
  let scratch = Interpreter()
  do {
    return (name, try scratch.evaluate(text, name: "--set \(name)"))
  } catch {
    // A bare word is taken as a string.
    return (name, .string(text))
  }
}

enum CLIError: Error {
  case usage(String)
}

struct RunOptions {
  var file: String?
  var overrides: [String: Value] = [:]
  var update = false
  var sandbox = false
  var seed: UInt64?
}

func parseRunOptions(_ args: ArraySlice<String>) throws -> RunOptions {
  var o = RunOptions()
  var it = args.makeIterator()
  while let a = it.next() {
    switch a {
    case "--set":
      guard let v = it.next() else { throw CLIError.usage("--set needs name=value") }
      let (n, val) = try parseOverride(v)
      o.overrides[n] = val
    case "--update": o.update = true
    case "--sandbox": o.sandbox = true
    case "--seed":
      guard let v = it.next(), let s = UInt64(v) else {
        throw CLIError.usage("--seed needs a non-negative integer")
      }
      o.seed = s
    default:
      if a.hasPrefix("--set=") {
        let (n, val) = try parseOverride(String(a.dropFirst(6)))
        o.overrides[n] = val
      } else if a.hasPrefix("-") && a != "-" {
        throw CLIError.usage("unknown option '\(a)'")
      } else if o.file == nil {
        o.file = a
      } else {
        throw CLIError.usage("unexpected argument '\(a)'")
      }
    }
  }
  return o
}

func makeRunner(_ o: RunOptions, file: String) -> NotebookRunner {
  var r = NotebookRunner()
  r.seed = o.seed
  r.parameterOverrides = o.overrides
  if o.sandbox {
    let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
    r.fileAccess = FileAccessPolicy(writableRoot: dir)
  }
  r.prepare = { Session.prepare($0) }
  return r
}

/// Paths inside a notebook are relative to the notebook's folder, as in Jupyter:
/// run and check work from there.
func enterNotebookFolder(_ file: String) {
  guard file != "-" else { return }
  let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
  FileManager.default.changeCurrentDirectoryPath(dir)
}

func loadDocument(_ file: String) -> NotebookDocument? {
  if file == "-" {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return NotebookDocument(path: "<stdin>", text: String(decoding: data, as: UTF8.self))
  }
  do {
    return try NotebookDocument.load(file)
  } catch {
    printErr("error: cannot read \(file): \(error.localizedDescription)")
    return nil
  }
}

func commandRun(_ args: ArraySlice<String>) -> Int32 {
  let o: RunOptions
  do { o = try parseRunOptions(args) } catch CLIError.usage(let m) {
    printErr("usage error: \(m)\n\(usage)")
    return ExitCode.usage
  } catch { return ExitCode.usage }
  guard let file = o.file else {
    printErr("usage error: replica run needs a FILE\n\(usage)")
    return ExitCode.usage
  }
  guard let doc = loadDocument(file) else { return ExitCode.io }
  let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
  var runner = makeRunner(o, file: absolute)
  enterNotebookFolder(absolute)
  if !o.update { runner.echo = { FileHandle.standardOutput.write(Data($0.utf8)) } }
  let outcome = runner.run(doc, check: false)
  let unused = Set(o.overrides.keys).subtracting(outcome.usedParameters)
  for name in unused.sorted() {
    printErr("warning: --set \(name): the notebook declares no 'param \(name)'")
  }
  if let e = outcome.error {
    printErr(outcome.errorText ?? ErrorRenderer.render(e))
    return ExitCode.of(e)
  }
  if o.update {
    do {
      try NotebookRunner.writeAtomically(outcome.updatedText, to: absolute)
      print("updated \(file): \(outcome.statementsRun) statements")
    } catch {
      printErr("error: \(error)")
      return ExitCode.io
    }
  }
  return ExitCode.ok
}

func commandCheck(_ args: ArraySlice<String>) -> Int32 {
  let o: RunOptions
  do { o = try parseRunOptions(args) } catch CLIError.usage(let m) {
    printErr("usage error: \(m)")
    return ExitCode.usage
  } catch { return ExitCode.usage }
  guard let file = o.file else {
    printErr("usage error: replica check needs a FILE")
    return ExitCode.usage
  }
  guard let doc = loadDocument(file) else { return ExitCode.io }
  let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
  let runner = makeRunner(o, file: absolute)
  enterNotebookFolder(absolute)
  let outcome = runner.run(doc, check: true)
  for d in outcome.divergences { print("diverges at \(d)") }
  if let text = outcome.errorText {
    print("stopped by an error:\n\(text)")
  }
  if outcome.replaysCleanly {
    print("\(file): replays cleanly (\(outcome.statementsRun) statements)")
    return ExitCode.ok
  }
  print(
    "\(file): \(outcome.divergences.count) divergence(s)\(outcome.error != nil ? " and an error" : "")"
  )
  return outcome.error.map { ExitCode.of($0) } ?? ExitCode.divergence
}

func commandExport(_ args: ArraySlice<String>) -> Int32 {
  var file: String?
  var format = NotebookExporter.Format.html
  var out: String?
  var it = args.makeIterator()
  while let a = it.next() {
    switch a {
    case "--to":
      guard let v = it.next(), let f = NotebookExporter.Format(rawValue: v == "markdown" ? "md" : v)
      else {
        printErr("usage error: --to expects html or md")
        return ExitCode.usage
      }
      format = f
    case "-o", "--output":
      guard let v = it.next() else {
        printErr("usage error: -o needs a path")
        return ExitCode.usage
      }
      out = v
    default:
      if a.hasPrefix("-") {
        printErr("usage error: unknown option '\(a)'")
        return ExitCode.usage
      }
      file = a
    }
  }
  guard let file else {
    printErr("usage error: replica export needs a FILE")
    return ExitCode.usage
  }
  guard let doc = loadDocument(file) else { return ExitCode.io }
  let output =
    out
    ?? URL(fileURLWithPath: file).deletingPathExtension().appendingPathExtension(format.rawValue)
    .path
  do {
    let written = try NotebookExporter.export(doc, format: format, to: output)
    for w in written { print("wrote \(w)") }
    return ExitCode.ok
  } catch {
    printErr("error: cannot export \(file): \(error.localizedDescription)")
    return ExitCode.io
  }
}

func commandEval(_ code: String) -> Int32 {
  let interp = Interpreter()
  Session.prepare(interp)
  do {
    try interp.run(code, name: "-e")
    return ExitCode.ok
  } catch {
    printErr(ErrorRenderer.render(error))
    return ExitCode.of(error)
  }
}

func main() -> Int32 {
  let args = Array(CommandLine.arguments.dropFirst())
  guard let first = args.first else {
    return REPL.start()
  }
  switch first {
  case "--version", "-v", "version":
    print("replica \(version)")
    return ExitCode.ok
  case "--help", "-h", "help":
    print(usage)
    return ExitCode.ok
  case "-e":
    guard args.count == 2 else {
      printErr("usage error: -e needs exactly one CODE argument")
      return ExitCode.usage
    }
    return commandEval(args[1])
  case "run": return commandRun(args.dropFirst())
  case "check": return commandCheck(args.dropFirst())
  case "export": return commandExport(args.dropFirst())
  case "recover": return Recover.command(args.dropFirst())
  case "sweep": return Sweep.command(args.dropFirst())
  default:
    if first.hasPrefix("-") && first != "-" {
      printErr("usage error: unknown option '\(first)'\n\(usage)")
      return ExitCode.usage
    }
    return commandRun(args[...])
  }
}

exit(Session.onLargeStack(main))
