import Foundation
import Language
import Library

/// Process-wide set-up shared by every command.
enum Session {
  /// Binds the modules above the core language into a fresh interpreter.
  static func prepare(_ interp: Interpreter) {
    Library.register(into: interp)
  }

  /// Runs `body` on a thread with a 1 GiB stack (virtual memory only), so deep
  /// recursion in user code reaches the interpreter's depth limit, not a crash.
  static func onLargeStack(_ body: @escaping @Sendable () -> Int32) -> Int32 {
    final class Box: @unchecked Sendable { var code: Int32 = 0 }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let t = Thread {
      box.code = body()
      done.signal()
    }
    t.stackSize = 1 << 30
    t.start()
    done.wait()
    return box.code
  }
}
