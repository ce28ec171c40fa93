/// The Eisel–Lemire algorithm: w·10^q (w < 2⁶⁴, one 64×128-bit multiplication) to the
/// nearest double, or nil when the truncated product cannot decide the rounding.
///
/// Source: D. Lemire, "Number Parsing at a Gigabyte per Second", Software: Practice and
/// Experience 51(8), 2021, §5 (after M. Eisel). Written here from the following argument.
///
/// With 5^q = F·2^t, F ∈ [1, 2), the table holds T(q) = ⌊F·2¹²⁷⌋, a 128-bit integer with
/// its top bit set, computed exactly at start-up with integer arithmetic. For w shifted
/// left by λ to v = w·2^λ ∈ [2⁶³, 2⁶⁴), the 192-bit product P = v·T satisfies
/// P ≤ P* < P + v where P* = v·F·2¹²⁷ is exact, and w·10^q = P*·2^(t−127+q−λ).
/// P ≥ 2¹⁹⁰, so its top 53 bits (from bit 191 or 190) with the next bit and the rest
/// decide the rounding to nearest, ties to even, unless a rounding midpoint lies in
/// [P, P + v): then P and P* may round differently, and the caller must fall back to an
/// exact method. That happens rarely (about v/2¹³⁸ of the time). When T(q) is exact
/// (0 ≤ q ≤ 55, since 5⁵⁵ < 2¹²⁸ < 5⁵⁶) P = P*, and an exact midpoint is a tie.
/// Results that would be subnormal, or overflow, are left to the fallback too.
/// The result is therefore exact to the last bit whenever it is returned.
enum EiselLemire {
  /// The smallest and largest q of the table. Below, w·10^q < 10¹⁹·10⁻³⁴³ is less than
  /// half the smallest subnormal (it rounds to 0); above, w·10^q ≥ 10³⁰⁹ overflows.
  static let smallestPower = -342
  static let largestPower = 308

  /// One table row: T(q) in two words, t − 127 + q, and whether T(q) = F·2¹²⁷ exactly.
  struct Power {
    var high: UInt64
    var low: UInt64
    var binaryExponent: Int32
    var exact: Bool
  }

  /// The table, row q − `smallestPower` for 5^q. Built once and kept for the process;
  /// never written after it is built, so sharing it between threads is safe.
  nonisolated(unsafe) static let powers: UnsafePointer<Power> = makePowers()

  /// The bit pattern of the double nearest to w·10^q (w > 0, q within the table), or nil
  /// when undecided, subnormal or overflowing (see the type's description).
  @inline(__always)
  static func bits(_ w: UInt64, _ q: Int, powers: UnsafePointer<Power>) -> UInt64? {
    let power = powers[q - smallestPower]
    let shift = w.leadingZeroBitCount
    let v = w << UInt64(shift)
    // P = v·T as top:middle:low (64 bits each).
    let (highTop, highLow) = v.multipliedFullWidth(by: power.high)
    let (lowTop, low) = v.multipliedFullWidth(by: power.low)
    let (middle, carry) = highLow.addingReportingOverflow(lowTop)
    let top = highTop &+ (carry ? 1 : 0)
    // 54 bits: the 53 kept and the rounding bit; `rest` below them within `top`.
    let upper = top >> 63
    let restBits = 9 &+ upper
    let m54 = top >> restBits
    let restMask: UInt64 = (1 << restBits) &- 1
    let restTop = top & restMask
    // Rounded half up, unless one of two rare cases (tested first, with one branch that
    // is almost never taken: the rounding bit itself is as likely 0 as 1):
    var m53 = (m54 &+ 1) >> 1
    let restIsZero = restTop | middle | low == 0
    let justBelowHalf = restTop == restMask && middle == .max && low > 0 &- v
    if restIsZero || justBelowHalf {
      let roundBit = m54 & 1 == 1
      if power.exact {
        // P is exact: a rounding bit with nothing below is a tie, to even.
        if restIsZero && roundBit { m53 = (m54 >> 1) &+ (m54 >> 1 & 1) }
      } else if restIsZero == roundBit {
        // A midpoint in [P, P + v): P itself (rounding bit, nothing below), or just
        // above P by less than v (no rounding bit, all ones below).
        return nil
      }
    }
    // w·10^q ≈ m53·2^(138 + upper + t − 127 + q − λ); the double's exponent adds 52.
    var exponent = 190 &+ Int(upper) &+ Int(power.binaryExponent) &- shift
    if m53 == 1 << 53 {
      m53 = 1 << 52
      exponent &+= 1
    }
    let biased = exponent &+ 1023
    guard biased > 0 && biased < 2047 else { return nil }
    return UInt64(biased) << 52 | (m53 & ((1 << 52) - 1))
  }

  /// T(q) for every q of the table. For q ≥ 0, 5^q is built by repeated multiplication
  /// and its top 128 bits taken. For q = −k < 0, X_k = ⌊2¹⁰²⁴/5^k⌋ by repeated division
  /// by 5 (⌊⌊x/a⌋/b⌋ = ⌊x/(ab)⌋ for positive integers), and T = ⌊X_k/2^j⌋ =
  /// ⌊2^(1024−j)/5^k⌋ with j making it 128 bits (X_342 > 2²²⁹ leaves enough).
  private static func makePowers() -> UnsafePointer<Power> {
    let count = largestPower - smallestPower + 1
    let table = UnsafeMutablePointer<Power>.allocate(capacity: count)
    var x = Natural(powerOfTwo: 0)
    for q in 0...largestPower {
      let j = x.bitWidth - 128
      table[q - smallestPower] = Power(
        high: x.word(atBit: j + 64), low: x.word(atBit: j),
        binaryExponent: Int32(j + q), exact: j <= 0)
      x.multiply(by: 5)
    }
    x = Natural(powerOfTwo: 1024)
    for k in 1...(-smallestPower) {
      x.divide(by: 5)
      let j = x.bitWidth - 128
      table[-k - smallestPower] = Power(
        high: x.word(atBit: j + 64), low: x.word(atBit: j),
        binaryExponent: Int32(j - 1024 - k), exact: false)
    }
    return UnsafePointer(table)
  }

  /// A natural number as little-endian 64-bit words, with the few operations the table
  /// needs.
  private struct Natural {
    var words: [UInt64]

    init(powerOfTwo n: Int) {
      words = [UInt64](repeating: 0, count: n / 64 + 1)
      words[n / 64] = 1 << UInt64(n % 64)
    }

    /// The number of bits up to the highest set bit.
    var bitWidth: Int {
      let top = words.lastIndex { $0 != 0 }!
      return top * 64 + 64 - words[top].leadingZeroBitCount
    }

    /// ⌊self/2^position⌋ mod 2⁶⁴, for any position (a negative one shifts left).
    func word(atBit position: Int) -> UInt64 {
      func at(_ k: Int) -> UInt64 { k >= 0 && k < words.count ? words[k] : 0 }
      let k = position >> 6
      let s = UInt64(position & 63)
      return s == 0 ? at(k) : at(k) >> s | at(k + 1) << (64 - s)
    }

    mutating func multiply(by factor: UInt64) {
      var carry: UInt64 = 0
      for k in words.indices {
        let (high, low) = words[k].multipliedFullWidth(by: factor)
        let (sum, overflow) = low.addingReportingOverflow(carry)
        words[k] = sum
        carry = high &+ (overflow ? 1 : 0)
      }
      if carry != 0 { words.append(carry) }
    }

    /// Replaces self by ⌊self/divisor⌋.
    mutating func divide(by divisor: UInt64) {
      var remainder: UInt64 = 0
      for k in words.indices.reversed() {
        (words[k], remainder) = divisor.dividingFullWidth((remainder, words[k]))
      }
    }
  }
}
