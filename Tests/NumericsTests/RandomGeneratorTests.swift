import Testing

@testable import Numerics

@Suite struct RandomGeneratorTests {
  // Reference outputs below come from /tmp/mathref/ref.c, a transcription of the
  // authors' reference code (https://prng.di.unimi.it/splitmix64.c and
  // xoshiro256plusplus.c), compiled with gcc 12 and run on this machine.

  @Test func splitMix64MatchesPublishedOutput() {
    // Also the published sequence for seed 1234567 (Rosetta Code, "Pseudo-random
    // numbers/Splitmix64").
    var sm = SplitMix64(state: 1_234_567)
    let expected: [UInt64] = [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
      4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
    ]
    #expect((0..<5).map { _ in sm.next() } == expected)
  }

  @Test func xoshiroMatchesReferenceFromRawState() throws {
    var rng = try RandomGenerator(state: (1, 2, 3, 4))
    let expected: [UInt64] = [
      41_943_041, 58_720_359, 3_588_806_011_781_223, 3_591_011_842_654_386,
      9_228_616_714_210_784_205, 9_973_669_472_204_895_162, 14_011_001_112_246_962_877,
      12_406_186_145_184_390_807, 15_849_039_046_786_891_736, 10_450_023_813_501_588_000,
    ]
    #expect((0..<10).map { _ in rng.next() } == expected)
  }

  @Test func seedExpandsThroughSplitMix() {
    var rng = RandomGenerator(seed: 42)
    let s = rng.state
    #expect(s.0 == 13_679_457_532_755_275_413 && s.1 == 2_949_826_092_126_892_291)
    #expect(s.2 == 5_139_283_748_462_763_858 && s.3 == 6_349_198_060_258_255_764)
    let expected: [UInt64] = [
      15_021_278_609_987_233_951, 5_881_210_131_331_364_753, 18_149_643_915_985_481_100,
      12_933_668_939_759_105_464, 14_637_574_242_682_825_331,
    ]
    #expect((0..<5).map { _ in rng.next() } == expected)
  }

  @Test func jumpMatchesReference() throws {
    var rng = try RandomGenerator(state: (1, 2, 3, 4))
    rng.jump()
    let s = rng.state
    #expect(s.0 == 10_122_426_448_480_695_249 && s.1 == 8_079_205_330_032_121_950)
    #expect(s.2 == 7_289_065_458_748_526_725 && s.3 == 9_477_464_255_293_849_680)
    let expected: [UInt64] = [
      17_043_750_140_134_683_703, 2_364_973_248_208_838_314, 13_951_431_646_535_487_319,
    ]
    #expect((0..<3).map { _ in rng.next() } == expected)
  }

  @Test func allZeroStateIsRejected() {
    #expect(throws: NumericsError.self) { try RandomGenerator(state: (0, 0, 0, 0)) }
  }

  @Test func uniformUsesTop53Bits() {
    var a = RandomGenerator(seed: 7)
    var b = a
    for _ in 0..<100 {
      let u = a.uniform()
      // Exact by construction: the same 53-bit integer times a power of two.
      #expect(u == Double(b.next() >> 11) * 0x1.0p-53)
      #expect(u >= 0 && u < 1)
    }
  }

  @Test func sameSeedSameSequenceDifferentSeedsDiffer() {
    var a = RandomGenerator(seed: 2024)
    var b = RandomGenerator(seed: 2024)
    var c = RandomGenerator(seed: 2025)
    let xa = (0..<50).map { _ in a.next() }
    #expect(xa == (0..<50).map { _ in b.next() })
    #expect(xa != (0..<50).map { _ in c.next() })
    var d = RandomGenerator(seed: 9)
    var e = RandomGenerator(seed: 9)
    #expect(d.normalVector(count: 100) == e.normalVector(count: 100))
  }

  @Test func streamsAreJumpedCopiesAndDiffer() {
    let base = RandomGenerator(seed: 11)
    var jumped = base
    jumped.jump()
    jumped.jump()
    jumped.jump()
    var s2 = base.stream(2)
    var copy = jumped
    #expect((0..<10).map { _ in s2.next() } == (0..<10).map { _ in copy.next() })
    var first = (0..<4).map { k -> [UInt64] in
      var s = base.stream(k)
      return (0..<8).map { _ in s.next() }
    }
    var parent = base
    first.append((0..<8).map { _ in parent.next() })
    #expect(Set(first).count == first.count)
  }

  /// Moments of 10⁶ Ziggurat draws against N(0, 1), each within 5 standard errors:
  /// s.e.(mean) = 1e-3, s.e.(m₂) = √(2/n) = 1.41e-3, s.e.(m₃) = √(15/n) = 3.87e-3,
  /// s.e.(m₄) = √(96/n) = 9.80e-3 (from E z⁶ = 15, E z⁸ = 105). The tail branch
  /// (|z| > R) fires with probability 2H(R) = 2.58e-4, so 258 ± 5·16 times; a 100-bin
  /// chi-square on Φ(z) (99 dof, sd 14) stays below 99 + 5·14.
  @Test func normalDrawsHaveGaussianMoments() {
    var rng = RandomGenerator(seed: 12345)
    let n = 1_000_000
    var m1 = 0.0
    var m2 = 0.0
    var m3 = 0.0
    var m4 = 0.0
    var tail = 0
    var bins = [Int](repeating: 0, count: 100)
    for _ in 0..<n {
      let z = rng.normal()
      let z2 = z * z
      m1 += z
      m2 += z2
      m3 += z2 * z
      m4 += z2 * z2
      if abs(z) > ZigguratTable.normalR { tail += 1 }
      bins[min(99, Int(Special.normalCDF(z) * 100))] += 1
    }
    let nd = Double(n)
    #expect(abs(m1 / nd) < 5 * 1e-3)
    #expect(abs(m2 / nd - 1) < 5 * 1.41e-3)
    #expect(abs(m3 / nd) < 5 * 3.87e-3)
    #expect(abs(m4 / nd - 3) < 5 * 9.80e-3)
    let expectedTail = 2 * Special.H(ZigguratTable.normalR) * nd
    #expect(abs(Double(tail) - expectedTail) < 5 * expectedTail.squareRoot())
    let e = nd / 100
    let chi2 = bins.reduce(0.0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
    #expect(chi2 < 99 + 5 * 14)
  }

  @Test func zigguratTableClosesAtTheTop() {
    let t = ZigguratTable.normal
    // The recurrence from R should land on x = 0; the computed x₂₅₅ leaves a top
    // layer whose area matches the others to 1e-12 relative (3e-15 measured).
    let v = t.x[0] * t.f[1]
    #expect(abs(t.x[255] * (1 - t.f[255]) - v) < 1e-12 * v)
  }

  /// χ² of 10⁵ draws over 10 cells (9 dof, mean 9, sd √18) below 9 + 5√18 ≈ 30.2.
  @Test func integerBelowIsUniform() {
    var rng = RandomGenerator(seed: 3)
    var counts = [Int](repeating: 0, count: 10)
    let n = 100_000
    for _ in 0..<n { counts[Int(rng.integer(below: 10))] += 1 }
    let e = Double(n) / 10
    let chi2 = counts.reduce(0.0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
    #expect(chi2 < 30.2)
  }

  /// n = 3·2⁶² is where `next() % n` is most biased: it would put half the mass below
  /// 2⁶², against the correct 1/3. With 10⁵ draws s.e. = √(2/9/10⁵) ≈ 1.5e-3.
  @Test func integerBelowHasNoModuloBias() {
    var rng = RandomGenerator(seed: 5)
    let n: UInt64 = 3 << 62
    var low = 0
    for _ in 0..<100_000 {
      let x = rng.integer(below: n)
      #expect(x < n)
      if x < 1 << 62 { low += 1 }
    }
    #expect(abs(Double(low) / 100_000 - 1.0 / 3) < 5 * 1.5e-3)
  }

  @Test func integerInClosedRangeHitsBothEnds() {
    var rng = RandomGenerator(seed: 8)
    let draws = (0..<1000).map { _ in rng.integer(in: -2...2) }
    #expect(Set(draws) == Set(-2...2))
    _ = rng.integer(in: Int.min...Int.max)
    #expect(rng.integer(in: 7...7) == 7)
  }

  /// All 6 orders of 3 items, 60 000 shuffles: χ² (5 dof) below 5 + 5√10 ≈ 20.8.
  @Test func shuffleIsUniformPermutation() {
    var rng = RandomGenerator(seed: 13)
    var counts: [[Int]: Int] = [:]
    for _ in 0..<60_000 {
      var a = [0, 1, 2]
      rng.shuffle(&a)
      counts[a, default: 0] += 1
    }
    #expect(counts.count == 6)
    let chi2 = counts.values.reduce(0.0) {
      $0 + (Double($1) - 10_000) * (Double($1) - 10_000) / 10_000
    }
    #expect(chi2 < 20.8)
    var big = Array(0..<1000)
    rng.shuffle(&big)
    #expect(big.sorted() == Array(0..<1000))
  }

  @Test func choiceWithoutReplacementIsDistinctAndUniform() {
    var rng = RandomGenerator(seed: 21)
    #expect(rng.choice(10, count: 10, replace: false).sorted() == Array(0..<10))
    #expect(rng.choice(10, count: 0, replace: false).isEmpty)
    // Sparse path (5·4 < 100): 20 000 samples, each index expected 1000 times;
    // χ² with 99 dof (sd 14) below 99 + 5·14.
    var counts = [Int](repeating: 0, count: 100)
    for _ in 0..<20_000 {
      let c = rng.choice(100, count: 5, replace: false)
      #expect(Set(c).count == 5)
      for i in c { counts[i] += 1 }
    }
    let chi2 = counts.reduce(0.0) { $0 + (Double($1) - 1000) * (Double($1) - 1000) / 1000 }
    #expect(chi2 < 99 + 5 * 14)
    let withReplacement = rng.choice(3, count: 200, replace: true)
    #expect(withReplacement.count == 200 && Set(withReplacement) == [0, 1, 2])
  }

  @Test func vectorsMatchSequentialDraws() {
    var a = RandomGenerator(seed: 99)
    var b = a
    let u = a.uniformVector(count: 20)
    let z = a.normalVector(count: 20)
    #expect(u.elements == (0..<20).map { _ in b.uniform() })
    #expect(z.elements == (0..<20).map { _ in b.normal() })
    #expect(a.normalVector(count: 0).isEmpty)
  }
}
