import Numerics

/// A value read from or written to a data file: a table (CSV, TSV) or an array (NPY).
public enum DataValue: Sendable, Equatable {
  case table(Table)
  case array(NPYArray)
}

/// `load` and `save`: the file format follows the path's extension.
public enum DataFile {
  /// The formats, by extension.
  enum Format {
    case delimited
    case npy
  }

  static func format(of path: String) throws -> Format {
    let lower = path.lowercased()
    if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab")
      || lower.hasSuffix(".txt")
    {
      return .delimited
    }
    if lower.hasSuffix(".npy") { return .npy }
    throw DataError.unsupported(
      path: path, message: "file extension; expected .csv, .tsv, .tab, .txt or .npy")
  }

  /// Reads `path`: `.csv`, `.tsv`, `.tab`, `.txt` as a table (with `options`), `.npy`
  /// as an array.
  public static func load(
    _ path: String, options: CSVOptions = CSVOptions(), cancellation: Cancellation = .never
  ) throws -> DataValue {
    switch try format(of: path) {
    case .delimited:
      return .table(try CSV.read(path: path, options: options, cancellation: cancellation))
    case .npy: return .array(try NPY.read(path: path))
    }
  }

  /// Writes `value` to `path` in the format of its extension. A table goes to `.npy` as
  /// the matrix of its columns (all numeric); an array goes to delimited text as a table
  /// with columns `c1`, `c2`, ... (a vector or scalar as one column).
  public static func save(_ value: DataValue, to path: String) throws {
    switch (try format(of: path), value) {
    case (.delimited, .table(let t)): try CSV.write(t, to: path)
    case (.npy, .array(let a)): try NPY.write(a, to: path)
    case (.npy, .table(let t)): try NPY.write(.matrix(try t.numericMatrix()), to: path)
    case (.delimited, .array(let a)):
      let table: Table
      switch a {
      case .scalar(let x): table = try Table([("c1", .number(Vector([x])))])
      case .vector(let v): table = try Table([("c1", .number(v))])
      case .matrix(let m): table = try Table(matrix: m)
      }
      try CSV.write(table, to: path)
    }
  }
}
