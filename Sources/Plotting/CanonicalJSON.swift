import Foundation
import Numerics

extension Figure {
  /// The figure as canonical JSON: object keys sorted, no insignificant whitespace, numbers
  /// printed by Swift's shortest round-trip formatting (integral values below 2^53 without a
  /// fraction), NaN and ±infinity as the strings "nan", "inf", "-inf", strings with only
  /// `"`, `\` and control characters escaped. Equal figures give identical text, so the
  /// text can be hashed to identify a figure.
  public func canonicalJSON() -> String {
    // Every value of a figure is a plain Codable struct, enum, array, string or number:
    // encoding it into a tree cannot fail.
    let tree = try! TreeEncoder.tree(self)
    var out = ""
    tree.write(to: &out)
    return out
  }

  /// The SHA-256 (hex) of the canonical JSON with every number rounded to 32 significant
  /// bits (about 9.6 decimal digits): the figure's identity for notebooks. That is far
  /// below anything a plot can show, yet last-bit differences between builds and CPUs
  /// (vector kernels, BLAS) do not change the hash, so `replica check` compares what the
  /// figure shows.
  public func specHash() -> String {
    let tree = try! TreeEncoder.tree(self)
    var out = ""
    tree.write(to: &out, quantize: true)
    return SHA256.hex(out)
  }

  /// Reads a figure from `canonicalJSON()` output (or any JSON of the same shape).
  public init(json: String) throws {
    do {
      var parser = JSONParser(Data(json.utf8))
      self = try TreeDecoder.decode(Figure.self, from: try parser.document())
    } catch {
      throw PlotError.invalidValue(
        context: "figure JSON", expected: "a figure as written by canonicalJSON()",
        found: "\(error)")
    }
  }
}

/// A parsed JSON document, written back canonically. Arrays holding only numbers (the
/// bulk of a figure: its data) are kept unboxed as `numbers`; they write exactly as an
/// `array` of `number`s would.
indirect enum JSONValue {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case numbers([Double])
  case array([JSONValue])
  case object([String: JSONValue])

  func write(to out: inout String, quantize: Bool = false) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += Self.format(quantize ? Self.quantized(n) : n)
    case .numbers(let a):
      out += "["
      for (k, n) in a.enumerated() {
        if k > 0 { out += "," }
        out += Self.format(quantize ? Self.quantized(n) : n)
      }
      out += "]"
    case .string(let s): Self.quote(s, into: &out)
    case .array(let a):
      out += "["
      for (k, v) in a.enumerated() {
        if k > 0 { out += "," }
        v.write(to: &out, quantize: quantize)
      }
      out += "]"
    case .object(let o):
      out += "{"
      for (k, key) in o.keys.sorted().enumerated() {
        if k > 0 { out += "," }
        Self.quote(key, into: &out)
        out += ":"
        o[key]!.write(to: &out, quantize: quantize)
      }
      out += "}"
    }
  }

  /// `n` rounded to nearest with 32 significant bits (20 low mantissa bits cleared); a
  /// carry into the exponent is the correct rounding. Zero (either sign) becomes +0.
  static func quantized(_ n: Double) -> Double {
    guard n.isFinite else { return n }
    if n == 0 { return 0 }
    let drop: UInt64 = 20
    let bits = n.bitPattern &+ (1 << (drop - 1))
    return Double(bitPattern: bits & ~((1 << drop) - 1))
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

/// A strict JSON (RFC 8259) parser over UTF-8 bytes for `Figure(json:)`: the text comes from
/// `canonicalJSON()`, whose numbers are Swift's shortest round-trip forms, so `strtod` reads
/// each back to the same `Double`. (Foundation's `JSONDecoder` builds a coding path per
/// value and took seconds for a 10⁶-point line; this is linear and allocation-light.)
struct JSONParser {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private let bytes: [UInt8]
  private var i = 0

  init(_ data: Data) { bytes = [UInt8](data) }

  mutating func document() throws -> JSONValue {
    let v = try value()
    skipSpace()
    guard i == bytes.count else { throw fail("the end of the document") }
    return v
  }

  private func fail(_ expected: String) -> Failure {
    Failure(description: "JSON: expected \(expected) at byte \(i)")
  }

  private mutating func skipSpace() {
    while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
  }

  private mutating func value() throws -> JSONValue {
    skipSpace()
    guard i < bytes.count else { throw fail("a value") }
    switch bytes[i] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return .number(try number())
    }
  }

  private mutating func literal(_ word: String, _ v: JSONValue) throws -> JSONValue {
    let w = Array(word.utf8)
    guard bytes.count - i >= w.count, Array(bytes[i..<i + w.count]) == w else {
      throw fail("\(word)")
    }
    i += w.count
    return v
  }

  private mutating func number() throws -> Double {
    let start = i
    while i < bytes.count, Self.isNumberByte(bytes[i]) { i += 1 }
    guard i > start else { throw fail("a value") }
    var buffer = [CChar](repeating: 0, count: i - start + 1)
    for k in start..<i { buffer[k - start] = CChar(bitPattern: bytes[k]) }
    return try buffer.withUnsafeBufferPointer { p in
      var end: UnsafeMutablePointer<CChar>?
      let v = strtod(p.baseAddress!, &end)
      guard let end, end - UnsafeMutablePointer(mutating: p.baseAddress!) == i - start else {
        throw fail("a number")
      }
      return v
    }
  }

  private static func isNumberByte(_ b: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-")
      || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
      || b == UInt8(ascii: "E")
  }

  private mutating func string() throws -> String {
    i += 1
    var out = [UInt8]()
    while true {
      guard i < bytes.count else { throw fail("a closing quote") }
      let b = bytes[i]
      i += 1
      if b == UInt8(ascii: "\"") { break }
      guard b == UInt8(ascii: "\\") else {
        out.append(b)
        continue
      }
      guard i < bytes.count else { throw fail("an escape") }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
          guard bytes.count - i >= 2, bytes[i] == UInt8(ascii: "\\"),
            bytes[i + 1] == UInt8(ascii: "u")
          else { throw fail("a low surrogate") }
          i += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let u = Unicode.Scalar(scalar) else { throw fail("a Unicode scalar") }
        out.append(contentsOf: Array(String(Character(u)).utf8))
      default: throw fail("an escape")
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private mutating func hex4() throws -> UInt32 {
    guard bytes.count - i >= 4,
      let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
    else { throw fail("four hex digits") }
    i += 4
    return v
  }

  private mutating func array() throws -> JSONValue {
    i += 1
    var items = [JSONValue]()
    var numbers = [Double]()
    var allNumbers = true
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .array([])
    }
    while true {
      let v = try value()
      if allNumbers, case .number(let n) = v {
        numbers.append(n)
      } else {
        if allNumbers {
          items = numbers.map { .number($0) }
          allNumbers = false
        }
        items.append(v)
      }
      skipSpace()
      guard i < bytes.count else { throw fail("',' or ']'") }
      i += 1
      if bytes[i - 1] == UInt8(ascii: "]") { break }
      guard bytes[i - 1] == UInt8(ascii: ",") else { throw fail("',' or ']'") }
    }
    return allNumbers ? .numbers(numbers) : .array(items)
  }

  private mutating func object() throws -> JSONValue {
    i += 1
    var fields = [String: JSONValue]()
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .object([:])
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("a key") }
      let key = try string()
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("':'") }
      i += 1
      fields[key] = try value()
      skipSpace()
      guard i < bytes.count else { throw fail("',' or '}'") }
      i += 1
      if bytes[i - 1] == UInt8(ascii: "}") { break }
      guard bytes[i - 1] == UInt8(ascii: ",") else { throw fail("',' or '}'") }
    }
    return .object(fields)
  }
}
