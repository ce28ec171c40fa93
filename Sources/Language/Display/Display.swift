import Foundation
import Numerics

/// How values print at the top level (language.md, "Display").
///
/// - Numbers: the shortest text that reads back to the same double; integer-valued
///   numbers without a decimal point (`3`, `0.1`, `1e-12`).
/// - Vectors and matrices: a shape line, then values to 6 significant digits,
///   right-aligned; long ones are elided in the middle with `…`.
/// - Records: one `name: value` per line. Host objects print themselves.
public enum Display {
  /// Elements shown at each end of an elided vector, rows/columns of a matrix.
  static let edge = 5
  static let maxFull = 12

  public static func number(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 1e16 {
      if x == 0 { return x.sign == .minus ? "-0" : "0" }
      return String(Int64(x))
    }
    return x.description
  }

  /// 6 significant digits, `%g` style, integer-valued numbers without a point.
  public static func short(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 1e6 { return number(x) }
    return String(format: "%.6g", x)
  }

  /// The full top-level rendering of a value.
  public static func render(_ v: Value) -> String {
    switch v {
    case .vector(let vec): return renderVector(vec)
    case .matrix(let m): return renderMatrix(m)
    case .record(let r): return renderRecord(r)
    case .object(let o): return o.display()
    case .string(let s): return quoted(s)
    case .list(let items) where items.count > maxFull:
      let shown =
        items.prefix(edge).map { inline($0) } + ["…"] + items.suffix(edge).map { inline($0) }
      return "list(\(items.count))\n[" + shown.joined(separator: ", ") + "]"
    default: return inline(v)
    }
  }

  /// One-line rendering, used inside lists, records and string interpolation.
  public static func inline(_ v: Value) -> String {
    switch v {
    case .number(let x): return number(x)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return quoted(s)
    case .nil: return "nil"
    case .vector(let vec):
      let parts: [String]
      if vec.count > maxFull {
        parts =
          vec.elements.prefix(edge).map(short) + ["…"] + vec.elements.suffix(edge).map(short)
      } else {
        parts = vec.elements.map(short)
      }
      return "[" + parts.joined(separator: ", ") + "]"
    case .matrix(let m):
      if m.rows * m.cols > 16 { return "matrix(\(m.rows)×\(m.cols))" }
      let rows = (0..<m.rows).map { i in
        (0..<m.cols).map { short(m[i, $0]) }.joined(separator: ", ")
      }
      return "[" + rows.joined(separator: "; ") + "]"
    case .list(let items):
      let shown =
        items.count > maxFull
        ? items.prefix(edge).map { inline($0) } + ["…"] + items.suffix(edge).map { inline($0) }
        : items.map { inline($0) }
      return "[" + shown.joined(separator: ", ") + "]"
    case .record(let r):
      let parts = zip(r.keys, r.values).map { "\($0): \(inline($1))" }
      return "{" + parts.joined(separator: ", ") + "}"
    case .function(let f): return "<\(f.signature)>"
    case .module(let m): return "<module \(m.name): \(m.members.count) members>"
    case .object(let o):
      let d = o.display()
      return d.contains("\n") ? "<\(o.typeName)>" : d
    }
  }

  static func quoted(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
      switch ch {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if ch.value < 0x20 {
          out += "\\u{\(String(ch.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(ch)
        }
      }
    }
    return out + "\""
  }

  static func renderVector(_ v: Vector) -> String {
    let header = "vector(\(v.count))"
    if v.count == 0 { return header + "\n[]" }
    let cells: [String]
    if v.count > maxFull {
      cells = v.elements.prefix(edge).map(short) + ["…"] + v.elements.suffix(edge).map(short)
    } else {
      cells = v.elements.map(short)
    }
    let width = cells.map(\.count).max() ?? 0
    return header + "\n" + cells.map { pad($0, width) }.joined(separator: "  ")
  }

  static func renderMatrix(_ m: Matrix) -> String {
    let header = "matrix(\(m.rows)×\(m.cols))"
    if m.rows == 0 || m.cols == 0 { return header }
    func picks(_ n: Int) -> [Int?] {
      n > maxFull
        ? Array(0..<edge).map { $0 } + [nil] + Array((n - edge)..<n).map { $0 }
        : Array(0..<n).map { $0 }
    }
    let rowPicks = picks(m.rows)
    let colPicks = picks(m.cols)
    let table: [[String]] = rowPicks.map { i in
      colPicks.map { j in
        guard let i else { return j == nil ? "⋱" : "⋮" }
        guard let j else { return "…" }
        return short(m[i, j])
      }
    }
    var widths = [Int](repeating: 0, count: colPicks.count)
    for r in table { for (k, c) in r.enumerated() { widths[k] = max(widths[k], c.count) } }
    let lines = table.map { r in
      r.enumerated().map { pad($1, widths[$0]) }.joined(separator: "  ")
    }
    return header + "\n" + lines.joined(separator: "\n")
  }

  static func renderRecord(_ r: Record) -> String {
    if r.count == 0 { return "{}" }
    let width = r.keys.map(\.count).max() ?? 0
    return zip(r.keys, r.values).map { k, v in
      let text = inline(v)
      return k + ":" + String(repeating: " ", count: width - k.count + 1) + text
    }.joined(separator: "\n")
  }

  static func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}
