import Foundation
import Numerics

/// The effective single-neuron process of the generating-functional analysis, solved by
/// Monte Carlo over M sample paths (the GFA saddle point; Coolen, Handbook of Biological
/// Physics 4 (2001), §4; for n ≥ 3 the study design's reconstruction of Mimura et al.,
/// ICLR 2026, arXiv 2506.00851):
///   h(t) = ξ s(m(t)) + η(t) + Σ_{s<t} Γ(t,s) σ(s),  σ(t + 1) = sgn h(t),
/// gauge ξ = +1, with Gaussian noise η of covariance K and retarded kernel Γ given by the
/// `Kernel`. Each step grows the Cholesky factor L of K by one row (η = L z with z i.i.d.
/// standard normal per path), updates every path, and measures m(t+1) = ⟨σ(t+1)⟩,
/// C(t+1,s) = ⟨σ(t+1)σ(s)⟩ and the response by Stein's lemma:
///   ⟨σ(t+1) z_r⟩ = Σ_s L(s,r) G(t+1,s)  ⇒  K G(t+1,·) = L ⟨σ(t+1) z⟩,
/// solved with the pseudo-inverse of K (eigenvalues below `rcond`·λ_max dropped: K is
/// singular when the state freezes, since then η(t) = η(t−1)). Cost O(T² M).
///
/// The initial state has exactly round((1 − m0)M/2) paths at σ(0) = −1. Paths are split
/// into chunks of `chunkSize`; chunk c draws its normals from stream c of the seed and
/// sums are reduced in chunk order, so results are bit-identical for any thread count.
/// Statistical error of m(t): √((1 − m²)/M).
struct EffectiveProcess {
  enum Kernel {
    /// n = k + 1 ≥ 3: K(t,s) = α Q_k(C(t,s)), Γ(t,s) = α k² G(t,s) Q_{k−1}(C(t,s)),
    /// signal m^k.
    case dense(k: Int)
    /// n = 2: see `hopfieldTerms`; signal m.
    case hopfield
  }

  static let chunkSize = 8192
  /// Relative eigenvalue cutoff of the Stein pseudo-inverse.
  static let rcond = 1e-6

  let kernel: Kernel
  let alpha: Double
  let initialOverlap: Double
  let steps: Int
  let samples: Int
  let seed: UInt64
  let threads: Int

  struct Solution {
    var m: [Double]
    var c: [[Double]]
    var g: [[Double]]
  }

  func run(cancellation: Cancellation, progress: Numerics.Progress) throws -> Solution {
    let big = steps + 1
    var sol = Solution(
      m: [Double](repeating: 0, count: big),
      c: [[Double]](repeating: [Double](repeating: 0, count: big), count: big),
      g: [[Double]](repeating: [Double](repeating: 0, count: big), count: big))
    let flips = Int((0.5 * (1 - initialOverlap) * Double(samples)).rounded())
    sol.m[0] = 1 - 2 * Double(flips) / Double(samples)
    sol.c[0][0] = 1
    var kMatrix = [[Double]](repeating: [Double](repeating: 0, count: steps), count: steps)
    var l = kMatrix
    let base = RandomGenerator(seed: seed)
    let chunkCount = (samples + Self.chunkSize - 1) / Self.chunkSize
    let chunks = (0..<chunkCount).map { c in
      let start = c * Self.chunkSize
      let count = min(Self.chunkSize, samples - start)
      return PathChunk(
        count: count, steps: steps, negative: max(0, min(count, flips - start)),
        rng: base.stream(c))
    }
    for t in 0..<steps {
      try cancellation.check()
      let (covariance, retarded) = terms(t: t, sol)
      for s in 0...t { kMatrix[t][s] = covariance[s] }
      for s in 0...t { kMatrix[s][t] = covariance[s] }
      extendCholesky(&l, kMatrix, row: t)
      let signal: Double
      switch kernel {
      case .dense(let k): signal = DAM.power(sol.m[t], k)
      case .hopfield: signal = sol.m[t]
      }
      let step = PathStep(t: t, signal: signal, noise: Array(l[t][0...t]), retarded: retarded)
      let partial = try ParallelWork.map(
        count: chunkCount, workers: threads, cancellation: cancellation
      ) { c in chunks[c].advance(step) }
      var sums = [Double](repeating: 0, count: 2 * t + 3)
      for p in partial {
        for i in 0..<sums.count { sums[i] += p[i] }
      }
      let inverseM = 1 / Double(samples)
      sol.m[t + 1] = sums[0] * inverseM
      for s in 0...t {
        sol.c[t + 1][s] = sums[1 + s] * inverseM
        sol.c[s][t + 1] = sol.c[t + 1][s]
      }
      sol.c[t + 1][t + 1] = 1
      let e = (0...t).map { sums[t + 2 + $0] * inverseM }
      let response = try steinResponse(kMatrix, l, e, t: t)
      for s in 0...t { sol.g[t + 1][s] = response[s] }
      progress.report(t + 1, of: steps)
    }
    return sol
  }

  /// Row t of the noise covariance (s = 0…t) and the retarded kernel (s < t).
  private func terms(t: Int, _ sol: Solution) -> (covariance: [Double], retarded: [Double]) {
    switch kernel {
    case .dense(let k):
      let covariance = (0...t).map { alpha * DAM.momentQ(k, sol.c[t][$0]) }
      let retarded = (0..<t).map {
        alpha * Double(k * k) * sol.g[t][$0] * DAM.momentQ(k - 1, sol.c[t][$0])
      }
      return (covariance, retarded)
    case .hopfield:
      return Kernel.hopfieldTerms(t: t, alpha: alpha, c: sol.c, g: sol.g)
    }
  }

  /// Row t of the lower Cholesky factor of the positive semidefinite K: a pivot that
  /// vanishes (relative to K(t,t)) marks a direction already spanned, and its column is 0.
  private func extendCholesky(_ l: inout [[Double]], _ k: [[Double]], row t: Int) {
    let tiny = 1e-12 * max(k[t][t], Double.leastNormalMagnitude)
    for s in 0..<t {
      var v = k[t][s]
      for r in 0..<s { v -= l[t][r] * l[s][r] }
      l[t][s] = l[s][s] > 0 ? v / l[s][s] : 0
    }
    var d = k[t][t]
    for r in 0..<t { d -= l[t][r] * l[t][r] }
    l[t][t] = d > tiny ? d.squareRoot() : 0
  }

  /// G(t+1, 0…t) = K⁺ L e with e_r = ⟨σ(t+1) z_r⟩ (Stein's lemma).
  private func steinResponse(_ k: [[Double]], _ l: [[Double]], _ e: [Double], t: Int) throws
    -> [Double]
  {
    let n = t + 1
    var b = [Double](repeating: 0, count: n)
    for s in 0..<n {
      for r in 0...s { b[s] += l[s][r] * e[r] }
    }
    let block = Matrix(rows: n, cols: n) { out in
      for i in 0..<n {
        for j in 0..<n { out[i * n + j] = k[i][j] }
      }
    }
    let (values, vectors) = try LinearAlgebra.eigh(block)
    let cutoff = Self.rcond * values.max()!
    var g = [Double](repeating: 0, count: n)
    for q in 0..<n where values[q] > cutoff {
      var projection = 0.0
      for i in 0..<n { projection += vectors[i, q] * b[i] }
      projection /= values[q]
      for i in 0..<n { g[i] += projection * vectors[i, q] }
    }
    return g
  }
}

/// What every path needs for one step.
struct PathStep: Sendable {
  let t: Int
  let signal: Double
  /// Row t of L: η(t) = Σ_{s≤t} L(t,s) z_s.
  let noise: [Double]
  /// Γ(t,s), s < t.
  let retarded: [Double]
}

/// A block of sample paths with its own random stream; touched by one worker at a time.
final class PathChunk: @unchecked Sendable {
  let count: Int
  /// σ(t) for t = 0…T, time-major.
  private var sigma: [Int8]
  /// z_t for t = 0…T−1, time-major.
  private var z: [Double]
  private var field: [Double]
  private var rng: RandomGenerator

  init(count: Int, steps: Int, negative: Int, rng: RandomGenerator) {
    self.count = count
    sigma = [Int8](repeating: 1, count: count * (steps + 1))
    for j in 0..<negative { sigma[j] = -1 }
    z = [Double](repeating: 0, count: count * steps)
    field = [Double](repeating: 0, count: count)
    self.rng = rng
  }

  /// Updates every path to σ(t+1) and returns [Σσ(t+1), Σσ(t+1)σ(s) (s = 0…t),
  /// Σσ(t+1)z_r (r = 0…t)].
  func advance(_ step: PathStep) -> [Double] {
    let t = step.t
    let n = count
    var sums = [Double](repeating: 0, count: 2 * t + 3)
    sigma.withUnsafeMutableBufferPointer { sigma in
      z.withUnsafeMutableBufferPointer { z in
        field.withUnsafeMutableBufferPointer { h in
          for j in 0..<n { z[t * n + j] = rng.normal() }
          for j in 0..<n { h[j] = step.signal }
          for s in 0...t {
            let w = step.noise[s]
            if w != 0 { for j in 0..<n { h[j] += w * z[s * n + j] } }
          }
          for s in 0..<t {
            let w = step.retarded[s]
            if w != 0 { for j in 0..<n { h[j] += w * Double(sigma[s * n + j]) } }
          }
          let next = (t + 1) * n
          var total = 0
          for j in 0..<n {
            let v: Int8 = h[j] >= 0 ? 1 : -1
            sigma[next + j] = v
            total += Int(v)
          }
          sums[0] = Double(total)
          for s in 0...t {
            var c = 0
            for j in 0..<n { c += Int(sigma[next + j] &* sigma[s * n + j]) }
            sums[1 + s] = Double(c)
            var e = 0.0
            for j in 0..<n { e += Double(sigma[next + j]) * z[s * n + j] }
            sums[t + 2 + s] = e
          }
        }
      }
    }
    return sums
  }
}
