import Foundation
import Testing

@testable import DataIO

@Suite struct FloatParserTests {
  func parse(_ s: String) -> Double? {
    Array(s.utf8).withUnsafeBufferPointer { FloatParser.parse($0.baseAddress!, count: $0.count) }
  }

  @Test func agreesWithTheStandardLibraryBitForBit() {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      let shortest = x.description
      #expect(parse(shortest)?.bitPattern == Double(shortest)?.bitPattern, "\(shortest)")
      let digits = (0..<Int.random(in: 1...22)).map { _ in String(Int.random(in: 0...9)) }.joined()
      let text = "\(digits.prefix(3)).\(digits.dropFirst(3))e\(Int.random(in: -40...40))"
      #expect(parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
    }
  }

  @Test func hardCases() {
    // Midpoint cases and Clinger-boundary values, checked against the standard library.
    for s in [
      "9007199254740993", "9007199254740992.5", "0.1", "1e22", "1e23", "2.2250738585072014e-308",
      "4.9e-324", "1.7976931348623157e308", "1e309", "123456789012345678901234567890", "-0", "0e5",
    ] {
      #expect(parse(s)?.bitPattern == Double(s)?.bitPattern, "\(s)")
    }
    for s in [
      "", "-", ".", "e5", "1e", "1e+", "0x10", "1,5", "1.2.3", "--1", "infinit", "nana", "1 2",
    ] {
      #expect(parse(s) == nil, "\(s)")
    }
    #expect(
      parse("-INF") == -.infinity && parse("Infinity") == .infinity && parse("NaN")?.isNaN == true)
  }

  // MARK: - Seeded comparisons with the standard library

  /// The inputs (at most the first 10 shown) whose parse differs from `Double(String)`
  /// in any bit. The standard library's conversion is correctly rounded.
  func disagreements(_ inputs: [String]) -> [String] {
    var bad: [String] = []
    for s in inputs where parse(s)?.bitPattern != Double(s)?.bitPattern {
      bad.append("\(s): \(String(describing: parse(s))) vs \(String(describing: Double(s)))")
      if bad.count == 10 { break }
    }
    return bad
  }

  /// `count` random decimal digits (the first nonzero when `leadingNonzero`).
  func randomDigits(_ count: Int, _ rng: inout SplitMix64, leadingNonzero: Bool = true)
    -> String
  {
    var s = ""
    for k in 0..<count {
      let d = k == 0 && leadingNonzero ? 1 + rng.next() % 9 : rng.next() % 10
      s.append(Character(Unicode.Scalar(UInt8(48 + d))))
    }
    return s
  }

  /// A decimal with `digits` random digits, the point at a random place (or none), a
  /// random sign and an exponent in `exponents` (or none).
  func randomDecimal(_ digits: Int, exponents: ClosedRange<Int>, _ rng: inout SplitMix64)
    -> String
  {
    var s = randomDigits(digits, &rng, leadingNonzero: rng.next() % 8 != 0)
    let point = Int(rng.next() % UInt64(digits + 2))
    if point <= digits { s.insert(".", at: s.index(s.startIndex, offsetBy: point)) }
    if rng.next() % 2 == 0 { s = "-" + s }
    if rng.next() % 8 != 0 {
      let span = UInt64(exponents.upperBound - exponents.lowerBound + 1)
      s += "e\(exponents.lowerBound + Int(rng.next() % span))"
    }
    return s
  }

  @Test func shortDecimalsAgreeWithTheStandardLibrary() {
    // 1–19 digits: Clinger's path, Eisel–Lemire and their fallbacks, from 0 to overflow.
    var rng = SplitMix64(state: 7)
    var inputs: [String] = []
    for k in 0..<150_000 {
      let exponents = k % 3 == 0 ? -30...30 : -360...330
      inputs.append(randomDecimal(1 + k % 19, exponents: exponents, &rng))
    }
    #expect(disagreements(inputs) == [])
  }

  @Test func longDecimalsAgreeWithTheStandardLibrary() {
    // 20–40 digits: the truncated mantissa is rounded as w and w + 1.
    var rng = SplitMix64(state: 8)
    var inputs: [String] = []
    for k in 0..<60_000 {
      inputs.append(randomDecimal(20 + k % 21, exponents: -360...330, &rng))
    }
    #expect(disagreements(inputs) == [])
  }

  /// `%.17g` of a double: 17 significant digits, enough to identify it.
  func printed17(_ x: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 40)
    let n = withVaList([x]) { vsnprintf(&buffer, 40, "%.17g", $0) }
    return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  @Test func seventeenDigitsRoundTrip() {
    // Random finite doubles of every exponent, subnormals included: %.17g and the
    // shortest form must both give the same bits back.
    var rng = SplitMix64(state: 9)
    var bad: [String] = []
    for _ in 0..<120_000 {
      let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      for s in [printed17(x), x.description] where parse(s)?.bitPattern != x.bitPattern {
        bad.append(s)
      }
    }
    #expect(bad == [])
  }

  /// The exact decimal expansion of m·2^e as digits d and a power p (value d·10^p).
  func exactDecimal(_ m: UInt64, _ e: Int) -> (digits: String, power: Int) {
    // Base-10⁹ words, least significant first; m·2^e = m·5^(−e)·10^e for e < 0.
    let billion: UInt64 = 1_000_000_000
    var words: [UInt64] = [m % billion, m / billion % billion, m / billion / billion]
    func multiply(_ factor: UInt64) {
      var carry: UInt64 = 0
      for k in words.indices {
        let v = words[k] * factor + carry
        words[k] = v % billion
        carry = v / billion
      }
      while carry > 0 {
        words.append(carry % billion)
        carry /= billion
      }
    }
    var left = abs(e)
    while left > 0 {
      let step = min(left, 12)
      multiply(power(e < 0 ? 5 : 2, step))
      left -= step
    }
    while words.count > 1 && words.last == 0 { words.removeLast() }
    var digits = String(words.last!)
    for w in words.dropLast().reversed() {
      let s = String(w)
      digits += String(repeating: "0", count: 9 - s.count) + s
    }
    return (digits, min(e, 0))
  }

  func power(_ base: UInt64, _ n: Int) -> UInt64 { (0..<n).reduce(1) { p, _ in p * base } }

  /// Midpoints between neighbouring doubles of every exponent (subnormals too), written
  /// exactly (ties: to even), with a 1 appended (just above), and cut to 19, 20 and 25
  /// significant digits (just below): the cases where a fast path could round wrongly.
  @Test func midpointsRoundCorrectly() {
    var rng = SplitMix64(state: 10)
    var inputs: [String] = []
    for k in 0..<1_500 {
      let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      let m = x.isSubnormal ? x.significandBitPattern : x.significandBitPattern | 1 << 52
      let e = x.isSubnormal ? -1074 : Int(x.exponentBitPattern) - 1075
      // Every other midpoint from a narrow exponent range, where ties are possible.
      let (digits, p) =
        k % 2 == 0 ? exactDecimal(2 * m + 1, e - 1) : exactDecimal(2 * m + 1, k % 64 - 53)
      inputs.append("\(digits)e\(p)")
      inputs.append("\(digits)1e\(p - 1)")
      for cut in [19, 20, 25] where digits.count > cut {
        inputs.append("\(digits.prefix(cut))e\(p + digits.count - cut)")
      }
    }
    #expect(disagreements(inputs) == [])
  }

  @Test func integerTiesRoundToEven() {
    // (2m + 1)·2^(k−1) for 2⁵² ≤ m < 2⁵³ lies halfway between two doubles; below 2⁶⁴ it is
    // exact in 19 digits, written plainly, with a point and in exponent form.
    var rng = SplitMix64(state: 11)
    var inputs: [String] = []
    for k in 0..<20_000 {
      let m = 1 << 52 | rng.next() >> 12
      let tie = (2 * m + 1) << UInt64(k % 11)
      inputs += ["\(tie)", "\(tie).0", "\(tie)0e-1", "\(tie)e0", "\(tie + 1)", "\(tie - 1)"]
    }
    #expect(disagreements(inputs) == [])
  }

  @Test func knownHardCases() {
    let inputs = [
      "9007199254740993", "9007199254740993.0000000001", "2.2250738585072011e-308",
      "2.2250738585072012e-308", "2.2250738585072014e-308", "1e23", "8.98846567431158e307",
      "8.988465674311579e307", "4.9406564584124654e-324", "2.4703282292062327e-324",
      "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
      "1.7976931348623159e308", "1e-342", "1e-343", "9999999999999999999e-343", "1e308",
      "1e309", "0.1", "0.3", "7.3177701707893310e+15", "3.4e-319",
      "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1.00000000000000011102230246251565404236316680908203126", "123456789012345678e-360",
      "18446744073709551615", "18446744073709551616e-20", "9999999999999999999",
      "99999999999999999999", "0.000000000000000000000000000001", "5.", ".5", "-.5e-3",
    ]
    #expect(disagreements(inputs) == [])
  }

  @Test func eightDigitsAtOnce() {
    func word(_ s: [UInt8]) -> UInt64 {
      s.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
    var rng = SplitMix64(state: 12)
    for _ in 0..<2_000 {
      let s = randomDigits(8, &rng, leadingNonzero: false)
      #expect(FloatParser.eightDigits(word(Array(s.utf8))) == UInt64(s))
      // Any one non-digit byte, anywhere, is refused.
      var bytes = Array(s.utf8)
      bytes[Int(rng.next() % 8)] = UInt8(truncatingIfNeeded: rng.next())
      if !bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
        #expect(FloatParser.eightDigits(word(bytes)) == nil)
      }
    }
    for b in 0...255 where b < 48 || b > 57 {
      for k in 0..<8 {
        var bytes = Array("12345678".utf8)
        bytes[k] = UInt8(b)
        #expect(FloatParser.eightDigits(word(bytes)) == nil, "byte \(b) at \(k)")
      }
    }
  }

  @Test func prefixLengths() {
    func prefix(_ s: String) -> (Double, Int)? {
      Array(s.utf8).withUnsafeBufferPointer {
        FloatParser.prefix($0.baseAddress!, count: $0.count, powers: EiselLemire.powers)
          .map { ($0.value, $0.length) }
      }
    }
    #expect(prefix("1.5e3,2")! == (1500, 5))
    #expect(prefix("-12345678901234567890123,")! == (-1.2345678901234567890123e22, 24))
    #expect(prefix("1e+,")! == (1, 1))
    #expect(prefix("-.5x")! == (-0.5, 3))
    #expect(prefix("7.\n")! == (7, 2))
    #expect(prefix("+") == nil && prefix(".e1") == nil && prefix("inf") == nil)
  }

  @Test func powersOfFiveTable() {
    // Independent values: 5⁰ = 2¹²⁷·2⁻¹²⁷; 5 = 101₂; 5⁻¹ = 0.0011001100…₂ (2¹³⁰/5 =
    // 0xCCCC…CC.CC); 5²⁷ = 7450580596923828125 exactly; 5⁵⁵ exact, 5⁵⁶ not (131 bits).
    let p = EiselLemire.powers
    let row = { (q: Int) in p[q - EiselLemire.smallestPower] }
    #expect(row(0).high == 1 << 63 && row(0).low == 0 && row(0).binaryExponent == -127)
    #expect(row(1).high == 0xA000_0000_0000_0000 && row(1).low == 0)
    #expect(row(1).binaryExponent == -125 + 1)
    #expect(row(-1).high == 0xCCCC_CCCC_CCCC_CCCC && row(-1).low == 0xCCCC_CCCC_CCCC_CCCC)
    #expect(row(-1).binaryExponent == -130 - 1)
    let five27: UInt64 = 7_450_580_596_923_828_125
    #expect(row(27).high == five27 << UInt64(five27.leadingZeroBitCount) && row(27).low == 0)
    #expect(row(55).exact && !row(56).exact && !row(-1).exact)
  }
}
