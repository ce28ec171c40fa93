import Foundation
import Testing

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

@Suite("VectorMath")
struct VectorMathTests {
  @Test("exp within 2 ulp of glibc over 10⁵ points spanning the whole finite range")
  func expWideRange() {
    var rng = SplitMix64(state: 1)
    let wide = (0..<100_000).map { _ in rng.uniform(-746, 710) }
    let (ulps, at) = worst(wide, VectorMath.exp, Foundation.exp)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  @Test("exp within 2 ulp of glibc over 10⁵ points in [-2, 2]")
  func expNearZero() {
    var rng = SplitMix64(state: 2)
    let near = (0..<100_000).map { _ in rng.uniform(-2, 2) }
    let (ulps, at) = worst(near, VectorMath.exp, Foundation.exp)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  @Test("exp of special values: zeros, tiny, thresholds, infinities, NaN")
  func expSpecialValues() {
    let overflow = 709.782712893383973096  // largest x with finite exp(x)
    let underflow = -745.133219101941108420  // smallest x with exp(x) > 0
    let inputs: [Double] = [
      0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
      .leastNormalMagnitude, 1, -1, overflow, overflow.nextUp, 710, 1e308,
      .greatestFiniteMagnitude, underflow, underflow.nextDown, -708.39641853226410622,
      -720, -745, -746, -1e308, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ]
    let out = VectorMath.exp(Vector(inputs))
    for (x, y) in zip(inputs, out) {
      #expect(ulpError(y, Foundation.exp(x)) <= kernelTolerance, "exp(\(x)) = \(y)")
    }
    #expect(out[0] == 1 && out[1] == 1)  // exact: exp(±0) = 1
    #expect(out[9].isFinite && out[10] == .infinity)
    #expect(out[14] > 0 && out[15] == 0)
    #expect(out[22] == .infinity && out[23] == 0 && out[24].isNaN)
  }

  @Test("log within 2 ulp of glibc over 10⁵ random positive doubles of every binade")
  func logAllBinades() {
    var rng = SplitMix64(state: 3)
    // Uniform bit patterns of positive finite doubles: subnormals and all exponents.
    let inputs = (0..<100_000).map { _ in
      Double(bitPattern: rng.next() % Double.greatestFiniteMagnitude.bitPattern + 1)
    }
    let (ulps, at) = worst(inputs, VectorMath.log, Foundation.log)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  @Test("log within 2 ulp of glibc over 10⁵ points in [0.5, 2], where log is near 0")
  func logNearOne() {
    var rng = SplitMix64(state: 4)
    let inputs = (0..<100_000).map { _ in rng.uniform(0.5, 2) }
    let (ulps, at) = worst(inputs, VectorMath.log, Foundation.log)
    #expect(ulps <= kernelTolerance, "max \(ulps) ulp at x = \(at)")
  }

  @Test("log of special values: 1, zeros, subnormals, extremes, negatives, infinities, NaN")
  func logSpecialValues() {
    let inputs: [Double] = [
      1, 0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude,
      .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, 2, 0.5, 1.nextUp,
      1.nextDown, -1, -.leastNonzeroMagnitude, -.infinity, .infinity, .nan,
    ]
    let out = VectorMath.log(Vector(inputs))
    for (x, y) in zip(inputs, out) {
      #expect(ulpError(y, Foundation.log(x)) <= kernelTolerance, "log(\(x)) = \(y)")
    }
    #expect(out[0] == 0 && out[0].sign == .plus)  // exact: log(1) = +0
    #expect(out[1] == -.infinity && out[2] == -.infinity)
    #expect(out[11].isNaN && out[12].isNaN && out[13].isNaN)
    #expect(out[14] == .infinity && out[15].isNaN)
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
}
