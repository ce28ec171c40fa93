import Dispatch
import Foundation
import Numerics

/// Runs independent work items on a fixed number of workers and collects their results in
/// item order. Item i is computed from its own inputs (its own seeded stream), so the
/// output does not depend on the number of workers; worker w takes items w, w + W, ….
/// The first error (including `cancelled`) stops every worker at its next item and is
/// rethrown.
enum ParallelWork {
  static func map<T: Sendable>(
    count: Int, workers requested: Int, cancellation: Cancellation,
    _ body: @Sendable (Int) throws -> T
  ) throws -> [T] {
    let workers = max(1, min(requested, count))
    let box = ResultBox<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < count && !box.failed {
        do {
          try cancellation.check()
          box.store(try body(i), at: i)
        } catch {
          box.fail(error)
        }
        i += workers
      }
    }
    if let error = box.error { throw error }
    return box.results()
  }
}

/// Results written by index from several threads under a lock.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [T?]
  private var firstError: (any Error)?

  init(count: Int) { values = [T?](repeating: nil, count: count) }

  var failed: Bool { lock.withLock { firstError != nil } }
  var error: (any Error)? { lock.withLock { firstError } }

  func store(_ value: T, at i: Int) { lock.withLock { values[i] = value } }

  func fail(_ error: any Error) {
    lock.withLock { if firstError == nil { firstError = error } }
  }

  func results() -> [T] { lock.withLock { values.map { $0! } } }
}
