import Foundation
import Language

/// The interactive loop (readline editing comes with the REPL issue).
enum REPL {
  static func start() -> Int32 {
    let interp = Interpreter()
    Session.prepare(interp)
    var pending = ""
    while true {
      if isatty(0) != 0 {
        FileHandle.standardOutput.write(Data((pending.isEmpty ? "> " : ". ").utf8))
      }
      guard let line = readLine() else { break }
      pending += (pending.isEmpty ? "" : "\n") + line
      do {
        let stmts = try interp.parse(pending, name: "<repl>")
        pending = ""
        for s in stmts {
          if let v = try interp.execute(s) { print(Display.render(v)) }
        }
      } catch {
        if error.isIncompleteInput { continue }
        pending = ""
        printErr(ErrorRenderer.render(error))
      }
    }
    return 0
  }
}
