import Foundation
import Language
import Notebook

/// The interactive loop, after Lua's `lua.c`: read a line with readline, read more with a
/// continuation prompt while the input is incomplete, run each statement with Ctrl-C
/// cancelling it, show its value, and journal it (notebooks.md). Lines starting with `:`
/// are meta-commands (`MetaCommands.swift`).
///
/// With stdin not a terminal there is no readline, prompt, echo, history or journal:
/// plain lines are run as `replica run -` would run them, stopping at the first error
/// with its exit code.
final class REPL {
  static func start() -> Int32 {
    if isatty(0) == 0 { return runPlainLines() }
    return REPL().interact()
  }

  /// The seed every interpreter of this session starts from (and `:save` records).
  let seed = HostConfiguration().seed
  let created = Date()
  private(set) var interpreter: Interpreter
  /// Statements run since the session started or was last reset, in order.
  var statements: [SessionStatement] = []
  var journal: Journal?
  private var journaled = 0
  var reader: LineReader?
  private let progressBar = ProgressBar()
  private let capture = Capture()

  init() {
    interpreter = Interpreter()
    interpreter = makeInterpreter()
  }

  /// A fresh interpreter whose output goes to the terminal and to the current statement's
  /// record; Ctrl-C cancels, long builtins draw the progress bar.
  func makeInterpreter() -> Interpreter {
    let capture = self.capture
    let bar = progressBar
    let config = HostConfiguration(
      output: { capture.emit($0) },
      warning: { w in
        FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        capture.text += "warning: \(w)\n"
      },
      cancellation: Interrupt.cancellation,
      progress: { bar.report($0, $1, $2) },
      seed: seed)
    let interp = Interpreter(configuration: config)
    Session.prepare(interp)
    return interp
  }

  /// Replaces the interpreter with a fresh one (`:reset`).
  func reset() {
    interpreter = makeInterpreter()
    statements = []
    journal?.reset()
  }

  private func interact() -> Int32 {
    Interrupt.install()
    let reader = LineReader(
      historyPath: DataDirectory.history,
      completer: { [unowned self] before, word in
        Completion(interpreter: interpreter).candidates(before: before, word: word)
      },
      wordBreaks: Completion.wordBreaks(before:))
    self.reader = reader
    Journal.prune(keeping: 100)
    switch Journal.create(seed: seed, created: created) {
    case .success(let j): journal = j
    case .failure(let e): printErr("warning: this session is not journaled: \(e)")
    }
    print("replica \(version) — :help for help, Ctrl-D to quit")
    var pending = ""
    loop: while true {
      switch reader.read(prompt: pending.isEmpty ? "> " : ">> ") {
      case .end:
        print("")
        break loop
      case .interrupted:
        pending = ""
      case .line(let line):
        reader.remember(line)
        if pending.isEmpty, line.drop(while: { $0 == " " }).hasPrefix(":") {
          if runMetaCommand(line) == .quit { break loop }
          continue
        }
        pending = pending.isEmpty ? line : pending + "\n" + line
        let parsed: [TopLevelStatement]
        do {
          parsed = try interpreter.parse(pending, name: "<repl>")
        } catch {
          if error.isIncompleteInput { continue }
          pending = ""
          printErr(ErrorRenderer.render(error))
          continue
        }
        pending = ""
        for s in parsed where !execute(s) { break }
      }
    }
    if let message = reader.saveHistory() { printErr("warning: \(message)") }
    journal?.close(statementsRecorded: journaled)
    return ExitCode.ok
  }

  /// Runs one statement: journals its input, shows its value, records its output and
  /// outcome. Returns whether it succeeded (the error has been printed if not).
  @discardableResult
  func execute(_ s: TopLevelStatement) -> Bool {
    let text = Self.text(of: s)
    journal?.begin(text)
    capture.text = ""
    var failure: LanguageError?
    let interp = interpreter
    let capture = self.capture
    Interrupt.whileRunning {
      do throws(LanguageError) {
        if let v = try interp.execute(s) { capture.emit(Display.render(v) + "\n") }
      } catch {
        failure = error
      }
    }
    progressBar.clear()
    let output = capture.lines
    journal?.finish(output: output, error: failure)
    journaled += 1
    statements.append(
      SessionStatement(text: text, output: output, status: failure?.kind.rawValue ?? "ok"))
    if let failure {
      // After Ctrl-C the terminal has echoed "^C": start the message on a new line.
      printErr((failure.kind == .interrupted ? "\n" : "") + ErrorRenderer.render(failure))
    }
    return failure == nil
  }

  /// Parses and runs `text` statement by statement, stopping at the first error.
  /// Returns the number of statements run, or nil after an error.
  func run(_ text: String, name: String) -> Int? {
    let parsed: [TopLevelStatement]
    do { parsed = try interpreter.parse(text, name: name) } catch {
      printErr(ErrorRenderer.render(error))
      return nil
    }
    for s in parsed where !execute(s) { return nil }
    return parsed.count
  }

  /// The statement as written, with the `;` that hides its value when there was one.
  static func text(of s: TopLevelStatement) -> String {
    let utf8 = Array(s.span.source.text.utf8)
    var i = s.span.end
    while i < utf8.count, utf8[i] == UInt8(ascii: " ") || utf8[i] == UInt8(ascii: "\t") {
      i += 1
    }
    return s.text + (i < utf8.count && utf8[i] == UInt8(ascii: ";") ? ";" : "")
  }

  /// Plain line reading for piped input: like `replica run -`, line by line.
  private static func runPlainLines() -> Int32 {
    let interp = Interpreter()
    Session.prepare(interp)
    var pending = ""
    var atEnd = false
    while !atEnd {
      if let line = readLine(strippingNewline: true) {
        pending = pending.isEmpty ? line : pending + "\n" + line
      } else {
        atEnd = true
      }
      do {
        for s in try interp.parse(pending, name: "<stdin>") {
          if let v = try interp.execute(s) {
            interp.configuration.output(Display.render(v) + "\n")
          }
        }
        pending = ""
      } catch {
        if error.isIncompleteInput && !atEnd { continue }
        printErr(ErrorRenderer.render(error))
        return ExitCode.of(error)
      }
    }
    return ExitCode.ok
  }
}

/// The output of the statement being run: shown on stdout as it comes and kept for the
/// journal and `:save`.
private final class Capture {
  var text = ""

  func emit(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
    text += s
  }

  /// The output as notebook lines (without the final newline).
  var lines: [String] {
    var l = text.components(separatedBy: "\n")
    if l.last == "" { l.removeLast() }
    return l
  }
}
