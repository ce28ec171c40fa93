/// A 2-D array of `Double` in row-major order with copy-on-write value semantics.
///
/// Element `(i, j)` lives at `elements[i * cols + j]`. BLAS/LAPACK wrappers convert
/// to the layout each routine expects; callers never see the difference.
public struct Matrix: Sendable, Hashable {
  public private(set) var rows: Int
  public private(set) var cols: Int
  /// Row-major elements; `elements.count == rows * cols` always holds.
  ///
  /// In-place changes (`m.elements[k] = v`, `m[i, j] += v`) go through `_modify`, which
  /// yields the storage itself: a `didSet` observer here made every element write copy
  /// the whole array (quadratic time for a loop over the elements).
  public var elements: [Double] {
    get { storage }
    set {
      precondition(newValue.count == rows * cols, "Matrix storage size changed")
      storage = newValue
    }
    _modify {
      yield &storage
      precondition(storage.count == rows * cols, "Matrix storage size changed")
    }
  }
  private var storage: [Double]

  /// A `rows × cols` matrix filled with `value`.
  public init(rows: Int, cols: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && cols >= 0, "negative matrix dimension")
    self.rows = rows
    self.cols = cols
    storage = [Double](repeating: value, count: rows * cols)
  }

  /// A matrix over existing row-major storage; throws when the sizes disagree.
  public init(rows: Int, cols: Int, elements: [Double]) throws {
    guard rows >= 0, cols >= 0, elements.count == rows * cols else {
      throw NumericsError.invalidArgument(
        operation: "Matrix",
        message:
          "expected \(max(rows, 0) * max(cols, 0)) elements for \(rows)×\(cols), found \(elements.count)"
      )
    }
    self.rows = rows
    self.cols = cols
    storage = elements
  }

  /// Builds a matrix from equal-length rows; throws when rows are ragged.
  public init(rowsOf rowList: [[Double]]) throws {
    let c = rowList.first?.count ?? 0
    for (i, r) in rowList.enumerated() where r.count != c {
      throw NumericsError.invalidArgument(
        operation: "Matrix", message: "row \(i) has \(r.count) elements, expected \(c)")
    }
    try self.init(rows: rowList.count, cols: c, elements: rowList.flatMap { $0 })
  }

  /// Writes every element through a raw buffer (row-major), without initialising first.
  @inlinable
  public init(
    rows: Int, cols: Int,
    unsafeUninitialized body: (inout UnsafeMutableBufferPointer<Double>) throws -> Void
  ) rethrows {
    let n = rows * cols
    let storage = try [Double](unsafeUninitializedCapacity: n) { buf, count in
      try body(&buf)
      count = n
    }
    self.init(uncheckedRows: rows, cols: cols, elements: storage)
  }

  @usableFromInline
  init(uncheckedRows rows: Int, cols: Int, elements: [Double]) {
    self.rows = rows
    self.cols = cols
    storage = elements
  }

  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, cols: n)
    for i in 0..<n { m.elements[i * n + i] = 1 }
    return m
  }

  /// A square matrix with `d` on the diagonal.
  public static func diagonal(_ d: Vector) -> Matrix {
    var m = Matrix(rows: d.count, cols: d.count)
    for i in 0..<d.count { m.elements[i * d.count + i] = d[i] }
    return m
  }

  public var shape: [Int] { [rows, cols] }
  public var count: Int { elements.count }
  public var isSquare: Bool { rows == cols }

  @inlinable
  public subscript(i: Int, j: Int) -> Double {
    get { elements[i * cols + j] }
    set { elements[i * cols + j] = newValue }
  }

  public func row(_ i: Int) -> Vector { Vector(elements[(i * cols)..<((i + 1) * cols)]) }

  public func column(_ j: Int) -> Vector {
    Vector(unsafeUninitializedCount: rows) { buf in
      for i in 0..<rows { buf[i] = elements[i * cols + j] }
    }
  }

  public mutating func setRow(_ i: Int, _ v: Vector) {
    precondition(v.count == cols, "row length mismatch")
    elements.replaceSubrange((i * cols)..<((i + 1) * cols), with: v.elements)
  }

  public mutating func setColumn(_ j: Int, _ v: Vector) {
    precondition(v.count == rows, "column length mismatch")
    for i in 0..<rows { elements[i * cols + j] = v[i] }
  }

  /// The diagonal as a vector (length `min(rows, cols)`).
  public var diagonalElements: Vector {
    Vector((0..<min(rows, cols)).map { elements[$0 * cols + $0] })
  }

  public func transposed() -> Matrix {
    let (r, c) = (rows, cols)
    return elements.withUnsafeBufferPointer { src in
      Matrix(rows: c, cols: r) { dst in
        if let s = src.baseAddress, let d = dst.baseAddress {
          Matrix.transpose(s, rows: r, cols: c, into: d)
        }
      }
    }
  }

  /// Writes the transpose of the row-major `rows × cols` block at `src` to `dst` as a
  /// row-major `cols × rows` block, in 32 × 32 tiles so that both sides stay in cache for
  /// large matrices. The two must not overlap.
  public static func transpose(
    _ src: UnsafePointer<Double>, rows r: Int, cols c: Int, into dst: UnsafeMutablePointer<Double>
  ) {
    let b = 32
    for i0 in stride(from: 0, to: r, by: b) {
      for j0 in stride(from: 0, to: c, by: b) {
        for i in i0..<min(i0 + b, r) {
          for j in j0..<min(j0 + b, c) { dst[j * r + i] = src[i * c + j] }
        }
      }
    }
  }

  /// Same elements, new shape; throws when the element count differs.
  public func reshaped(rows r: Int, cols c: Int) throws -> Matrix {
    guard r >= 0, c >= 0, r * c == count else {
      throw NumericsError.shapeMismatch(operation: "reshape", lhs: shape, rhs: [r, c])
    }
    return Matrix(uncheckedRows: r, cols: c, elements: elements)
  }

  public func map(_ f: (Double) throws -> Double) rethrows -> Matrix {
    Matrix(uncheckedRows: rows, cols: cols, elements: try elements.map(f))
  }

  public func sum() -> Double { elements.withUnsafeBufferPointer { Kernels.pairwiseSum($0) } }

  public var trace: Double { diagonalElements.sum() }

  /// Sums along an axis: 0 gives one value per column, 1 one per row (numpy `axis=`).
  public func sum(axis: Int) -> Vector {
    if axis == 0 {
      var out = [Double](repeating: 0, count: cols)
      for i in 0..<rows { for j in 0..<cols { out[j] += elements[i * cols + j] } }
      return Vector(out)
    }
    return Vector((0..<rows).map { row($0).sum() })
  }

  /// Frobenius norm.
  public var frobeniusNorm: Double {
    var s = 0.0
    for x in elements { s += x * x }
    return s.squareRoot()
  }
}
