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

  /// The figure's identity for notebooks: the SHA-256 (hex) of its canonical binary
  /// encoding, streamed into the hash (no text is formed). The encoding is that of the tree
  /// `canonicalJSON()` prints (same keys, nil optionals left out, non-finite numbers as the
  /// strings "nan", "inf", "-inf"), written depth first; every count and length is a UInt64
  /// in 8 little-endian bytes:
  ///
  /// - null `n`; false `f`; true `t` (one ASCII byte each);
  /// - a number: `d`, then the 8 little-endian bytes of its IEEE 754 binary64 value rounded
  ///   to nearest with 32 significant bits (`JSONValue.quantized`: the 20 low mantissa bits
  ///   cleared, about 9.6 decimal digits), with both zeros as +0 and any NaN as
  ///   0x7FF8000000000000;
  /// - a string: `s`, its UTF-8 length, its UTF-8 bytes;
  /// - an array: `a`, its element count, the elements;
  /// - an object: `o`, its field count, then per field in increasing byte-wise order of the
  ///   UTF-8 keys: the key's UTF-8 length and bytes, then the value.
  ///
  /// The rounding is far below anything a plot can show, yet last-bit differences between
  /// builds and CPUs (vector kernels, BLAS) do not change the hash, so `replica check`
  /// compares what the figure shows. Equal trees give equal encodings, and the encoding is
  /// prefix-free, so distinct trees give distinct byte strings.
  public func specHash() -> String {
    let tree = try! TreeEncoder.tree(self)
    var writer = CanonicalHashWriter()
    tree.writeCanonicalBinary(to: &writer)
    return writer.finalizeHex()
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

  func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += Self.format(n)
    case .numbers(let a):
      out += "["
      for (k, n) in a.enumerated() {
        if k > 0 { out += "," }
        out += Self.format(n)
      }
      out += "]"
    case .string(let s): Self.quote(s, into: &out)
    case .array(let a):
      out += "["
      for (k, v) in a.enumerated() {
        if k > 0 { out += "," }
        v.write(to: &out)
      }
      out += "]"
    case .object(let o):
      out += "{"
      for (k, key) in o.keys.sorted().enumerated() {
        if k > 0 { out += "," }
        Self.quote(key, into: &out)
        out += ":"
        o[key]!.write(to: &out)
      }
      out += "}"
    }
  }

  /// Appends the canonical binary encoding of this value (`Figure.specHash`) to `out`.
  func writeCanonicalBinary(to out: inout CanonicalHashWriter) {
    switch self {
    case .null: out.byte(UInt8(ascii: "n"))
    case .bool(let b): out.byte(UInt8(ascii: b ? "t" : "f"))
    case .number(let n): out.number(n)
    case .numbers(let a):
      out.byte(UInt8(ascii: "a"))
      out.word(UInt64(a.count))
      for n in a { out.number(n) }
    case .string(let s):
      out.byte(UInt8(ascii: "s"))
      out.text(s)
    case .array(let a):
      out.byte(UInt8(ascii: "a"))
      out.word(UInt64(a.count))
      for v in a { v.writeCanonicalBinary(to: &out) }
    case .object(let o):
      out.byte(UInt8(ascii: "o"))
      out.word(UInt64(o.count))
      for key in o.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
        out.text(key)
        o[key]!.writeCanonicalBinary(to: &out)
      }
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

/// Streams the canonical binary encoding of `Figure.specHash` into SHA-256 through a
/// 64 KiB buffer.
struct CanonicalHashWriter {
  private var hasher = SHA256.Hasher()
  private var buffer: [UInt8]
  private static let capacity = 1 << 16

  init() {
    buffer = []
    buffer.reserveCapacity(Self.capacity + 16)
  }

  mutating func byte(_ b: UInt8) {
    buffer.append(b)
    if buffer.count >= Self.capacity { flush() }
  }

  /// `w` as 8 little-endian bytes.
  mutating func word(_ w: UInt64) {
    withUnsafeBytes(of: w.littleEndian) { buffer.append(contentsOf: $0) }
    if buffer.count >= Self.capacity { flush() }
  }

  /// `d` and the quantized value of `n` (+0 for zeros, one NaN).
  mutating func number(_ n: Double) {
    let q = JSONValue.quantized(n)
    buffer.append(UInt8(ascii: "d"))
    word(q.isNaN ? 0x7FF8_0000_0000_0000 : q.bitPattern)
  }

  /// The UTF-8 length of `s`, then its bytes.
  mutating func text(_ s: String) {
    var s = s
    s.withUTF8 { utf8 in
      word(UInt64(utf8.count))
      buffer.append(contentsOf: utf8)
    }
    if buffer.count >= Self.capacity { flush() }
  }

  private mutating func flush() {
    hasher.update(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// The SHA-256 of everything written, as 64 lowercase hexadecimal digits.
  consuming func finalizeHex() -> String {
    flush()
    return hasher.finalizeHex()
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
