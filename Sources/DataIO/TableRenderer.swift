#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Text display of tables: a header, the first and last rows with `...` between when
/// the table is long, aligned columns (numbers right, text left), and a final size line.
enum TableRenderer {
  /// Widest text shown in a cell; longer text is cut with an ellipsis.
  static let maxTextWidth = 24

  /// `x` with 6 significant digits in the shortest of fixed or exponent form (C's
  /// `%.6g`); `NaN`, `inf`, `-inf` for the special values.
  static func format(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    var buffer = [CChar](repeating: 0, count: 32)
    let n = withVaList([x]) { args in
      buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 32, "%.6g", args) }
    }
    return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func render(_ table: Table, maxRows: Int) -> String {
    let n = table.rowCount
    let shown: [Int?]
    if n <= max(maxRows, 2) {
      shown = Array(0..<n)
    } else {
      let top = (max(maxRows, 2) + 1) / 2
      let bottom = max(maxRows, 2) - top
      shown = Array(0..<top) + [nil] + Array((n - bottom)..<n)
    }
    // Columns of cells: the row index first, then each table column.
    var grid: [[String]] = [[""] + shown.map { $0.map(String.init) ?? "..." }]
    var rightAligned = [true]
    for (name, column) in zip(table.names, table.columns) {
      var cells = [clip(name)]
      for row in shown {
        guard let row else {
          cells.append("...")
          continue
        }
        switch column {
        case .number(let v): cells.append(format(v[row]))
        case .text(let s): cells.append(clip(s[row]))
        }
      }
      grid.append(cells)
      if case .number = column { rightAligned.append(true) } else { rightAligned.append(false) }
    }
    let widths = grid.map { $0.map(\.count).max() ?? 0 }
    var lines: [String] = []
    for r in 0..<(shown.count + 1) {
      var parts: [String] = []
      for (c, cells) in grid.enumerated() {
        let pad = String(repeating: " ", count: widths[c] - cells[r].count)
        parts.append(rightAligned[c] ? pad + cells[r] : cells[r] + pad)
      }
      var line = parts.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      lines.append(line)
    }
    let rowWord = n == 1 ? "row" : "rows"
    let columnWord = table.columnCount == 1 ? "column" : "columns"
    lines.append("[\(n) \(rowWord) × \(table.columnCount) \(columnWord)]")
    return lines.joined(separator: "\n")
  }

  /// `text` on one line, at most `maxTextWidth` characters.
  private static func clip(_ text: String) -> String {
    var flat = String(text.map { $0.isNewline ? " " : $0 })
    if flat.count > maxTextWidth { flat = String(flat.prefix(maxTextWidth - 1)) + "…" }
    return flat
  }
}

extension Table {
  /// The table as aligned text: header, the first and last of `maxRows` rows (with a
  /// `...` row between when there are more), numbers to 6 significant digits, and a
  /// final line such as `[1000 rows × 3 columns]`.
  public func render(maxRows: Int = 10) -> String {
    TableRenderer.render(self, maxRows: maxRows)
  }
}
