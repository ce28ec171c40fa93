/// Decimal text to `Double`, correctly rounded (round to nearest, ties to even), without
/// allocating: the CSV reader's number parser.
///
/// Grammar (after trimming spaces and tabs): `[+-]? (digits [. digits?] | . digits)
/// ([eE] [+-]? digits)?`, or `[+-]? (inf | infinity | nan)` in any letter case. Hex
/// floats and thousands separators are not numbers.
///
/// The digits give w·10^q, w the first 19 significant digits (so w < 10¹⁹ < 2⁶⁴), q the
/// decimal exponent; digits beyond the 19th only say whether w was truncated. The value
/// is then rounded once, exactly, by the first method that applies:
/// 1. Clinger's fast path (W. D. Clinger, "How to read floating point numbers
///    accurately", PLDI 1990, §3): w ≤ 2⁵³ and |q| ≤ 22 make w and 10^|q| exact doubles,
///    so one IEEE multiplication or division rounds the exact value once.
/// 2. The Eisel–Lemire algorithm (`EiselLemire`), for any w and −342 ≤ q ≤ 308 (outside,
///    the value is 0 or overflows). A truncated w is rounded as w and as w + 1, which
///    enclose the value: equal results are its rounding (rounding is monotone).
/// 3. The standard library's correctly rounded parser, for what both leave undecided
///    (midpoint ambiguities, subnormals, overflow near the largest double).
/// Results are exact to the last bit (tested against the standard library).
enum FloatParser {
  // A literal table is initialised statically (no lazy-initialisation check per use);
  // every entry is exactly representable, so the literals are exact.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  private static let minus = UInt8(ascii: "-")
  private static let plus = UInt8(ascii: "+")
  private static let dot = UInt8(ascii: ".")

  /// The number spelled by `count` bytes at `text`, or nil when they are not a number.
  @inline(__always)
  static func parse(_ text: UnsafePointer<UInt8>, count: Int) -> Double? {
    var i = 0
    var n = count
    while i < n && (text[i] == 0x20 || text[i] == 0x09) { i += 1 }
    while n > i && (text[n - 1] == 0x20 || text[n - 1] == 0x09) { n -= 1 }
    guard i < n else { return nil }
    if case let (x, length)? = prefix(text + i, count: n - i, powers: EiselLemire.powers) {
      return length == n - i ? x : nil
    }
    return special(text + i, count: n - i)
  }

  /// The longest number (without `inf`/`nan`) at the start of the `count` bytes at
  /// `text`, and how many bytes it takes; nil when they do not start with one. An
  /// exponent marker without digits is not part of the number. `powers` is
  /// `EiselLemire.powers`, passed in so a loop reads that global once.
  @inline(__always)
  static func prefix(
    _ text: UnsafePointer<UInt8>, count n: Int, powers: UnsafePointer<EiselLemire.Power>
  ) -> (value: Double, length: Int)? {
    // The sign is as often there as not in much data: no branch on it.
    let first = n > 0 ? text[0] : 0
    let negative = first == minus
    let signLength = negative || first == plus ? 1 : 0
    var i = signLength
    var w: UInt64 = 0
    let integerStart = i
    // Integer parts are mostly short: digit by digit (the word-at-a-time check would
    // mostly fail).
    while i < n, case let d = text[i] &- 0x30, d < 10 {
      w = w &* 10 &+ UInt64(d)
      i += 1
    }
    let integerEnd = i
    var fractionStart = i
    if i < n && text[i] == dot {
      fractionStart = i + 1
      i = digits(text, from: fractionStart, count: n, into: &w)
    }
    let fractionEnd = i
    let digitCount = (integerEnd - integerStart) + (fractionEnd - fractionStart)
    guard digitCount > 0 else { return nil }
    var q = fractionStart - fractionEnd
    if i < n && text[i] | 0x20 == UInt8(ascii: "e") {
      var j = i + 1
      var exponentNegative = false
      if j < n && (text[j] == minus || text[j] == plus) {
        exponentNegative = text[j] == minus
        j += 1
      }
      let exponentStart = j
      var written = 0
      while j < n, case let d = text[j] &- 0x30, d < 10 {
        // Exact for any exponent a field can hold; larger ones saturate.
        if written < 1 << 50 { written = written * 10 + Int(d) }
        j += 1
      }
      if j > exponentStart {
        q += exponentNegative ? -written : written
        i = j
      }
    }
    var truncated = false
    if digitCount > 19 {
      // Leading zeros (and the point among them) are not significant digits.
      var zeros = 0
      var k = integerStart
      while k < fractionEnd && (text[k] == 0x30 || text[k] == dot) {
        if text[k] == 0x30 { zeros += 1 }
        k += 1
      }
      if digitCount - zeros > 19 {
        (w, q, truncated) = leadingDigits(
          text, integer: integerStart..<integerEnd, fraction: fractionStart..<fractionEnd,
          exponent: q)
      }
    }
    if !truncated && w <= 1 << 53 && q >= -22 && q <= 22 {
      let m = Double(w)
      let x = q < 0 ? m / powersOfTen[-q] : m * powersOfTen[q]
      return (signed(x, negative), i)
    }
    guard
      let x = magnitude(w, q, truncated: truncated, powers: powers)
        ?? slow(text + signLength, count: i - signLength)
    else { return nil }
    return (signed(x, negative), i)
  }

  /// −x when `negative`, else x, for x ≥ 0 (+0 included): the sign bit set without a
  /// branch.
  @inline(__always)
  private static func signed(_ x: Double, _ negative: Bool) -> Double {
    Double(bitPattern: x.bitPattern | UInt64(negative ? 1 : 0) << 63)
  }

  /// Appends the decimal digits from `text[start]` on to `w` (modulo 2⁶⁴) and returns
  /// where they end. Eight digits at a time while eight bytes remain (see `eightDigits`).
  @inline(__always)
  private static func digits(
    _ text: UnsafePointer<UInt8>, from start: Int, count n: Int, into w: inout UInt64
  ) -> Int {
    var i = start
    var m = w
    while n - i >= 8 {
      let word = UInt64(littleEndian: UnsafeRawPointer(text + i).loadUnaligned(as: UInt64.self))
      guard let value = eightDigits(word) else { break }
      m = m &* 100_000_000 &+ value
      i += 8
    }
    while i < n, case let d = text[i] &- 0x30, d < 10 {
      m = m &* 10 &+ UInt64(d)
      i += 1
    }
    w = m
    return i
  }

  /// The value of eight ASCII digits read as a little-endian word (first digit in the
  /// low byte), or nil when a byte is not a digit. SWAR ("SIMD within a register"), as in
  /// Lemire (2021, §4): a byte b is a digit iff neither b + 0x46 nor b − 0x30 sets its
  /// high bit (no carries or borrows cross bytes below the lowest non-digit). Then three
  /// multiplications combine neighbours: digit pairs (×10·2⁸ + 1), pairs of pairs
  /// (×100·2¹⁶ + 1), halves (×10⁴·2³² + 1), each lane keeping its sum in range.
  @inline(__always)
  static func eightDigits(_ word: UInt64) -> UInt64? {
    let high: UInt64 = 0x8080_8080_8080_8080
    guard ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & high == 0 else {
      return nil
    }
    var v = word & 0x0F0F_0F0F_0F0F_0F0F
    v = (v &* (10 << 8 + 1)) >> 8
    v = ((v & 0x00FF_00FF_00FF_00FF) &* (100 << 16 + 1)) >> 16
    return ((v & 0x0000_FFFF_0000_FFFF) &* (10_000 << 32 + 1)) >> 32
  }

  /// w and q for more than 19 digits: the first 19 significant digits (the digits run
  /// over `integer` then `fraction`, worth d·10^`exponent` as one integer d), the
  /// exponent raised by the digits dropped, and whether a dropped digit was nonzero.
  private static func leadingDigits(
    _ text: UnsafePointer<UInt8>, integer: Range<Int>, fraction: Range<Int>, exponent: Int
  ) -> (w: UInt64, q: Int, truncated: Bool) {
    var w: UInt64 = 0
    var taken = 0
    var dropped = 0
    var truncated = false
    func take(_ digits: Range<Int>) {
      for k in digits {
        let d = text[k] &- 0x30
        if taken < 19 {
          if w != 0 || d != 0 {
            w = w * 10 + UInt64(d)
            taken += 1
          }
        } else {
          dropped += 1
          if d != 0 { truncated = true }
        }
      }
    }
    take(integer)
    take(fraction)
    return (w, exponent + dropped, truncated)
  }

  /// w·10^q rounded by Eisel–Lemire (see the type's description) when Clinger's path
  /// does not apply, nil when only the slow path decides. Kept out of line: the caller's
  /// loop stays small for the common short numbers.
  @inline(never)
  private static func magnitude(
    _ w: UInt64, _ q: Int, truncated: Bool, powers: UnsafePointer<EiselLemire.Power>
  ) -> Double? {
    if w == 0 { return 0 }
    if q < EiselLemire.smallestPower { return 0 }
    if q > EiselLemire.largestPower { return .infinity }
    guard let bits = EiselLemire.bits(w, q, powers: powers) else { return nil }
    if truncated {
      guard let above = EiselLemire.bits(w + 1, q, powers: powers), above == bits else {
        return nil
      }
    }
    return Double(bitPattern: bits)
  }

  /// `inf`, `infinity` or `nan` in any letter case, after an optional sign.
  private static func special(_ text: UnsafePointer<UInt8>, count: Int) -> Double? {
    let signed = text[0] == minus || text[0] == plus
    let negative = text[0] == minus
    let word = signed ? text + 1 : text
    let n = signed ? count - 1 : count
    func matches(_ spelling: StaticString) -> Bool {
      guard n == spelling.utf8CodeUnitCount else { return false }
      for k in 0..<n where word[k] | 0x20 != spelling.utf8Start[k] { return false }
      return true
    }
    if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
    if matches("nan") { return .nan }
    return nil
  }

  /// The standard library's correctly rounded, locale-independent conversion, for the
  /// rare values both fast methods leave undecided. The bytes (without sign) have
  /// already matched the grammar above.
  private static func slow(_ text: UnsafePointer<UInt8>, count: Int) -> Double? {
    Double(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
  }
}
