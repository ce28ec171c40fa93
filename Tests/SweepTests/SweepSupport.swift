import Foundation

/// What a finished command printed and returned.
struct CommandResult {
  let code: Int32
  let out: String
  let err: String
}

/// Helpers shared by the sweep tests: the built `replica`, temporary folders, commands.
enum Support {
  /// The `replica` built next to the test bundle.
  static var replica: String {
    let exe =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments.first ?? ""
    return ((exe as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
      "replica")
  }

  /// A new empty folder under the system's temporary directory.
  static func temporaryFolder(_ label: String) throws -> String {
    let path = "\(NSTemporaryDirectory())replica-sweep-\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Starts `executable` with `arguments` in `folder`, its output in files (so a long
  /// output never blocks it).
  static func start(
    _ executable: String, _ arguments: [String], in folder: String,
    environment: [String: String] = [:]
  ) throws -> (Child, out: String, err: String) {
    var env = ProcessInfo.processInfo.environment
    env["OPENBLAS_NUM_THREADS"] = "1"
    for (k, v) in environment { env[k] = v }
    let tag = UUID().uuidString.prefix(8)
    let out = "\(folder)/.cmd-\(tag).out"
    let err = "\(folder)/.cmd-\(tag).err"
    let child = try Child(
      executable, arguments, in: folder, environment: env, stdout: out, stderr: err)
    return (child, out, err)
  }

  /// Runs a command to the end.
  static func run(
    _ executable: String, _ arguments: [String], in folder: String,
    environment: [String: String] = [:]
  ) throws -> CommandResult {
    let (p, out, err) = try start(executable, arguments, in: folder, environment: environment)
    let code = p.wait()
    defer {
      unlink(out)
      unlink(err)
    }
    return CommandResult(code: code, out: read(out), err: read(err))
  }

  /// Runs `replica` with `arguments`.
  static func replica(_ arguments: [String], in folder: String) throws -> CommandResult {
    try run(replica, arguments, in: folder)
  }

  static func read(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  static func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  /// Waits until `condition` holds, polling every 50 ms, for at most `seconds`.
  @discardableResult
  static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      usleep(50_000)
    }
    return condition()
  }

  /// The rows of a simple CSV file (no quoted fields), header first.
  static func csv(_ path: String) -> [[String]] {
    read(path).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }

  /// How many times each point's run ended, by exit code, from a sweep's journal:
  /// `[point id: [exit codes]]`.
  static func journalEnds(_ sweep: String) -> [String: [Int]] {
    var ends: [String: [Int]] = [:]
    for line in read("\(sweep)/journal.log").split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count >= 3, f[0] == "end", let code = Int(f[2].dropFirst(5)) else { continue }
      ends[String(f[1]), default: []].append(code)
    }
    return ends
  }

  /// How many times each point's run started.
  static func journalStarts(_ sweep: String) -> [String: Int] {
    var starts: [String: Int] = [:]
    for line in read("\(sweep)/journal.log").split(separator: "\n") {
      let f = line.split(separator: " ")
      if f.count >= 2, f[0] == "start" { starts[String(f[1]), default: 0] += 1 }
    }
    return starts
  }

  /// A notebook for sweeps: `c = a * b`, declared as a result; `fail=1` makes it stop with
  /// an index error; `delay` seconds of busy waiting make a point slow.
  static let notebook = """
    # replica notebook v1
    # seed: 1

    # %% a point
    param a = 1
    param b = 2
    param fail = 0
    param delay = 0
    tic()
    while toc() < delay { }
    if fail == 1 { [1, 2][5] }
    c = a * b
    result(c=c, label="ok")

    """

  /// A free TCP port on the loopback interface (bound, then released).
  static func freePort() -> UInt16? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { return nil }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard named == 0 else { return nil }
    return UInt16(bigEndian: addr.sin_port)
  }
}

/// A child process started with `posix_spawn` and reaped with `waitpid` (no run loop,
/// no background reaper: exact and safe with tests running in parallel).
final class Child {
  let pid: pid_t
  private var status: Int32?

  init(
    _ executable: String, _ arguments: [String], in folder: String,
    environment: [String: String], stdout: String, stderr: String
  ) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    // The shell enters the folder and replaces itself with the command (same pid).
    let shell = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", folder, executable] + arguments
    let argv = shell.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
    defer {
      for p in argv { free(p) }
      for p in envp { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
    guard rc == 0 else {
      throw SlurmError.setUp("cannot start \(executable): \(String(cString: strerror(rc)))")
    }
    self.pid = pid
  }

  var isRunning: Bool {
    if status != nil { return false }
    var s: Int32 = 0
    let r = waitpid(pid, &s, WNOHANG)
    if r == pid { status = s }
    return r == 0
  }

  /// Waits for the end; the exit code, or 128 + the signal that ended it.
  @discardableResult
  func wait() -> Int32 {
    if status == nil {
      var s: Int32 = 0
      while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
      status = s
    }
    return code
  }

  /// The exit code, or 128 + the signal that ended it.
  var code: Int32 {
    guard let s = status else { return -1 }
    return s & 0x7f == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f)
  }

  var killedBySignal: Int32? {
    guard let s = status, s & 0x7f != 0 else { return nil }
    return s & 0x7f
  }
}
