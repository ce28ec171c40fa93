/// A 1-D array of `Double`: contiguous storage with copy-on-write value semantics
/// (a copy is one retain; the first write after a copy duplicates the buffer).
public struct Vector: Sendable, Hashable, RandomAccessCollection, MutableCollection,
  ExpressibleByArrayLiteral
{
  /// The elements, in order. Exposed for fast loops; `Array` supplies copy-on-write.
  public var elements: [Double]

  public init(_ elements: [Double]) { self.elements = elements }
  public init<S: Sequence>(_ s: S) where S.Element == Double { elements = Array(s) }
  public init(arrayLiteral elements: Double...) { self.elements = elements }
  public init(count: Int, repeating value: Double = 0) {
    elements = [Double](repeating: value, count: count)
  }
  /// Builds a vector of `count` elements by writing into uninitialised storage.
  @inlinable
  public init(
    unsafeUninitializedCount count: Int,
    _ body: (inout UnsafeMutableBufferPointer<Double>) throws -> Void
  ) rethrows {
    elements = try [Double](unsafeUninitializedCapacity: count) { buf, n in
      try body(&buf)
      n = count
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { elements.count }
  public var count: Int { elements.count }
  public var shape: [Int] { [elements.count] }

  @inlinable
  public subscript(i: Int) -> Double {
    get { elements[i] }
    set { elements[i] = newValue }
  }

  /// `n` evenly spaced points from `a` to `b` inclusive (numpy `linspace`).
  public static func linspace(_ a: Double, _ b: Double, count n: Int) -> Vector {
    if n <= 0 { return Vector([]) }
    if n == 1 { return Vector([a]) }
    let step = (b - a) / Double(n - 1)
    return Vector(unsafeUninitializedCount: n) { buf in
      for i in 0..<n { buf[i] = a + Double(i) * step }
      buf[n - 1] = b
    }
  }

  /// Half-open range `[a, a+step, ...)` stopping before `b` (numpy `arange`).
  public static func range(_ a: Double, _ b: Double, step: Double = 1) throws -> Vector {
    guard step != 0, step.isFinite, a.isFinite, b.isFinite else {
      throw NumericsError.invalidArgument(
        operation: "range", message: "expected finite bounds and a non-zero step")
    }
    let count = ((b - a) / step).rounded(.up)
    guard count < Double(Int32.max) * 64 else {
      throw NumericsError.invalidArgument(
        operation: "range", message: "a range of \(count) elements is too long")
    }
    let n = count > 0 ? Int(count) : 0
    return Vector(unsafeUninitializedCount: n) { buf in
      for i in 0..<n { buf[i] = a + Double(i) * step }
    }
  }

  /// Sum with pairwise blocking for accuracy (error grows like log n, as numpy's).
  public func sum() -> Double { elements.withUnsafeBufferPointer { Kernels.pairwiseSum($0) } }
  public func product() -> Double { elements.reduce(1, *) }
  public func mean() -> Double { elements.isEmpty ? .nan : sum() / Double(count) }

  public func cumsum() -> Vector {
    var acc = 0.0
    return Vector(
      elements.map {
        acc += $0
        return acc
      })
  }

  public func map(_ f: (Double) throws -> Double) rethrows -> Vector {
    try Vector(elements.map(f))
  }
}

/// Small fast kernels over raw buffers, shared by `Vector`, `Matrix` and the language.
public enum Kernels {
  /// Pairwise summation: blocks of 128 summed with 4 accumulators, combined as a tree.
  public static func pairwiseSum(_ x: UnsafeBufferPointer<Double>) -> Double {
    pairwise(x.baseAddress, x.count)
  }

  private static func pairwise(_ p: UnsafePointer<Double>?, _ n: Int) -> Double {
    guard let p else { return 0 }
    if n <= 128 {
      var s0 = 0.0
      var s1 = 0.0
      var s2 = 0.0
      var s3 = 0.0
      var i = 0
      while i + 4 <= n {
        s0 += p[i]
        s1 += p[i + 1]
        s2 += p[i + 2]
        s3 += p[i + 3]
        i += 4
      }
      while i < n {
        s0 += p[i]
        i += 1
      }
      return (s0 + s1) + (s2 + s3)
    }
    let half = (n / 2) & ~7
    return pairwise(p, half) + pairwise(p + half, n - half)
  }
}
