import Foundation
import Numerics
import Synchronization

/// Ctrl-C for the interactive REPL, after Lua's `lua.c`: the SIGINT handler only records
/// the request; the interpreter polls it through `HostConfiguration.cancellation` at its
/// next safe point (loops, calls, long builtins) and the statement fails with an
/// `interrupted` error, leaving every variable as it was.
///
/// - At the prompt the handler interrupts the blocking `read` (the handler is installed
///   without `SA_RESTART`); `LineReader`'s `getc` sees `EINTR` and abandons the line.
/// - While a statement runs, a second Ctrl-C before the first was honoured ends the
///   process with the default SIGINT action, for a builtin that never polls.
///
/// Signals directed at the process may land on any thread; the handler forwards them to
/// the REPL thread, whose `read` is the one that must see `EINTR`.
enum Interrupt {
  /// Ctrl-C presses not yet consumed by `take()`.
  private static let pending = Atomic<Int>(0)
  /// True while a statement runs (a second Ctrl-C then kills).
  private static let running = Atomic<Bool>(false)
  /// The thread that reads input and runs statements.
  nonisolated(unsafe) private static var owner: pthread_t?

  /// The cancellation the interpreter polls.
  static let cancellation = Cancellation { pending.load(ordering: .relaxed) > 0 }

  /// Installs the SIGINT handler for the calling thread (the REPL thread).
  static func install() {
    _ = pending.load(ordering: .relaxed)
    _ = running.load(ordering: .relaxed)
    owner = pthread_self()
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handleSIGINT
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: a blocking read returns EINTR
    sigaction(SIGINT, &action, nil)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  /// Whether Ctrl-C was pressed since the last `take()`.
  static var isPending: Bool { pending.load(ordering: .relaxed) > 0 }

  /// Consumes pending presses; returns whether there were any.
  @discardableResult
  static func take() -> Bool { pending.exchange(0, ordering: .relaxed) > 0 }

  /// Runs `body` as a statement: a press since the line was read (`take()` at the prompt)
  /// cancels it, and a second press during `body` ends the process.
  static func whileRunning<T>(_ body: () throws -> T) rethrows -> T {
    running.store(true, ordering: .relaxed)
    defer {
      running.store(false, ordering: .relaxed)
      install()
    }
    return try body()
  }

  fileprivate static func signalled() {
    if let owner, pthread_equal(pthread_self(), owner) == 0 {
      pthread_kill(owner, SIGINT)
      return
    }
    let before = pending.add(1, ordering: .relaxed).oldValue
    if running.load(ordering: .relaxed) && before >= 1 {
      let message = "\ninterrupted twice: quitting\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      signal(SIGINT, SIG_DFL)
      raise(SIGINT)
    }
  }
}

private func handleSIGINT(_: Int32) {
  Interrupt.signalled()
}
