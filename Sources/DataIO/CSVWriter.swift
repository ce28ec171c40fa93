import Numerics

/// Writes tables as RFC 4180 delimited text.
///
/// Numbers use the shortest text that reads back to the same `Double` (Swift's
/// `description`), integers without `.0`, and `NaN`, `inf`, `-inf` for the special
/// values. Text is quoted, with quotes doubled, when it contains the separator, a quote,
/// a line break, or leading or trailing spaces. Lines end with LF.
enum CSVWriter {
  static func write(_ table: Table, to sink: ByteSink, separator: UInt8) throws {
    try writeRow(table.names, to: sink, separator: separator)
    for i in 0..<table.rowCount {
      for (j, column) in table.columns.enumerated() {
        if j > 0 { try sink.append(separator) }
        switch column {
        case .number(let v): try sink.append(format(v.elements[i]).utf8)
        case .text(let s): try field(s[i], to: sink, separator: separator)
        }
      }
      try sink.append(UInt8(ascii: "\n"))
    }
  }

  private static func writeRow(_ values: [String], to sink: ByteSink, separator: UInt8) throws {
    for (j, v) in values.enumerated() {
      if j > 0 { try sink.append(separator) }
      try field(v, to: sink, separator: separator)
    }
    try sink.append(UInt8(ascii: "\n"))
  }

  private static func field(_ text: String, to sink: ByteSink, separator: UInt8) throws {
    let bytes = text.utf8
    let needsQuotes =
      bytes.contains { $0 == separator || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      || bytes.first == 0x20 || bytes.last == 0x20
    guard needsQuotes else { return try sink.append(bytes) }
    try sink.append(0x22)
    for b in bytes {
      if b == 0x22 { try sink.append(0x22) }
      try sink.append(b)
    }
    try sink.append(0x22)
  }

  /// Shortest round-trip text of `x`; integral values below 2⁵³ without a fraction.
  static func format(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 9_007_199_254_740_992 {
      if x == 0 && x.sign == .minus { return "-0" }
      return String(Int64(x))
    }
    return x.description
  }
}

/// CSV and TSV files: `readcsv` and `writecsv`.
public enum CSV {
  /// Reads the delimited text file at `path` into a table (see `CSVOptions` for the
  /// separator, header, comment and skip settings and `CSVReader` for the rules).
  /// Malformed input throws `DataError.malformed` with the line and column.
  public static func read(
    path: String, options: CSVOptions = CSVOptions(), cancellation: Cancellation = .never
  ) throws -> Table {
    try CSVReader.read(
      source: ByteSource(path: path), options: options, cancellation: cancellation)
  }

  /// Reads delimited text held in memory; `label` names it in error messages (and a
  /// `.tsv` label selects tab separators).
  public static func read(
    bytes: [UInt8], label: String = "<string>", options: CSVOptions = CSVOptions()
  ) throws -> Table {
    try CSVReader.read(
      source: ByteSource(bytes: bytes, label: label), options: options, cancellation: .never)
  }

  /// Writes `table` with a header row. The separator defaults to tab for a `.tsv` or
  /// `.tab` path and `,` otherwise.
  public static func write(_ table: Table, to path: String, separator: Character? = nil) throws {
    let lower = path.lowercased()
    let chosen =
      separator ?? (lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? "\t" : ",")
    let validated = try CSVOptions(separator: chosen).validated()
    let sink = try ByteSink(path: path)
    try CSVWriter.write(table, to: sink, separator: validated.separator!)
    try sink.finish()
  }
}
