/// Decimal text to `Double`, correctly rounded (round to nearest, ties to even), without
/// allocating: the CSV reader's number parser.
///
/// Grammar (after trimming spaces and tabs): `[+-]? (digits [. digits?] | . digits)
/// ([eE] [+-]? digits)?`, or `[+-]? (inf | infinity | nan)` in any letter case. Hex
/// floats and thousands separators are not numbers.
///
/// The value m·10ᵉ (m the first 19 significant digits) is computed exactly-then-rounded
/// by one of two fast paths, else by the standard library's correctly rounded parser:
/// 1. Clinger's fast path (W. D. Clinger, "How to read floating point numbers
///    accurately", PLDI 1990, §3): m ≤ 2⁵³ and |e| ≤ 22 make m and 10^|e| exact doubles,
///    so one IEEE multiplication or division rounds the exact value once.
/// 2. On x86-64, the same with 80-bit extended precision: m < 2⁶⁴ and |e| ≤ 27 are exact
///    in a 64-bit significand, giving x = m·10ᵉ rounded once to 64 bits. Rounding x to 53
///    bits is the correct rounding of m·10ᵉ unless x lies exactly on a midpoint between
///    two doubles (low 11 significand bits `10000000000`): every midpoint is an 80-bit
///    number, so otherwise x and the exact value, less than half an 80-bit ulp apart, lie
///    strictly on the same side of every midpoint. Midpoints fall back to the slow path.
/// Results are therefore exact to the last bit (tested against the standard library).
enum FloatParser {
  // Literal tables are initialised statically (no lazy-initialisation check per use);
  // every entry is exactly representable, so the literals are exact.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  #if arch(x86_64)
    private static let extendedPowersOfTen: [Float80] = [
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27,
    ]
  #endif

  /// The number spelled by `count` bytes at `text`, or nil when they are not a number.
  @inline(__always)
  static func parse(_ text: UnsafePointer<UInt8>, count: Int) -> Double? {
    var i = 0
    var n = count
    while i < n && (text[i] == 0x20 || text[i] == 0x09) { i += 1 }
    while n > i && (text[n - 1] == 0x20 || text[n - 1] == 0x09) { n -= 1 }
    guard i < n else { return nil }
    let begin = i
    var negative = false
    if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
      negative = text[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var truncated = false
    var sawDigit = false
    while i < n, case let d = text[i] &- 0x30, d < 10 {
      sawDigit = true
      if significant < 19 {
        if mantissa != 0 || d != 0 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          significant += 1
        }
      } else {
        exponent += 1
        if d != 0 { truncated = true }
      }
      i += 1
    }
    if i < n && text[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, case let d = text[i] &- 0x30, d < 10 {
        sawDigit = true
        if significant < 19 {
          if mantissa != 0 || d != 0 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            significant += 1
          }
          exponent -= 1
        } else if d != 0 {
          truncated = true
        }
        i += 1
      }
    }
    guard sawDigit else { return special(text + i, count: n - i, negative: negative) }
    if i < n && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
      i += 1
      var exponentNegative = false
      if i < n && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
        exponentNegative = text[i] == UInt8(ascii: "-")
        i += 1
      }
      var written = 0
      var sawExponentDigit = false
      while i < n, case let d = text[i] &- 0x30, d < 10 {
        sawExponentDigit = true
        if written < 100_000 { written = written * 10 + Int(d) }
        i += 1
      }
      guard sawExponentDigit else { return nil }
      exponent += exponentNegative ? -written : written
    }
    guard i == n else { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if !truncated {
      if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
        let m = Double(mantissa)
        let x = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
        return negative ? -x : x
      }
      #if arch(x86_64)
        if exponent >= -27 && exponent <= 27 {
          let m = Float80(mantissa)
          let p = extendedPowersOfTen[exponent < 0 ? -exponent : exponent]
          let x = exponent < 0 ? m / p : m * p
          if x.significandBitPattern & 0x7FF != 0x400 {
            let d = Double(x)
            return negative ? -d : d
          }
        }
      #endif
    }
    return slow(text + begin, count: n - begin)
  }

  /// `inf`, `infinity` or `nan` in any letter case, after an optional sign.
  private static func special(_ text: UnsafePointer<UInt8>, count: Int, negative: Bool) -> Double? {
    func matches(_ word: StaticString) -> Bool {
      guard count == word.utf8CodeUnitCount else { return false }
      for k in 0..<count where text[k] | 0x20 != word.utf8Start[k] { return false }
      return true
    }
    if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
    if matches("nan") { return .nan }
    return nil
  }

  /// The standard library's correctly rounded, locale-independent conversion, for the
  /// rare inputs outside both fast paths (more than 19 significant digits, large
  /// exponents, midpoints). The bytes have already matched the grammar above.
  private static func slow(_ text: UnsafePointer<UInt8>, count: Int) -> Double? {
    Double(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
  }
}
