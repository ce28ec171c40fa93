import Foundation

/// Renders figures to files through the `replica-render` child process, so that nothing
/// PLplot does (it calls `exit()` on some errors) can end the caller.
public enum Renderer {
  /// PLplot is not thread-safe and renders are heavy: one at a time per process.
  private static let lock = NSLock()

  /// Validates `figure`, then draws it to `path` in the format of its extension (pdf, png,
  /// svg, eps). `dpi` sets the PNG pixel size (inches × dpi); vector formats ignore it.
  /// Returns the validation warnings. Throws `PlotError` for bad input, an unwritable path
  /// or a failed render.
  public static func render(_ figure: Figure, to path: String, dpi: Double = 150) throws
    -> [PlotWarning]
  {
    let format = try OutputFormat(path: path)
    guard dpi.isFinite, (10...1200).contains(dpi) else {
      throw PlotError.invalidValue(
        context: "dpi", expected: "a value from 10 to 1200", found: "\(dpi)")
    }
    let warnings = try figure.validate()
    try OutputFormat.checkWritable(path)
    let child = try childExecutable()
    let json = figure.canonicalJSON()
    try lock.withLock {
      try run(child, arguments: [path, format.rawValue, "\(dpi)"], input: Data(json.utf8))
    }
    return warnings
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
