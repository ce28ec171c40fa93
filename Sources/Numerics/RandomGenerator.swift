import Foundation

/// A seeded pseudo-random generator: xoshiro256++ (Blackman & Vigna, "Scrambled linear
/// pseudorandom number generators", ACM TOMS 47(4), 2021; preprint 2019), with a
/// 256-bit state and period 2^256 − 1.
///
/// Seeding: `init(seed:)` fills the four state words with four consecutive outputs of
/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) started at `seed`, as the authors
/// recommend; SplitMix64 never yields four zero words in a row from one seed.
///
/// Reproducibility: the same seed gives the same sequence on every platform; every
/// derived draw (uniform, normal, integer, shuffle, choice) uses only `next()`.
/// Independent streams come from `jump()` (2^128 steps ahead) via `stream(_:)`.
///
/// Preconditions (programming errors, checked with a message): counts are
/// non-negative, `integer(below:)` needs `n > 0`, `choice` without replacement needs
/// `count <= n`. Callers taking user input validate before calling.
public struct RandomGenerator: Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Seeds the state with four consecutive SplitMix64 outputs from `seed`.
  public init(seed: UInt64) {
    var sm = SplitMix64(state: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  /// Restores a raw state (for example one saved from `state`). The all-zero state
  /// is the one fixed point of xoshiro and is rejected with `invalidArgument`.
  public init(state: (UInt64, UInt64, UInt64, UInt64)) throws {
    guard state.0 | state.1 | state.2 | state.3 != 0 else {
      throw NumericsError.invalidArgument(
        operation: "RandomGenerator",
        message: "expected a state with at least one non-zero word, found all zeros")
    }
    (s0, s1, s2, s3) = state
  }

  /// The raw 256-bit state, suitable for `init(state:)`.
  public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

  /// The next 64-bit output: `rotl(s0 + s3, 23) + s0`, then the xoshiro256 linear step
  /// (reference code https://prng.di.unimi.it/xoshiro256plusplus.c).
  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotl(s0 &+ s3, 23) &+ s0
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// A uniform double in [0, 1) on the grid k·2⁻⁵³: the top 53 bits of `next()`.
  @inline(__always)
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal draw by the Ziggurat method with 256 layers (Marsaglia & Tsang,
  /// J. Stat. Softw. 5(8), 2000), in the corrected form of Doornik (2005, "An improved
  /// Ziggurat method to generate normal random samples"): the layer index (low 8 bits)
  /// and the abscissa (top 53 bits) come from disjoint bits of one 64-bit output, so
  /// they are independent. About 99% of draws cost one `next()` and one multiply;
  /// the tail beyond R = 3.6541528853610088 uses Marsaglia's exact tail algorithm
  /// (1964). The draw is exact up to the 2⁻⁵² resolution of the abscissa.
  public mutating func normal() -> Double {
    let table = ZigguratTable.normal
    while true {
      let bits = next()
      let i = Int(bits & 0xff)
      // Signed 53-bit integer from the top bits, scaled to [-1, 1).
      let u = Double(Int64(bitPattern: bits) >> 11) * 0x1.0p-52
      let x = u * table.x[i]
      if abs(x) < table.x[i + 1] { return x }
      if i == 0 { return normalTail(negative: u < 0) }
      // Wedge: accept when a uniform height in layer i lies under the density.
      let y = table.f[i] + (table.f[i + 1] - table.f[i]) * uniform()
      if y < Foundation.exp(-0.5 * x * x) { return x }
    }
  }

  /// Marsaglia's tail method: for x = −ln(U₁)/R, y = −ln(U₂), accept when 2y > x²;
  /// then R + x has the normal density conditioned on exceeding R.
  private mutating func normalTail(negative: Bool) -> Double {
    let r = ZigguratTable.normalR
    while true {
      // 1 − uniform() lies in (0, 1], so the logarithms are finite.
      let x = -Foundation.log(1 - uniform()) / r
      let y = -Foundation.log(1 - uniform())
      if 2 * y > x * x { return negative ? -(r + x) : r + x }
    }
  }

  /// A uniform integer in 0..<n without modulo bias, by Lemire's nearly-divisionless
  /// method ("Fast random integer generation in an interval", ACM TOMACS 29(1), 2019):
  /// the high word of `next() · n` is accepted unless the low word falls in the
  /// 2⁶⁴ mod n rejected region, which costs one division only in that rare case.
  public mutating func integer(below n: UInt64) -> UInt64 {
    precondition(n > 0, "integer(below:) needs n > 0")
    var m = next().multipliedFullWidth(by: n)
    if m.low < n {
      let threshold = (0 &- n) % n
      while m.low < threshold {
        m = next().multipliedFullWidth(by: n)
      }
    }
    return m.high
  }

  /// A uniform integer in the closed range (any range, including all of `Int`).
  public mutating func integer(in range: ClosedRange<Int>) -> Int {
    let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
    if width == 0 { return Int(Int64(bitPattern: next())) }
    return range.lowerBound &+ Int(Int64(bitPattern: integer(below: width)))
  }

  /// Shuffles in place by the Fisher–Yates (Durstenfeld) algorithm: every permutation
  /// is equally likely.
  public mutating func shuffle<T>(_ a: inout [T]) {
    var i = a.count - 1
    while i > 0 {
      let j = Int(integer(below: UInt64(i + 1)))
      a.swapAt(i, j)
      i -= 1
    }
  }

  /// `count` indices drawn uniformly from 0..<n, in draw order.
  ///
  /// With replacement: independent draws. Without replacement: the first `count`
  /// steps of a Fisher–Yates shuffle of 0..<n, so every ordered sample of distinct
  /// indices is equally likely; when `count` is small against `n` the shuffle is kept
  /// sparse in a dictionary (memory O(count), not O(n)).
  public mutating func choice(_ n: Int, count: Int, replace: Bool) -> [Int] {
    precondition(n >= 0 && count >= 0, "choice needs n >= 0 and count >= 0")
    if count == 0 { return [] }
    precondition(n > 0, "choice from an empty population")
    if replace {
      return (0..<count).map { _ in Int(integer(below: UInt64(n))) }
    }
    precondition(count <= n, "choice without replacement needs count <= n")
    if count * 4 >= n {
      var pool = Array(0..<n)
      for i in 0..<count {
        let j = i + Int(integer(below: UInt64(n - i)))
        pool.swapAt(i, j)
      }
      return Array(pool[0..<count])
    }
    var moved: [Int: Int] = [:]
    var out = [Int]()
    out.reserveCapacity(count)
    for i in 0..<count {
      let j = i + Int(integer(below: UInt64(n - i)))
      let atJ = moved[j] ?? j
      moved[j] = moved[i] ?? i
      out.append(atJ)
    }
    return out
  }

  /// Advances the state by 2¹²⁸ steps with the published jump polynomial
  /// (https://prng.di.unimi.it/xoshiro256plusplus.c, `jump`), giving 2¹²⁸
  /// non-overlapping subsequences of length 2¹²⁸.
  public mutating func jump() {
    let polynomial: [UInt64] = [
      0x180e_c6d3_3cfd_0aba, 0xd5a6_1266_f0c9_392c, 0xa958_2618_e03f_c9aa, 0x39ab_dc45_29b1_661c,
    ]
    var t: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    for word in polynomial {
      for b in 0..<64 {
        if word & (1 << UInt64(b)) != 0 {
          t.0 ^= s0
          t.1 ^= s1
          t.2 ^= s2
          t.3 ^= s3
        }
        _ = next()
      }
    }
    (s0, s1, s2, s3) = t
  }

  /// Independent stream `k` (k ≥ 0): a copy of this generator jumped k + 1 times, so
  /// stream k starts (k + 1)·2¹²⁸ steps ahead and streams never overlap each other or
  /// this generator's next 2¹²⁸ outputs. Costs 256·(k + 1) steps.
  public func stream(_ k: Int) -> RandomGenerator {
    precondition(k >= 0, "stream index must be >= 0")
    var copy = self
    for _ in 0...k { copy.jump() }
    return copy
  }

  /// `count` independent standard normal draws (see `normal()`).
  public mutating func normalVector(count: Int) -> Vector {
    precondition(count >= 0, "normalVector needs count >= 0")
    return Vector(unsafeUninitializedCount: count) { buf in
      for i in 0..<count { buf[i] = normal() }
    }
  }

  /// `count` independent uniform draws in [0, 1) (see `uniform()`).
  public mutating func uniformVector(count: Int) -> Vector {
    precondition(count >= 0, "uniformVector needs count >= 0")
    return Vector(unsafeUninitializedCount: count) { buf in
      for i in 0..<count { buf[i] = uniform() }
    }
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014; reference code
/// https://prng.di.unimi.it/splitmix64.c): a Weyl sequence with step 0x9e3779b97f4a7c15
/// passed through a 64-bit mixing function. Used only to expand seeds.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

/// The layer tables of the 256-layer normal Ziggurat, computed once.
///
/// For the unnormalised density f(x) = exp(−x²/2) on x ≥ 0, the layers have equal
/// area V = R f(R) + ∫_R^∞ f = R f(R) + √(π/2) erfc(R/√2). With x₀ = V / f(R)
/// (the base strip including the tail), x₁ = R and
/// x_{i+1} = √(−2 ln(V/xᵢ + f(xᵢ))), the top edge x₂₅₆ is 0 (V/x₂₅₅ + f(x₂₅₅) = 1 to
/// 3e-15 for this R; x₂₅₆ is set exactly). fᵢ = f(xᵢ).
struct ZigguratTable: Sendable {
  /// Marsaglia & Tsang's R for 256 layers (also used by numpy and rand_distr).
  static let normalR = 3.6541528853610088
  static let normal = ZigguratTable(r: normalR, layers: 256)

  let x: [Double]
  let f: [Double]

  init(r: Double, layers n: Int) {
    let fr = Foundation.exp(-0.5 * r * r)
    let v = r * fr + (Double.pi / 2).squareRoot() * Foundation.erfc(r / 2.0.squareRoot())
    var x = [Double](repeating: 0, count: n + 1)
    x[0] = v / fr
    x[1] = r
    for i in 1..<(n - 1) {
      x[i + 1] = (-2 * Foundation.log(v / x[i] + Foundation.exp(-0.5 * x[i] * x[i]))).squareRoot()
    }
    x[n] = 0
    self.x = x
    f = x.map { Foundation.exp(-0.5 * $0 * $0) }
  }
}
