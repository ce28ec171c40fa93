import Numerics
import Testing

@testable import RecurrentSelfAttention

/// The central-difference Jacobian of f at x with step h: column (k) is
/// (f(x + h e_k) − f(x − h e_k)) / 2h, error O(h² f‴) + O(ε/h) ≈ 1e-10 at h = 1e-5.
func finiteDifferenceJacobian(_ x: Matrix, h: Double = 1e-5, _ f: (Matrix) throws -> Matrix)
  throws -> Matrix
{
  let nd = x.count
  var j = Matrix(rows: nd, cols: nd)
  for k in 0..<nd {
    var plus = x
    var minus = x
    plus.elements[k] += h
    minus.elements[k] -= h
    let fp = try f(plus).elements
    let fm = try f(minus).elements
    for r in 0..<nd { j[r, k] = (fp[r] - fm[r]) / (2 * h) }
  }
  return j
}

func maxAbsDifference(_ a: Matrix, _ b: Matrix) -> Double {
  zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
}

func randomState(_ n: Int, _ d: Int, seed: UInt64, scale: Double = 1) throws -> Matrix {
  var rng = RandomGenerator(seed: seed)
  return try Matrix(rows: n, cols: d, elements: rng.normalVector(count: n * d).elements)
    .map { scale * $0 }
}

@Suite struct JacobianTests {
  @Test func attentionJacobianMatchesFiniteDifferences() throws {
    let attention = try RSA.Attention.random(dModel: 4, heads: 2, scale: 1.5, seed: 11)
    let x = try randomState(3, 4, seed: 12)
    let analytic = try attention.jacobian(x)
    let numeric = try finiteDifferenceJacobian(x) { try attention($0) }
    #expect(maxAbsDifference(analytic, numeric) < 1e-8)
  }

  @Test func attentionRowsAreConvexCombinations() throws {
    let attention = try RSA.Attention.random(dModel: 4, heads: 2, seed: 3)
    let x = try randomState(3, 4, seed: 4)
    for a in try attention.weights(x) {
      for i in 0..<3 {
        #expect(abs(a.row(i).sum() - 1) < 1e-14)
        #expect(a.row(i).allSatisfy { $0 > 0 })
      }
    }
  }

  @Test(arguments: [
    RSA.Normalization.rms(gain: [0.5, 1, 2, 1.5], epsilon: 1e-6),
    .layer(gain: [0.5, 1, 2, 1.5], bias: [0.1, 0, -0.2, 0.3], epsilon: 1e-6),
    .sphere,
  ])
  func normalizationJacobianMatchesFiniteDifferences(norm: RSA.Normalization) throws {
    let z = try randomState(3, 4, seed: 21)
    let analytic = try norm.jacobian(z)
    let numeric = try finiteDifferenceJacobian(z) { try norm($0) }
    #expect(maxAbsDifference(analytic, numeric) < 1e-8)
  }

  @Test func rmsNormHasOneZeroEigenvaluePerTokenAtZeroEpsilon() throws {
    let z = try randomState(2, 4, seed: 5)
    let j = try RSA.Normalization.rms(gain: Vector(count: 4, repeating: 1), epsilon: 0)
      .jacobian(z)
    let (re, im) = try LinearAlgebra.eig(j)
    let zeros = zip(re, im).filter { abs($0) < 1e-12 && abs($1) < 1e-12 }.count
    #expect(zeros == 2)
  }

  @Test(arguments: RSA.Variant.allCases)
  func stepJacobianMatchesFiniteDifferences(variant: RSA.Variant) throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 3, dModel: 4, heads: 2, scale: 1.2, variant: variant, eta: 0.7, seed: 31)
    let analytic = try model.jacobian(x0)
    let numeric = try finiteDifferenceJacobian(x0) { try model.step($0) }
    #expect(maxAbsDifference(analytic, numeric) < 1e-8)
  }

  @Test func rmsNormStateHasNormSqrtND() throws {
    let (model, x0) = try RSA.IteratedAttention.random(
      tokens: 4, dModel: 8, heads: 2, variant: .rmsNorm, epsilon: 0, seed: 7)
    let trajectory = try model.trajectory(from: x0, steps: 5)
    #expect(abs(trajectory.norms[5] - (4.0 * 8).squareRoot()) < 1e-12)
  }

  @Test func rejectsBadShapes() throws {
    let attention = try RSA.Attention.random(dModel: 4, heads: 2, seed: 1)
    #expect(throws: NumericsError.self) { try attention(Matrix(rows: 2, cols: 3)) }
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "rsa.attention.random",
        message: "expected dModel divisible by heads, found 4 and 3")
    ) { try RSA.Attention.random(dModel: 4, heads: 3, seed: 1) }
  }
}
