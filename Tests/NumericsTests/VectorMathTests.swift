import Foundation
import Testing
import _NumericsKernels

@testable import Numerics

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a tiny deterministic generator, local to
/// this file so the tests do not depend on the library's RNG.
private struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
  /// Uniform in [a, b).
  mutating func uniform(_ a: Double, _ b: Double) -> Double {
    a + (b - a) * Double(next() >> 11) * 0x1p-53
  }
}

/// `|got − want|` in units in the last place of `want` (the spacing of doubles at `want`;
/// for subnormal or zero `want`, the smallest subnormal). Equal non-finite values and two
/// NaNs count as 0; any other non-finite disagreement as +∞.
private func ulpError(_ got: Double, _ want: Double) -> Double {
  if want.isNaN || got.isNaN { return want.isNaN && got.isNaN ? 0 : .infinity }
  if want.isInfinite || got.isInfinite { return got == want ? 0 : .infinity }
  return Swift.abs(got - want) / want.ulp
}

/// The largest ulp error of `f` against `reference` over `inputs`, with the worst input.
private func worst(
  _ inputs: [Double], _ f: (Vector) -> Vector, _ reference: (Double) -> Double
) -> (ulps: Double, at: Double) {
  let out = f(Vector(inputs))
  var result = (ulps: 0.0, at: Double.nan)
  for (x, y) in zip(inputs, out) {
    let e = ulpError(y, reference(x))
    if e > result.ulps { result = (e, x) }
  }
  return result
}

/// Tolerance for the polynomial kernels: 2 ulp against glibc. The kernels' own bound is
/// < 1 ulp (fdlibm) and glibc's `exp`/`log` are within 0.5 ulp, so 2 leaves a margin
/// without hiding a real defect (a wrong coefficient or reduction costs thousands of ulp).
private let kernelTolerance = 2.0

/// The builds of `_NumericsKernels`, narrowest first.
private let kernelLevels = [NK_LEVEL_BASELINE, NK_LEVEL_AVX2, NK_LEVEL_AVX512].map { Int32($0) }

/// The accuracy checks of the SIMD `exp` and `log`, run by the tests below both at the
/// kernel build the machine chooses and at every build forced with `nk_set_level`.
private enum KernelChecks {
  static let overflow = 709.782712893383973096  // largest x with finite exp(x)
  static let underflow = -745.133219101941108420  // smallest x with exp(x) > 0
  static let expSpecials: [Double] = [
    0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
    .leastNormalMagnitude, 1, -1, overflow, overflow.nextUp, 710, 1e308,
    .greatestFiniteMagnitude, underflow, underflow.nextDown, -708.39641853226410622,
    -720, -745, -746, -1e308, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
  ]
  static let logSpecials: [Double] = [
    1, 0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude,
    .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, 2, 0.5, 1.nextUp,
    1.nextDown, -1, -.leastNonzeroMagnitude, -.infinity, .infinity, .nan,
  ]

  /// The special values repeated 9 times, so that each one lands in every lane of the
  /// widest (8-double) vector body as well as in the scalar remainder.
  static func everyLane(_ values: [Double]) -> [Double] {
    Array(repeating: values, count: 9).flatMap { $0 }
  }

  static func expWideRange() {
    var rng = SplitMix64(state: 1)
    let wide = (0..<100_000).map { _ in rng.uniform(-746, 710) }
    let (ulps, at) = worst(wide, VectorMath.exp, Foundation.exp)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  static func expNearZero() {
    var rng = SplitMix64(state: 2)
    let near = (0..<100_000).map { _ in rng.uniform(-2, 2) }
    let (ulps, at) = worst(near, VectorMath.exp, Foundation.exp)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  static func expSpecialValues() {
    let inputs = everyLane(expSpecials)
    let out = VectorMath.exp(Vector(inputs))
    for (x, y) in zip(inputs, out) {
      #expect(ulpError(y, Foundation.exp(x)) <= kernelTolerance, "exp(\(x)) = \(y)")
    }
    for copy in 0..<9 {
      let o = copy * expSpecials.count
      #expect(out[o] == 1 && out[o + 1] == 1)  // exact: exp(±0) = 1
      #expect(out[o + 9].isFinite && out[o + 10] == .infinity)
      #expect(out[o + 14] > 0 && out[o + 15] == 0)
      #expect(out[o + 22] == .infinity && out[o + 23] == 0 && out[o + 24].isNaN)
    }
  }

  static func logAllBinades() {
    var rng = SplitMix64(state: 3)
    // Uniform bit patterns of positive finite doubles: subnormals and all exponents.
    let inputs = (0..<100_000).map { _ in
      Double(bitPattern: rng.next() % Double.greatestFiniteMagnitude.bitPattern + 1)
    }
    let (ulps, at) = worst(inputs, VectorMath.log, Foundation.log)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  static func logNearOne() {
    var rng = SplitMix64(state: 4)
    let inputs = (0..<100_000).map { _ in rng.uniform(0.5, 2) }
    let (ulps, at) = worst(inputs, VectorMath.log, Foundation.log)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  static func logSpecialValues() {
    let inputs = everyLane(logSpecials)
    let out = VectorMath.log(Vector(inputs))
    for (x, y) in zip(inputs, out) {
      #expect(ulpError(y, Foundation.log(x)) <= kernelTolerance, "log(\(x)) = \(y)")
    }
    for copy in 0..<9 {
      let o = copy * logSpecials.count
      #expect(out[o] == 0 && out[o].sign == .plus)  // exact: log(1) = +0
      #expect(out[o + 1] == -.infinity && out[o + 2] == -.infinity)
      #expect(out[o + 11].isNaN && out[o + 12].isNaN && out[o + 13].isNaN)
      #expect(out[o + 14] == .infinity && out[o + 15].isNaN)
    }
  }

  /// In place (`x` and `out` the same memory) gives the out-of-place result, for a
  /// length (101) that leaves a remainder after every vector width.
  static func inPlace() throws {
    let x = Vector.linspace(-3, 3, count: 101)
    let positive = Vector.linspace(0.01, 30, count: 101)
    var buffer = x.elements
    try buffer.withUnsafeMutableBufferPointer {
      try VectorMath.exp(UnsafeBufferPointer($0), into: $0)
    }
    #expect(buffer == VectorMath.exp(x).elements)  // same kernel: identical by construction
    buffer = positive.elements
    try buffer.withUnsafeMutableBufferPointer {
      try VectorMath.log(UnsafeBufferPointer($0), into: $0)
    }
    #expect(buffer == VectorMath.log(positive).elements)
  }
}

/// Serialized: the kernel-build test changes the process-wide build with `nk_set_level`,
/// which must not happen while another test of this suite measures the automatic one.
@Suite("VectorMath", .serialized)
struct VectorMathTests {
  @Test("exp within 2 ulp of glibc over 10⁵ points spanning the whole finite range")
  func expWideRange() { KernelChecks.expWideRange() }

  @Test("exp within 2 ulp of glibc over 10⁵ points in [-2, 2]")
  func expNearZero() { KernelChecks.expNearZero() }

  @Test("exp of special values: zeros, tiny, thresholds, infinities, NaN")
  func expSpecialValues() { KernelChecks.expSpecialValues() }

  @Test("log within 2 ulp of glibc over 10⁵ random positive doubles of every binade")
  func logAllBinades() { KernelChecks.logAllBinades() }

  @Test("log within 2 ulp of glibc over 10⁵ points in [0.5, 2], where log is near 0")
  func logNearOne() { KernelChecks.logNearOne() }

  @Test("log of special values: 1, zeros, subnormals, extremes, negatives, infinities, NaN")
  func logSpecialValues() { KernelChecks.logSpecialValues() }

  @Test("the automatic kernel build is the widest one this CPU can run")
  func automaticLevel() {
    let automatic = nk_set_level(-1)
    defer { nk_set_level(-1) }
    #expect(nk_level() == automatic)
    let names = [
      NK_LEVEL_BASELINE: "baseline", NK_LEVEL_AVX2: "AVX2+FMA", NK_LEVEL_AVX512: "AVX-512F",
    ]
    #expect(VectorMath.kernelBuild == names[Int(automatic)])
    for level in kernelLevels {
      let available = nk_set_level(level) == level
      #expect(available == (level <= automatic), "level \(level), automatic \(automatic)")
    }
  }

  @Test(
    "every kernel build this CPU can run: exp and log within 2 ulp, special values, in place",
    arguments: kernelLevels)
  func forcedLevel(level: Int32) throws {
    defer { nk_set_level(-1) }
    guard nk_set_level(level) == level else {
      // Not runnable here; `automaticLevel` checks that exactly the wider builds are refused.
      #expect(level > nk_set_level(-1))
      return
    }
    #expect(nk_level() == level)
    KernelChecks.expWideRange()
    KernelChecks.expNearZero()
    KernelChecks.expSpecialValues()
    KernelChecks.logAllBinades()
    KernelChecks.logNearOne()
    KernelChecks.logSpecialValues()
    try KernelChecks.inPlace()
  }

  /// The row kernels of `BLAS.rowBlockPass` give the same bits on every build (their sums
  /// have one fixed order), and agree with an 80-bit sum to the n·ε bound.
  @Test("row dot and row axpy kernels: bit-identical on every build, accurate")
  func rowKernelsAreBuildIndependent() {
    defer { nk_set_level(-1) }
    var rng = SplitMix64(state: 17)
    for (rows, cols) in [(7, 13), (9, 1000), (4, 8), (5, 3)] {
      let x = (0..<(rows * cols)).map { _ in rng.uniform(-0.5, 0.5) }
      let w = (0..<cols).map { _ in rng.uniform(-0.5, 0.5) }
      let r = (0..<rows).map { _ in rng.uniform(-0.5, 0.5) }
      let start = (0..<cols).map { _ in rng.uniform(0, 1) }
      var results: [([Double], [Double])] = []
      for level in kernelLevels where nk_set_level(level) == level {
        var z = [Double](repeating: .nan, count: rows)
        var g = start
        nk_rows_dot(x, rows, cols, w, &z)
        nk_rows_axpy(x, rows, cols, r, &g)
        results.append((z, g))
      }
      #expect(!results.isEmpty)
      for other in results.dropFirst() {
        #expect(other.0 == results[0].0, "dot, \(rows) × \(cols)")
        #expect(other.1 == results[0].1, "axpy, \(rows) × \(cols)")
      }
      for i in 0..<rows {
        var exact: Float80 = 0
        for j in 0..<cols { exact += Float80(x[i * cols + j]) * Float80(w[j]) }
        #expect(abs(Float80(results[0].0[i]) - exact) <= Float80(cols) * 1.2e-16)
      }
      for j in 0..<cols {
        var exact = Float80(start[j])
        for i in 0..<rows { exact += Float80(r[i]) * Float80(x[i * cols + j]) }
        #expect(abs(Float80(results[0].1[j]) - exact) <= Float80(rows + 1) * 1.2e-16 * 2)
      }
    }
  }

  @Test("libm-backed functions, sqrt and abs agree with the scalar functions")
  func scalarBackedFunctions() {
    var rng = SplitMix64(state: 5)
    var inputs = (0..<2_000).map { _ in rng.uniform(-50, 50) }
    inputs += [0, -0.0, .leastNonzeroMagnitude, 1e300, -1e300, .infinity, -.infinity, .nan]
    let x = Vector(inputs)
    let cases: [(String, (Vector) -> Vector, (Double) -> Double)] = [
      ("expm1", VectorMath.expm1, Foundation.expm1),
      ("log1p", VectorMath.log1p, Foundation.log1p),
      ("sin", VectorMath.sin, Foundation.sin),
      ("cos", VectorMath.cos, Foundation.cos),
      ("tanh", VectorMath.tanh, Foundation.tanh),
      ("sqrt", VectorMath.sqrt, Foundation.sqrt),
      ("abs", VectorMath.abs, { Swift.abs($0) }),
      ("apply", { VectorMath.apply($0) { 3 * $0 } }, { 3 * $0 }),
    ]
    for (name, f, reference) in cases {
      // Same scalar function (or the IEEE-exact sqrt and abs) per element: 0 ulp.
      let (ulps, at) = worst(inputs, f, reference)
      #expect(ulps == 0, "\(name): \(ulps) ulp at x = \(at)")
      #expect(f(x).count == x.count)
    }
  }

  @Test("buffer forms match the vector forms, work in place and reject a length mismatch")
  func bufferForms() throws {
    let x = Vector.linspace(-3, 3, count: 101)
    let positive = Vector.linspace(0.01, 30, count: 101)
    var out = [Double](repeating: 0, count: 101)
    try x.elements.withUnsafeBufferPointer { p in
      try out.withUnsafeMutableBufferPointer { try VectorMath.exp(p, into: $0) }
    }
    #expect(out == VectorMath.exp(x).elements)  // same kernel: identical by construction
    try positive.elements.withUnsafeBufferPointer { p in
      try out.withUnsafeMutableBufferPointer { try VectorMath.log(p, into: $0) }
    }
    #expect(out == VectorMath.log(positive).elements)

    var inPlace = x.elements
    try inPlace.withUnsafeMutableBufferPointer { buffer in
      try VectorMath.exp(UnsafeBufferPointer(buffer), into: buffer)
    }
    #expect(inPlace == VectorMath.exp(x).elements)

    var short = [Double](repeating: 0, count: 100)
    #expect(throws: NumericsError.shapeMismatch(operation: "sin", lhs: [101], rhs: [100])) {
      try x.elements.withUnsafeBufferPointer { p in
        try short.withUnsafeMutableBufferPointer { try VectorMath.sin(p, into: $0) }
      }
    }
    #expect(VectorMath.exp(Vector([])).isEmpty)
  }

  @Test("sumOfProducts is the inner product and checks lengths")
  func sumOfProducts() throws {
    let a = Vector.linspace(1, 100, count: 100)
    let ones = Vector(count: 100, repeating: 1)
    // Σ_{k=1}^{100} k = 5050, exact in double arithmetic.
    #expect(Swift.abs(try VectorMath.sumOfProducts(a, ones) - 5050) <= 1e-12)
    #expect(throws: NumericsError.shapeMismatch(operation: "@", lhs: [100], rhs: [3])) {
      try VectorMath.sumOfProducts(a, [1, 2, 3])
    }
  }

  @Test("sumExp is the geometric series Σ e^(ih) over several blocks and a partial one")
  func sumExpGeometric() {
    // n = 3 blocks + 17: Σ_{i<n} e^(ih) = (e^(nh) − 1)/(e^h − 1) = expm1(nh)/expm1(h).
    let n = 3 * VectorMath.fusedBlock + 17
    let h = 1e-4
    let x = Vector((0..<n).map { Double($0) * h })
    let want = Foundation.expm1(Double(n) * h) / Foundation.expm1(h)
    // Bound (log₂ n + 33) u ≈ 2·10⁻¹⁴ relative plus the reference's few ulp.
    #expect(Swift.abs(VectorMath.sumExp(x) - want) <= 1e-13 * want)
    // The unfused form obeys the same bound.
    #expect(Swift.abs(VectorMath.sumExp(x) - VectorMath.exp(x).sum()) <= 1e-13 * want)
  }

  @Test("sumExp of small, empty, overflowing and NaN vectors")
  func sumExpEdges() {
    #expect(VectorMath.sumExp(Vector([])) == 0)
    // e⁰ + e¹ + e⁻¹ = 1 + 2 cosh 1 = 4.0861612696304875 (to 17 digits).
    #expect(Swift.abs(VectorMath.sumExp([0, 1, -1]) - 4.0861612696304875) <= 4e-15)
    #expect(VectorMath.sumExp([1, 800, 2]) == .infinity)
    #expect(VectorMath.sumExp([1, .nan, 2]).isNaN)
  }

  @Test("sumExpTimes pairs every block of y with its block of x, and broadcasts like *")
  func sumExpTimes() throws {
    // yᵢ = e^(−xᵢ) makes each term 1 within 2 ulp, so the sum is n within ~n·10⁻¹⁵; a
    // block of y paired with the wrong block of x would give terms far from 1.
    let n = 2 * VectorMath.fusedBlock + 5
    var rng = SplitMix64(state: 6)
    let x = Vector((0..<n).map { _ in rng.uniform(-20, 20) })
    let y = Vector(x.map { Foundation.exp(-$0) })
    #expect(Swift.abs(try VectorMath.sumExpTimes(x, y) - Double(n)) <= 1e-12 * Double(n))

    // Broadcasting: a length-1 operand scales the other; 3 e^(ln 2) = 6.
    let ln2 = 0.6931471805599453
    #expect(Swift.abs(try VectorMath.sumExpTimes([0, ln2], [3]) - 9) <= 1e-14)
    #expect(Swift.abs(try VectorMath.sumExpTimes([ln2], [1, 2, 3]) - 12) <= 1e-14)
    #expect(try VectorMath.sumExpTimes([], []) == 0)
    #expect(try VectorMath.sumExpTimes([], [.infinity]) == 0)
    #expect(throws: NumericsError.shapeMismatch(operation: "*", lhs: [3], rhs: [2])) {
      try VectorMath.sumExpTimes([1, 2, 3], [1, 2])
    }
  }
}
