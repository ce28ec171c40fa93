import Dispatch
import Foundation

/// Runs independent work items on a fixed number of workers and collects their results
/// in item order: the one way the study modules use both cores.
///
/// Item i is always computed by the same code from the same inputs (callers give each
/// item its own seeded random stream, e.g. `RandomGenerator(seed:).stream(i)`), and
/// results are stored by index, so the output does not depend on the number of workers
/// or on scheduling. Workers take the next untaken item in order whenever they are free
/// (a thread that starts late, e.g. on a busy virtual core, leaves its share to the
/// others instead of holding everyone up). The first
/// error thrown by any item (including `NumericsError.cancelled` from `cancellation`)
/// stops every worker at its next item and is rethrown. Progress is reported once per
/// finished item.
public enum ParallelWork {
  /// The default number of workers: the active processor count.
  public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  public static func map<T: Sendable>(
    count: Int, workers requested: Int, cancellation: Cancellation,
    progress: Progress = .silent, _ body: @Sendable (Int) throws -> T
  ) throws -> [T] {
    let workers = max(1, min(requested, count))
    let box = ResultBox<T>(count: count, progress: progress)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let i = box.next(), !box.failed {
        do {
          try cancellation.check()
          box.store(try body(i), at: i)
        } catch {
          box.fail(error)
        }
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
  private var done = 0
  private var taken = 0
  private let progress: Progress

  init(count: Int, progress: Progress) {
    values = [T?](repeating: nil, count: count)
    self.progress = progress
  }

  var failed: Bool { lock.withLock { firstError != nil } }
  var error: (any Error)? { lock.withLock { firstError } }

  func store(_ value: T, at i: Int) {
    let finished = lock.withLock {
      values[i] = value
      done += 1
      return done
    }
    progress.report(finished, of: values.count)
  }

  /// The next item nobody has taken yet, or nil when all are taken.
  func next() -> Int? {
    lock.withLock {
      guard taken < values.count else { return nil }
      taken += 1
      return taken - 1
    }
  }

  func fail(_ error: any Error) {
    lock.withLock { if firstError == nil { firstError = error } }
  }

  func results() -> [T] { lock.withLock { values.map { $0! } } }
}

/// A thread-safe counter of finished work for `Progress`.
public final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var done = 0
  private let total: Int
  private let progress: Progress

  public init(total: Int, progress: Progress) {
    self.total = total
    self.progress = progress
  }

  public func advance(by n: Int = 1) {
    let now = lock.withLock {
      done += n
      return done
    }
    progress.report(now, of: total)
  }
}

/// A buffer of doubles shared by worker threads that read it or write disjoint parts of
/// it (`ParallelWork` items writing into one result). The owner frees it; a buffer made
/// from a pointer only borrows it.
public final class SharedDoubles: @unchecked Sendable {
  public let p: UnsafeMutablePointer<Double>
  private let owned: Bool

  /// `count` zeros.
  public init(count: Int) {
    p = .allocate(capacity: max(count, 1))
    p.initialize(repeating: 0, count: max(count, 1))
    owned = true
  }

  /// A copy of `values`.
  public init(_ values: [Double]) {
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(values.count, 1))
    buffer.initialize(repeating: 0, count: max(values.count, 1))
    values.withUnsafeBufferPointer { v in
      if let b = v.baseAddress { buffer.update(from: b, count: v.count) }
    }
    p = buffer
    owned = true
  }

  /// Borrows memory owned elsewhere (`free` does nothing).
  public init(pointer: UnsafeMutablePointer<Double>) {
    p = pointer
    owned = false
  }

  /// Releases an owned buffer.
  public func free() { if owned { p.deallocate() } }
}
