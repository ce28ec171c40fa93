import Foundation

/// The `replica-render` program: reads a figure on stdin (the binary layout of `FigureWire`,
/// or figure JSON) and draws it with PLplot.
///
/// Usage: `replica-render <output-path> <pdf|png|svg|eps> <dpi>` writes a file;
/// `replica-render --window <dpi> <title>` opens an X window on `$DISPLAY` (PLplot's
/// `xcairo` device), writes `ready` and a newline to stdout once the figure is drawn,
/// detaches its stdout and stderr, and stays until the user closes the window. Exits 0
/// on success; on failure prints one line to stderr and exits 1 (or 2 for a usage error).
public enum RenderChild {
  static let usage =
    "usage: replica-render <output-path> <pdf|png|svg|eps> <dpi> < figure\n"
    + "       replica-render --window <dpi> <title> < figure\n"

  public static func main(arguments: [String]) -> Int32 {
    unblockSignals()
    if arguments.count == 4, arguments[1] == "--window", let dpi = Double(arguments[2]) {
      return run {
        let prepared = try readFigure()
        try PLplotBackend.draw(prepared, to: .window(title: arguments[3]), dpi: dpi) {
          FileHandle.standardOutput.write(Data("ready\n".utf8))
          detachOutput()
        }
      }
    }
    guard arguments.count == 4, let dpi = Double(arguments[3]),
      let format = OutputFormat(rawValue: arguments[2])
    else {
      FileHandle.standardError.write(Data(usage.utf8))
      return 2
    }
    return run {
      let prepared = try readFigure()
      try OutputFormat.checkWritable(arguments[1])
      try PLplotBackend.draw(prepared, to: arguments[1], format: format, dpi: dpi)
      if format == .svg { try SVGDescription.add(to: arguments[1], figure: prepared) }
    }
  }

  private static func run(_ body: () throws -> Void) -> Int32 {
    do {
      try body()
      return 0
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      return 1
    }
  }

  private static func readFigure() throws -> PreparedFigure {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    let figure = try FigureWire.decode(data)
    return try figure.prepared().figure
  }

  /// Clears the signal mask inherited from the spawning thread (Foundation's `Process`
  /// keeps it, and Dispatch's worker threads block most signals), so the child, and a window
  /// left open, still end on SIGTERM or SIGINT.
  private static func unblockSignals() {
    var none = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, nil)
  }

  /// Points stdout and stderr at /dev/null, so the parent sees end-of-file on both and
  /// nothing the window writes later can fail on a closed pipe.
  private static func detachOutput() {
    let null = open("/dev/null", O_WRONLY)
    guard null >= 0 else { return }
    dup2(null, STDOUT_FILENO)
    dup2(null, STDERR_FILENO)
    close(null)
  }
}
