import Foundation

/// Runs the built `replica` binary: as a command with pipes, or in a real terminal
/// inside a private tmux server.
enum Replica {
  /// `replica` beside the test bundle in the build directory.
  static let binary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("replica").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../.build/debug/replica").standardized.path
  }()

  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// Runs `replica args` with `stdin` piped in, `XDG_DATA_HOME` set to `data`.
  static func run(
    _ args: [String], stdin: String = "", data: String, cwd: String? = nil
  ) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["XDG_DATA_HOME"] = data
    env["OPENBLAS_NUM_THREADS"] = "1"
    p.environment = env
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = errors
    try p.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }
}

/// A fresh temporary folder, removed by `remove()`.
struct TemporaryFolder {
  let path: String

  init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("replica-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String { path + "/" + name }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
  }

  func read(_ name: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct TerminalTimeout: Error, CustomStringConvertible {
  let waitingFor: String
  let screen: String
  var description: String { "timed out waiting for \(waitingFor); screen:\n\(screen)" }
}

/// The REPL in a real terminal: a private tmux server (its own socket) running
/// `replica` in a 100×40 pane, driven by `send-keys` and read by `capture-pane`.
final class Terminal {
  let socket = "replica-test-\(UUID().uuidString.prefix(8))"
  let data: String

  /// Starts `replica` with `XDG_DATA_HOME=data` in `cwd`, and waits for its first prompt.
  init(data: String, cwd: String) throws {
    self.data = data
    let command =
      "cd '\(cwd)' && exec env XDG_DATA_HOME='\(data)' OPENBLAS_NUM_THREADS=1 '\(Replica.binary)'"
    try startServer([
      "new-session", "-d", "-s", "t", "-x", "100", "-y", "40", command, ";", "set-option", "-g",
      "remain-on-exit", "on",
    ])
    _ = try waitFor("the first prompt") { $0.hasSuffix("\n>") || $0.hasSuffix("\n> ") }
  }

  deinit { _ = try? tmux(["kill-server"]) }

  /// Types text literally.
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "t", "-l", text]) }

  /// Presses keys by tmux name (`Enter`, `Tab`, `C-c`, `Up`).
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

  /// Types a line and presses Enter.
  func enter(_ line: String) throws {
    try type(line)
    try press("Enter")
  }

  /// The visible screen, trailing blank lines removed.
  func screen() throws -> String {
    var text = try tmux(["capture-pane", "-p", "-t", "t", "-S", "-200"])
    while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
    return text
  }

  /// The last non-blank line of the screen.
  func lastLine() throws -> String {
    String(try screen().split(separator: "\n").last ?? "")
  }

  /// Polls the screen every 20 ms until `condition` holds (at most `timeout` seconds).
  @discardableResult
  func waitFor(
    _ what: String, timeout: Double = 30, _ condition: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var s = ""
    while Date() < deadline {
      s = try screen()
      if condition(s) { return s }
      usleep(20_000)
    }
    throw TerminalTimeout(waitingFor: what, screen: s)
  }

  /// Waits until `text` appears `count` times on the screen.
  @discardableResult
  func waitFor(_ text: String, count: Int = 1) throws -> String {
    try waitFor("'\(text)' ×\(count)") { $0.components(separatedBy: text).count - 1 >= count }
  }

  /// Waits for an empty prompt on the last line.
  func waitForPrompt() throws {
    _ = try waitFor("a prompt") { $0.split(separator: "\n").last.map { $0 == ">" } ?? false }
  }

  /// The process id of the program in the pane.
  /// The pid of the program in the pane. Throws rather than return a non-positive value:
  /// `kill(-1, …)` would signal every process the user may signal.
  func pid() throws -> Int32 {
    let text = try tmux(["display", "-p", "-t", "t", "#{pane_pid}"]).trimmingCharacters(
      in: .whitespacesAndNewlines)
    guard let pid = Int32(text), pid > 1 else {
      throw TerminalTimeout(
        waitingFor: "the pane's pid (tmux said '\(text)')", screen: try screen())
    }
    return pid
  }

  /// Waits for the program to exit and returns its status (128 + the signal if killed).
  func exitStatus(timeout: Double = 30) throws -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let state = try tmux([
        "display", "-p", "-t", "t", "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}",
      ]).trimmingCharacters(in: .whitespacesAndNewlines).split(
        separator: ":", omittingEmptySubsequences: false)
      if state.count == 3, state[0] == "1" {
        if let status = Int32(state[1]) { return status }
        if let signal = Int32(state[2]) { return 128 + signal }
        // tmux 3.3 can mark the pane dead (its terminal closed) before it reaps the
        // child, and under load it may leave it a zombie with no status for a long time:
        // then the status is read from the zombie's /proc entry.
        if let status = zombieExitStatus() { return status }
      }
      usleep(20_000)
    }
    let pane = (try? tmux(["display", "-p", "-t", "t", "#{pane_pid} #{pane_dead}"])) ?? "?"
    let pid = pane.split(separator: " ").first.map(String.init) ?? ""
    let status =
      (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?.split(
        separator: "\n"
      ).filter { $0.hasPrefix("State") || $0.hasPrefix("PPid") }.joined(separator: ", ")
      ?? "no /proc entry"
    throw TerminalTimeout(
      waitingFor: "the program to exit (pane: \(pane); process: \(status))",
      screen: try screen())
  }

  /// The exit status (128 + signal if killed) of the pane's process while it is a
  /// zombie, from field 52 of /proc/<pid>/stat (`exit_code`, in waitpid's encoding;
  /// Linux ≥ 3.5); nil while it runs or once it is reaped.
  private func zombieExitStatus() -> Int32? {
    guard
      let pid = try? tmux(["display", "-p", "-t", "t", "#{pane_pid}"]).trimmingCharacters(
        in: .whitespacesAndNewlines), Int32(pid) ?? 0 > 1,
      let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // Fields from the third on (state first), after the parenthesised command name.
    let fields = stat[stat.index(after: close)...].split(whereSeparator: \.isWhitespace)
    guard fields.count >= 50, fields[0] == "Z", let code = Int32(fields[49]) else { return nil }
    let signal = code & 0x7f
    return signal == 0 ? (code >> 8) & 0xff : 128 + signal
  }

  /// Runs a tmux command on this terminal's server.
  @discardableResult
  private func tmux(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["tmux", "-L", socket, "-f", "/dev/null"] + args
    let out = Pipe()
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// Runs the tmux command that starts the server with `posix_spawn` and `waitpid`, every
  /// descriptor but /dev/null closed: the daemon would otherwise inherit the descriptors
  /// through which `Process` notices its child's exit, and hold them open. The signal
  /// mask is emptied: test threads block signals, and tmux and the REPL inherit the mask.
  private func startServer(_ args: [String]) throws {
    let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + args
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in 0...2 {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    for fd: Int32 in 3..<1024 where fcntl(fd, F_GETFD) != -1 {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGCHLD, SIGPIPE, SIGTERM] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let status = posix_spawnp(&pid, "tmux", &actions, &attributes, &cArgs, environ)
    guard status == 0 else { throw TerminalTimeout(waitingFor: "tmux to start", screen: "") }
    var exit: Int32 = 0
    waitpid(pid, &exit, 0)
  }
}
