import Foundation

/// Renders figures to files through the `replica-render` child process, so that nothing
/// PLplot does (it calls `exit()` on some errors) can end the caller.
public enum Renderer {
  /// PLplot is not thread-safe and renders are heavy: one at a time per process.
  private static let lock = NSLock()

  /// Validates `figure`, then draws it to `path` in the format of its extension (pdf, png,
  /// svg, eps). `dpi` sets the PNG pixel size (inches × dpi); vector formats ignore it.
  /// Returns the validation warnings. Throws `PlotError` for bad input, an unwritable path
  /// or a failed render. The child gets the figure in the binary layout of `FigureWire`.
  public static func render(
    _ figure: Figure, to path: String, dpi: Double = 150
  ) throws -> [PlotWarning] {
    let format = try OutputFormat(path: path)
    guard dpi.isFinite, (10...1200).contains(dpi) else {
      throw PlotError.invalidValue(
        context: "dpi", expected: "a value from 10 to 1200", found: "\(dpi)")
    }
    let warnings = try figure.validate()
    try OutputFormat.checkWritable(path)
    let child = try childExecutable()
    let input = FigureWire.encode(figure)
    try lock.withLock {
      try run(child, arguments: [path, format.rawValue, "\(dpi)"], input: input)
    }
    return warnings
  }

  /// Where `show` put a figure.
  public enum Shown: Equatable, Sendable {
    /// An X window owned by the render child `pid`, open until the user closes it.
    case window(pid: Int32)
    /// A PNG file (no display, or the window could not be opened).
    case file(path: String)
  }

  /// The window title `show` gives its windows.
  public static let windowTitle = "Replica figure"

  /// Shows `figure` without waiting for the viewer: when `display` names a reachable X
  /// display, a render child draws it in a window (PLplot's `xcairo` device, `dpi` pixels
  /// per inch) and keeps it open until the user closes it — this returns as soon as the
  /// figure is drawn. Otherwise (no display, or the window failed) it renders a PNG at
  /// `dpi` to `fallbackPath`. Returns where the figure went, the validation warnings, and
  /// why no window opened when a display was named but could not be used.
  public static func show(
    _ figure: Figure, display: String?, fallbackPath: String, dpi: Double = 100
  ) throws -> (shown: Shown, warnings: [PlotWarning], windowProblem: String?) {
    let warnings = try figure.validate()
    var problem: String?
    if let display, !display.isEmpty {
      if let p = DisplayCheck.problem(display) {
        problem = p
      } else {
        do {
          let pid = try openWindow(figure, display: display, dpi: dpi)
          return (.window(pid: pid), warnings, nil)
        } catch let PlotError.renderFailed(message) {
          problem = message
        }
      }
    }
    _ = try render(figure, to: fallbackPath, dpi: dpi)
    return (.file(path: fallbackPath), warnings, problem)
  }

  /// Render children showing windows, kept until they exit (Foundation reaps them then).
  private static let windows = WindowRegistry()

  /// Starts a window child and waits until it has drawn the figure (or failed).
  private static func openWindow(_ figure: Figure, display: String, dpi: Double) throws -> Int32 {
    let child = try childExecutable()
    let input = FigureWire.encode(figure)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: child)
    process.arguments = ["--window", "\(dpi)", windowTitle]
    var environment = ProcessInfo.processInfo.environment
    environment["DISPLAY"] = display
    process.environment = environment
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    windows.add(process)
    do {
      try process.run()
    } catch {
      windows.remove(process)
      throw PlotError.renderFailed("could not start \(child): \(error)")
    }
    let writer = stdin.fileHandleForWriting
    try? writer.write(contentsOf: input)
    try? writer.close()
    // The child writes "ready" and then points stdout at /dev/null: end of file either way.
    let said = stdout.fileHandleForReading.readDataToEndOfFile()
    if String(decoding: said, as: UTF8.self) == "ready\n" {
      return process.processIdentifier
    }
    let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    process.waitUntilExit()
    throw PlotError.renderFailed(
      message.isEmpty
        ? "the window child exited with status \(process.terminationStatus) before drawing"
        : message)
  }

  /// `$REPLICA_RENDER`, else `replica-render` in the directory of the running executable.
  static func childExecutable() throws -> String {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["REPLICA_RENDER"], !env.isEmpty {
      guard fm.isExecutableFile(atPath: env) else {
        throw PlotError.renderFailed("REPLICA_RENDER=\(env) is not an executable file")
      }
      return env
    }
    let exe =
      (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments.first ?? ""
    let candidate = ((exe as NSString).deletingLastPathComponent as NSString)
      .appendingPathComponent("replica-render")
    guard fm.isExecutableFile(atPath: candidate) else {
      throw PlotError.renderFailed(
        "expected the replica-render program at \(candidate) (or set REPLICA_RENDER), found none")
    }
    return candidate
  }

  private static func run(_ executable: String, arguments: [String], input: Data) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw PlotError.renderFailed("could not start \(executable): \(error)")
    }
    let writer = stdin.fileHandleForWriting
    try? writer.write(contentsOf: input)
    try? writer.close()
    let message = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      var text = String(decoding: message, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      if text.isEmpty {
        text =
          process.terminationReason == .uncaughtSignal
          ? "replica-render was killed by signal \(process.terminationStatus)"
          : "replica-render exited with status \(process.terminationStatus)"
      }
      throw PlotError.renderFailed(text)
    }
  }
}

/// Holds the `Process` objects of open windows so they live until their child exits.
private final class WindowRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var open: [ObjectIdentifier: Process] = [:]

  func add(_ p: Process) {
    lock.withLock { open[ObjectIdentifier(p)] = p }
    p.terminationHandler = { [weak self] done in self?.remove(done) }
  }

  func remove(_ p: Process) { _ = lock.withLock { open.removeValue(forKey: ObjectIdentifier(p)) } }
}

/// Whether an X display named by `$DISPLAY` can be reached, checked without X libraries.
enum DisplayCheck {
  /// nil when the display looks usable; else why not. A local display (`:N`, `unix:N`)
  /// needs its socket `/tmp/.X11-unix/XN`; a remote one (`host:N`, e.g. ssh forwarding) is
  /// left to the window child, whose failure is reported.
  static func problem(_ display: String) -> String? {
    guard let colon = display.lastIndex(of: ":") else {
      return "DISPLAY=\(display): expected host:number[.screen], found no ':'"
    }
    let host = display[..<colon]
    let rest = display[display.index(after: colon)...]
    let number = rest.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
    guard let n = Int(number), n >= 0 else {
      return "DISPLAY=\(display): expected a display number after ':', found \"\(number)\""
    }
    guard host.isEmpty || host == "unix" else { return nil }
    let socket = "/tmp/.X11-unix/X\(n)"
    guard FileManager.default.fileExists(atPath: socket) else {
      return "DISPLAY=\(display): no X server is listening (\(socket) does not exist)"
    }
    return nil
  }
}
