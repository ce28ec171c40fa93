import Foundation
import Language
import Library
import Testing

/// `show()` through the language: a window under a virtual X display (Xvfb) that does not
/// block the caller, and a PNG in a temporary folder without a display. The suite changes
/// the DISPLAY environment variable, so its tests run one at a time and restore it.
@Suite(.serialized) struct ShowTests {
  /// Runs `body` with DISPLAY set to `value` (or unset for nil), then restores it.
  static func withDisplay<T>(_ value: String?, _ body: () throws -> T) rethrows -> T {
    let saved = ProcessInfo.processInfo.environment["DISPLAY"]
    if let value { setenv("DISPLAY", value, 1) } else { unsetenv("DISPLAY") }
    defer {
      if let saved { setenv("DISPLAY", saved, 1) } else { unsetenv("DISPLAY") }
    }
    return try body()
  }

  @Test func withoutADisplayShowWritesAPNGAndPrintsItsPath() throws {
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try Self.withDisplay(nil) {
      try interp.run("figure(width=3, height=2); plot([1, 2, 3], [3, 1, 2]); show()")
    }
    let prefix = "figure shown as "
    let line = try #require(out.text.split(separator: "\n").first { $0.hasPrefix(prefix) })
    let path = String(line.dropFirst(prefix.count))
    #expect(path.hasSuffix(".png"))
    let png = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    // IHDR width and height: 3 × 2 in at the default 100 dpi.
    #expect(png[16..<20].reduce(0) { $0 << 8 | Int($1) } == 300)
    #expect(png[20..<24].reduce(0) { $0 << 8 | Int($1) } == 200)
    #expect(out.warnings.isEmpty)
  }

  @Test func aDisplayWithNoServerFallsBackToAPNGWithAWarning() throws {
    let n = (900..<1000).first { !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\($0)") }
    let display = ":\(try #require(n))"
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try Self.withDisplay(display) {
      try interp.run("plot([1, 2], [1, 2]); show()")
    }
    #expect(out.text.hasPrefix("figure shown as "))
    #expect(out.warnings.count == 1)
    #expect(out.warnings.first?.contains("show: no window (DISPLAY=\(display)") == true)
    #expect(out.warnings.first?.contains("no X server is listening") == true)
  }

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/Xvfb"),
      "needs Xvfb (scripts/setup.sh installs xvfb)"))
  func withADisplayShowOpensAWindowWithoutBlocking() throws {
    let server = try VirtualDisplay.start()
    defer { server.stop() }
    let out = OutputSink()
    let interp = libraryInterpreter(out)
    try Self.withDisplay(server.name) {
      try interp.run(
        """
        figure(width=3, height=2)
        plot([1, 2, 3], [3, 1, 2], label="a"); xlabel("$\\\\alpha$"); legend()
        show()
        """)
    }
    // The window stays open until the user closes it, so returning at all (with the
    // window's process still running, checked below) shows the call did not wait for it.
    #expect(out.warnings.isEmpty)
    let prefix = "figure shown in a window (process "
    let line = try #require(out.text.split(separator: "\n").first { $0.hasPrefix(prefix) })
    let pid = try #require(Int32(line.dropFirst(prefix.count).prefix { $0.isNumber }))
    defer { Self.end(pid) }
    #expect(kill(pid, 0) == 0, "the window's process is running")
    // The window is mapped on the virtual display, 3 × 2 in at 100 dpi, with its title.
    var listing = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      listing = try server.windowList()
      if listing.contains("\"Replica figure\"") { break }
      usleep(50_000)
    }
    let window = listing.split(separator: "\n").first { $0.contains("\"Replica figure\"") }
    #expect(window != nil, "no window named Replica figure in: \(listing)")
    #expect(window?.contains("300x200") == true)
  }

  /// Ends a window child and checks it is reaped (gone from /proc, not a zombie).
  static func end(_ pid: Int32) {
    kill(pid, SIGTERM)
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, FileManager.default.fileExists(atPath: "/proc/\(pid)") {
      usleep(20_000)
    }
    #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "process \(pid) not reaped")
  }
}

/// An Xvfb server on a free display number, chosen by the server itself (`-displayfd`).
final class VirtualDisplay {
  let process: Process
  let name: String

  private init(process: Process, name: String) {
    self.process = process
    self.name = name
  }

  /// Starts the server; cancels the calling test when Xvfb cannot start.
  static func start() throws -> VirtualDisplay {
    let process = Process()
    let pipe = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
    process.arguments = ["-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp"]
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      try Test.cancel("Xvfb could not start: \(error)")
    }
    // Xvfb writes the display number once it listens; end of file means it gave up.
    var said = Data()
    while !said.contains(UInt8(ascii: "\n")) {
      let chunk = pipe.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      said.append(chunk)
    }
    let text = String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard let n = Int(text) else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      try Test.cancel("Xvfb could not start a display (it said \"\(text)\")")
    }
    return VirtualDisplay(process: process, name: ":\(n)")
  }

  /// `xwininfo -root -children` on this display.
  func windowList() throws -> String {
    let p = Process()
    let pipe = Pipe()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/xwininfo")
    p.arguments = ["-root", "-children", "-display", name]
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// Ends the server with SIGKILL: it inherits the spawning thread's signal mask, where
  /// Dispatch blocks SIGTERM. Then removes the lock and socket files it leaves behind.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let n = name.dropFirst()
    try? FileManager.default.removeItem(atPath: "/tmp/.X\(n)-lock")
    try? FileManager.default.removeItem(atPath: "/tmp/.X11-unix/X\(n)")
  }
}
