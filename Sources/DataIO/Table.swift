import Numerics

/// A data table: ordered, uniquely named columns of equal length, each numbers or text.
///
/// Tables are values (copy-on-write through their column arrays). Every operation that
/// could break the invariants (equal lengths, unique names) throws instead.
public struct Table: Sendable, Equatable, CustomStringConvertible {
  /// One column's values.
  public enum Column: Sendable, Equatable {
    case number(Vector)
    case text([String])

    /// Number of values.
    public var count: Int {
      switch self {
      case .number(let v): return v.count
      case .text(let s): return s.count
      }
    }

    /// The value at row `i` (which must be in range).
    public subscript(i: Int) -> Cell {
      switch self {
      case .number(let v): return .number(v[i])
      case .text(let s): return .text(s[i])
      }
    }

    /// The column restricted to `indices`, in that order.
    func gathering(_ indices: [Int]) -> Column {
      switch self {
      case .number(let v):
        return .number(
          Vector(unsafeUninitializedCount: indices.count) { buf in
            for (k, i) in indices.enumerated() { buf[k] = v.elements[i] }
          })
      case .text(let s): return .text(indices.map { s[$0] })
      }
    }

    /// Equality of values where NaN equals NaN (a missing value is the same missing
    /// value); otherwise exact IEEE equality, so `0.0 == -0.0`.
    public static func == (a: Column, b: Column) -> Bool {
      switch (a, b) {
      case (.number(let x), .number(let y)):
        guard x.count == y.count else { return false }
        for i in 0..<x.count where !(x[i] == y[i] || (x[i].isNaN && y[i].isNaN)) {
          return false
        }
        return true
      case (.text(let x), .text(let y)): return x == y
      default: return false
      }
    }
  }

  /// One value of a table, as found at a row and column.
  public enum Cell: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public var description: String {
      switch self {
      case .number(let x): return TableRenderer.format(x)
      case .text(let s): return s
      }
    }
  }

  /// A row as `(name, value)` pairs in column order.
  public typealias Record = [(name: String, value: Cell)]

  /// Column names, in order; unique.
  public internal(set) var names: [String]
  /// Column values, parallel to `names`.
  public internal(set) var columns: [Column]
  /// Number of rows (0 for a table without columns).
  public internal(set) var rowCount: Int

  /// A table from `(name, column)` pairs; throws on a duplicate name or unequal lengths.
  public init(_ pairs: [(name: String, column: Column)]) throws {
    names = []
    columns = []
    rowCount = pairs.first?.column.count ?? 0
    for (name, column) in pairs {
      guard !names.contains(name) else {
        throw DataError.invalidArgument(
          operation: "table", message: "column name '\(name)' appears twice")
      }
      guard column.count == rowCount else {
        throw DataError.lengthMismatch(column: name, expected: rowCount, found: column.count)
      }
      names.append(name)
      columns.append(column)
    }
  }

  /// A table whose invariants the caller guarantees (unique names, `rowCount` values in
  /// every column).
  init(unchecked pairs: [(name: String, column: Column)], rowCount: Int) {
    names = pairs.map(\.name)
    columns = pairs.map(\.column)
    self.rowCount = rowCount
  }

  /// The empty table: no columns, no rows.
  public init() {
    names = []
    columns = []
    rowCount = 0
  }

  /// A numeric table whose columns are the columns of `matrix`, named by `names`
  /// (default `c1`, `c2`, ...).
  public init(matrix: Matrix, names: [String]? = nil) throws {
    let names = names ?? (0..<matrix.cols).map { "c\($0 + 1)" }
    guard names.count == matrix.cols else {
      throw DataError.invalidArgument(
        operation: "table",
        message: "expected \(matrix.cols) column names, found \(names.count)")
    }
    try self.init(names.enumerated().map { ($0.element, .number(matrix.column($0.offset))) })
  }

  public var columnCount: Int { columns.count }

  /// The column called `name`; an unknown name throws with the closest existing name.
  public func column(named name: String) throws -> Column {
    columns[try index(of: name)]
  }

  /// The position of column `name`; throws `unknownColumn` with a suggestion.
  func index(of name: String) throws -> Int {
    if let i = names.firstIndex(of: name) { return i }
    throw DataError.unknownColumn(name: name, suggestion: EditDistance.closest(to: name, in: names))
  }

  /// A copy with `column` stored under `name`: replaces a column of that name in place,
  /// otherwise appends it. Throws when its length differs from the row count (an empty
  /// table takes any length).
  public func adding(column: Column, named name: String) throws -> Table {
    var t = self
    if columns.isEmpty {
      t.rowCount = column.count
    } else if column.count != rowCount {
      throw DataError.lengthMismatch(column: name, expected: rowCount, found: column.count)
    }
    if let i = names.firstIndex(of: name) {
      t.columns[i] = column
    } else {
      t.names.append(name)
      t.columns.append(column)
    }
    return t
  }

  /// The value at `row` (0-based) of every column, as `(name, value)` pairs.
  public func record(at row: Int) throws -> Record {
    guard row >= 0, row < rowCount else {
      throw DataError.invalidArgument(
        operation: "row", message: "index \(row) is out of range for \(rowCount) rows")
    }
    return zip(names, columns).map { ($0, $1[row]) }
  }

  /// The rows as records, lazily: `for r in t.rows { ... }`.
  public var rows: Rows { Rows(table: self) }

  /// A random-access view of a table's rows as `(name, value)` records.
  public struct Rows: RandomAccessCollection, Sendable {
    let table: Table
    public var startIndex: Int { 0 }
    public var endIndex: Int { table.rowCount }
    public subscript(i: Int) -> Record {
      precondition(i >= 0 && i < table.rowCount, "row index out of range")
      return zip(table.names, table.columns).map { ($0, $1[i]) }
    }
  }

  /// All columns as one row-major matrix; throws when a column holds text.
  public func numericMatrix() throws -> Matrix {
    var vectors: [Vector] = []
    for (name, column) in zip(names, columns) {
      guard case .number(let v) = column else {
        throw DataError.invalidArgument(
          operation: "matrix", message: "column '\(name)' holds text, expected numbers")
      }
      vectors.append(v)
    }
    let rows = rowCount
    let cols = vectors.count
    return Matrix(rows: rows, cols: cols) { buf in
      for (j, v) in vectors.enumerated() {
        for i in 0..<rows { buf[i * cols + j] = v.elements[i] }
      }
    }
  }

  public var description: String { render() }
}
