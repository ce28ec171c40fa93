import Foundation
import Numerics

extension Figure {
  /// The figure as canonical JSON: object keys sorted, no insignificant whitespace, numbers
  /// printed by Swift's shortest round-trip formatting (integral values below 2^53 without a
  /// fraction), NaN and ±infinity as the strings "nan", "inf", "-inf", strings with only
  /// `"`, `\` and control characters escaped. Equal figures give identical text, so the
  /// text can be hashed to identify a figure.
  public func canonicalJSON() -> String {
    // Encoding a tree of plain Codable values with non-conforming floats as strings cannot
    // fail, and decoding what JSONEncoder just wrote as a JSON tree cannot fail either.
    let data = try! Self.encoder.encode(self)
    let tree = try! JSONDecoder().decode(JSONValue.self, from: data)
    var out = ""
    tree.write(to: &out)
    return out
  }

  /// The SHA-256 (hex) of the canonical JSON with every number rounded to 9 significant
  /// digits: the figure's identity for notebooks. Nine digits are far below anything a
  /// plot can show, yet last-bit differences between builds and CPUs (vector kernels,
  /// BLAS) do not change the hash, so `replica check` compares what the figure shows.
  public func specHash() -> String {
    let data = try! Self.encoder.encode(self)
    let tree = try! JSONDecoder().decode(JSONValue.self, from: data)
    var out = ""
    tree.write(to: &out, significantDigits: 9)
    return SHA256.hex(out)
  }

  /// Reads a figure from `canonicalJSON()` output (or any JSON of the same shape).
  public init(json: String) throws {
    do {
      self = try Self.decoder.decode(Figure.self, from: Data(json.utf8))
    } catch {
      throw PlotError.invalidValue(
        context: "figure JSON", expected: "a figure as written by canonicalJSON()",
        found: "\(error)")
    }
  }

  static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    e.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  static var decoder: JSONDecoder {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }
}

/// A parsed JSON document, written back canonically.
indirect enum JSONValue: Decodable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let n = try? c.decode(Double.self) {
      self = .number(n)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  func write(to out: inout String, significantDigits: Int? = nil) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n):
      if let digits = significantDigits {
        out += n == 0 ? "0" : String(format: "%.\(digits)g", n)
      } else {
        out += Self.format(n)
      }
    case .string(let s): Self.quote(s, into: &out)
    case .array(let a):
      out += "["
      for (k, v) in a.enumerated() {
        if k > 0 { out += "," }
        v.write(to: &out, significantDigits: significantDigits)
      }
      out += "]"
    case .object(let o):
      out += "{"
      for (k, key) in o.keys.sorted().enumerated() {
        if k > 0 { out += "," }
        Self.quote(key, into: &out)
        out += ":"
        o[key]!.write(to: &out, significantDigits: significantDigits)
      }
      out += "}"
    }
  }

  static func format(_ n: Double) -> String {
    if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
    return n.description
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        out +=
          "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count)
          + String(u.value, radix: 16)
      default: out.unicodeScalars.append(u)
      }
    }
    out += "\""
  }
}
