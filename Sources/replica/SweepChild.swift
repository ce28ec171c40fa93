import Foundation

/// A child process started with `posix_spawn` and reaped with `waitpid`, so the sweep's
/// loop knows exactly when each point ends (no run loop, no background reaper).
/// Its standard input and output are `/dev/null`; SIGINT and SIGTERM have their default
/// actions in it even though the sweep itself catches them.
final class SweepChild {
  let pid: pid_t
  private(set) var status: Int32?

  private init(pid: pid_t) { self.pid = pid }

  /// Starts `executable` with `arguments` and `environment`.
  static func spawn(_ executable: String, _ arguments: [String], environment: [String: String])
    throws -> SweepChild
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in [0, 1, 2] {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
    defer {
      for p in argv { free(p) }
      for p in envp { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else {
      throw SweepError.cannotStart(executable, String(cString: strerror(rc)))
    }
    return SweepChild(pid: pid)
  }

  /// True until the child has ended (and been reaped).
  var isRunning: Bool {
    if status != nil { return false }
    var s: Int32 = 0
    let r = waitpid(pid, &s, WNOHANG)
    if r == pid || (r < 0 && errno == ECHILD) {
      status = r == pid ? s : 0
      return false
    }
    return true
  }

  /// The exit code, or nil if it ended by a signal or is still running.
  var exitCode: Int32? {
    guard !isRunning, let s = status, s & 0x7f == 0 else { return nil }
    return (s >> 8) & 0xff
  }

  /// The signal that ended it, if one did.
  var signal: Int32? {
    guard !isRunning, let s = status, s & 0x7f != 0 else { return nil }
    return s & 0x7f
  }

  func send(_ sig: Int32) {
    if isRunning { kill(pid, sig) }
  }
}
