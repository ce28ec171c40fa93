import Foundation
import Numerics

extension RSA {
  /// Multi-head self-attention with H heads on tokens of width d (Vaswani et al. 2017;
  /// the form of Tomihari & Karakida 2025, §3):
  ///
  ///   MSA(X) = Σ_h softmax_rows(X W_hQ (X W_hK)ᵀ / √d_k) X V_h,   d_k = d / H,
  ///
  /// with W_hQ, W_hK ∈ ℝ^{d×d_k} and V_h ∈ ℝ^{d×d} (each head writes the full width; the
  /// output projection is folded into V_h). The softmax subtracts each row's maximum, so
  /// logits of any size are safe.
  public struct Attention: Sendable, Equatable {
    /// Token width d.
    public let dModel: Int
    /// Number of heads H (d divisible by H).
    public let heads: Int
    /// Query weights W_hQ, one d × d_k matrix per head.
    public let query: [Matrix]
    /// Key weights W_hK, one d × d_k matrix per head.
    public let key: [Matrix]
    /// Value weights V_h, one d × d matrix per head.
    public let value: [Matrix]

    /// Head width d_k = d / H.
    public var headDim: Int { dModel / heads }
    /// The logit scale s = 1/√d_k.
    public var logitScale: Double { 1 / Double(headDim).squareRoot() }

    /// Validates H ≥ 1 heads of equal shapes: W_hQ, W_hK of d × d_k and V_h of d × d, all
    /// finite.
    public init(query: [Matrix], key: [Matrix], value: [Matrix]) throws {
      let op = "rsa.attention"
      try RSA.require(!query.isEmpty, op, "expected at least one head, found none")
      try RSA.require(
        key.count == query.count && value.count == query.count, op,
        "expected as many key and value matrices as query matrices (\(query.count)), found \(key.count) and \(value.count)"
      )
      let d = query[0].rows
      let dk = query[0].cols
      try RSA.require(d >= 1 && dk >= 1, op, "expected non-empty query weights, found \(d)×\(dk)")
      for h in 0..<query.count {
        try RSA.requireShape(query[h], rows: d, cols: dk, "query weights of head \(h)", op)
        try RSA.requireShape(key[h], rows: d, cols: dk, "key weights of head \(h)", op)
        try RSA.requireShape(value[h], rows: d, cols: d, "value weights of head \(h)", op)
        try RSA.requireFinite(query[h], "query weights of head \(h)", op)
        try RSA.requireFinite(key[h], "key weights of head \(h)", op)
        try RSA.requireFinite(value[h], "value weights of head \(h)", op)
      }
      try RSA.require(
        dk * query.count == d, op,
        "expected head width d_k = d/H = \(d)/\(query.count), found d_k = \(dk)")
      dModel = d
      heads = query.count
      self.query = query
      self.key = key
      self.value = value
    }

    /// Random weights with independent entries scale · N(0, 1/d) (the paper's random-
    /// weight setting; scale is dimensionless, default 1), drawn from
    /// `RandomGenerator(seed:)` in the order W_1Q, W_1K, V_1, W_2Q, ….
    public static func random(dModel d: Int, heads: Int, scale: Double = 1, seed: UInt64)
      throws -> Attention
    {
      let op = "rsa.attention.random"
      try RSA.requireCount(d, "dModel", atLeast: 1, op)
      try RSA.requireCount(heads, "heads", atLeast: 1, op)
      try RSA.require(
        d % heads == 0, op, "expected dModel divisible by heads, found \(d) and \(heads)")
      try RSA.requireNonNegative(scale, "weight scale", op)
      var rng = RandomGenerator(seed: seed)
      let sd = scale / Double(d).squareRoot()
      func draw(_ r: Int, _ c: Int) -> Matrix {
        Matrix(rows: r, cols: c) { buf in
          for i in 0..<(r * c) { buf[i] = sd * rng.normal() }
        }
      }
      var q: [Matrix] = []
      var k: [Matrix] = []
      var v: [Matrix] = []
      for _ in 0..<heads {
        q.append(draw(d, d / heads))
        k.append(draw(d, d / heads))
        v.append(draw(d, d))
      }
      return try Attention(query: q, key: k, value: v)
    }

    /// The same attention with every weight multiplied by `factor` (common random numbers
    /// across a weight-scale sweep).
    public func scaled(by factor: Double) throws -> Attention {
      try Attention(
        query: query.map { $0.map { factor * $0 } }, key: key.map { $0.map { factor * $0 } },
        value: value.map { $0.map { factor * $0 } })
    }

    /// MSA(X) for X of shape n × d (see the type's formula).
    public func callAsFunction(_ x: Matrix) throws -> Matrix {
      try validate(x, "rsa.attention")
      let out = forward(x.elements, tokens: x.rows).output
      return try Matrix(rows: x.rows, cols: dModel, elements: out)
    }

    /// The attention matrices softmax_rows(X W_hQ (X W_hK)ᵀ/√d_k), one n × n row-stochastic
    /// matrix per head.
    public func weights(_ x: Matrix) throws -> [Matrix] {
      try validate(x, "rsa.attention.weights")
      let n = x.rows
      return try forward(x.elements, tokens: n).heads.map {
        try Matrix(rows: n, cols: n, elements: $0.a)
      }
    }

    /// The analytic Jacobian of MSA at X, an (nd) × (nd) matrix (Tomihari & Karakida
    /// 2025, the MSA Jacobian of §4; study spec "Jacobians and spectra"):
    ///
    ///   ∂MSA_i/∂x_k = Σ_h [A_ik Vᵀ + s A_ik (v_k − v̄_i) q_iᵀ W_Kᵀ
    ///                       + δ_ik s Σ_j A_ij (v_j − v̄_i) k_jᵀ W_Qᵀ],
    ///
    /// with s = 1/√d_k, q = W_Qᵀx, k = W_Kᵀx, v = Vᵀx, v̄_i = Σ_j A_ij v_j. Agrees with
    /// central differences to ~1e-9 (tests).
    public func jacobian(_ x: Matrix) throws -> Matrix {
      try validate(x, "rsa.attention.jacobian")
      let n = x.rows
      let nd = n * dModel
      var j = [Double](repeating: 0, count: nd * nd)
      addJacobian(of: forward(x.elements, tokens: n).heads, tokens: n, into: &j)
      return try Matrix(rows: nd, cols: nd, elements: j)
    }

    func validate(_ x: Matrix, _ op: String) throws {
      try RSA.require(
        x.cols == dModel && x.rows >= 1, op,
        "expected a state of n × \(dModel) (n ≥ 1 tokens of width d = \(dModel)), found \(x.rows)×\(x.cols)"
      )
      try RSA.requireFinite(x, "the state", op)
    }

    /// Per-head intermediate values kept for the Jacobian.
    struct Head {
      /// Queries q_i = W_Qᵀx_i, n × d_k.
      var q: [Double]
      /// Keys k_i = W_Kᵀx_i, n × d_k.
      var k: [Double]
      /// Values v_i = Vᵀx_i, n × d.
      var v: [Double]
      /// Attention A, n × n, row-stochastic.
      var a: [Double]
      /// v̄_i = Σ_j A_ij v_j, n × d.
      var vbar: [Double]
    }

    /// MSA on a flat row-major n × d state; returns the output and the per-head values.
    func forward(_ x: [Double], tokens n: Int) -> (output: [Double], heads: [Head]) {
      let d = dModel
      let dk = headDim
      let s = logitScale
      var out = [Double](repeating: 0, count: n * d)
      var cache: [Head] = []
      cache.reserveCapacity(heads)
      for h in 0..<heads {
        let q = Dense.multiply(x, n, d, query[h].elements, dk)
        let k = Dense.multiply(x, n, d, key[h].elements, dk)
        let v = Dense.multiply(x, n, d, value[h].elements, d)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
          var largest = -Double.infinity
          for j in 0..<n {
            var acc = 0.0
            for c in 0..<dk { acc += q[i * dk + c] * k[j * dk + c] }
            a[i * n + j] = s * acc
            largest = max(largest, s * acc)
          }
          var total = 0.0
          for j in 0..<n {
            let e = Foundation.exp(a[i * n + j] - largest)
            a[i * n + j] = e
            total += e
          }
          for j in 0..<n { a[i * n + j] /= total }
        }
        let vbar = Dense.multiply(a, n, n, v, d)
        for idx in 0..<(n * d) { out[idx] += vbar[idx] }
        cache.append(Head(q: q, k: k, v: v, a: a, vbar: vbar))
      }
      return (out, cache)
    }

    /// Adds the MSA Jacobian (the formula of `jacobian`) to a flat (nd) × (nd) buffer.
    func addJacobian(of cache: [Head], tokens n: Int, into j: inout [Double]) {
      let d = dModel
      let dk = headDim
      let nd = n * d
      let s = logitScale
      for h in 0..<heads {
        let head = cache[h]
        let vt = Dense.transpose(value[h].elements, d, d)
        // u_i = W_K q_i and g_l = W_Q k_l, both n × d.
        let u = Dense.multiplyTransposed(head.q, n, dk, key[h].elements, d)
        let g = Dense.multiplyTransposed(head.k, n, dk, query[h].elements, d)
        j.withUnsafeMutableBufferPointer { jb in
          for i in 0..<n {
            for kk in 0..<n {
              let alpha = head.a[i * n + kk]
              for a in 0..<d {
                let c1 = s * alpha * (head.v[kk * d + a] - head.vbar[i * d + a])
                let row = (i * d + a) * nd + kk * d
                for b in 0..<d {
                  jb[row + b] += alpha * vt[a * d + b] + c1 * u[i * d + b]
                }
              }
            }
            for l in 0..<n {
              let alpha = s * head.a[i * n + l]
              for a in 0..<d {
                let c = alpha * (head.v[l * d + a] - head.vbar[i * d + a])
                let row = (i * d + a) * nd + i * d
                for b in 0..<d { jb[row + b] += c * g[l * d + b] }
              }
            }
          }
        }
      }
    }
  }
}

/// Small dense kernels on flat row-major buffers (sizes here are tens, where plain loops
/// beat a BLAS call's overhead).
enum Dense {
  /// A (m × k) · B (k × n).
  static func multiply(_ a: [Double], _ m: Int, _ k: Int, _ b: [Double], _ n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          for i in 0..<m {
            for p in 0..<k {
              let x = pa[i * k + p]
              if x == 0 { continue }
              for j in 0..<n { pc[i * n + j] += x * pb[p * n + j] }
            }
          }
        }
      }
    }
    return c
  }

  /// A (m × k) · Bᵀ for B of shape n × k.
  static func multiplyTransposed(_ a: [Double], _ m: Int, _ k: Int, _ b: [Double], _ n: Int)
    -> [Double]
  {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var acc = 0.0
        for p in 0..<k { acc += a[i * k + p] * b[j * k + p] }
        c[i * n + j] = acc
      }
    }
    return c
  }

  /// The transpose of an m × n matrix.
  static func transpose(_ a: [Double], _ m: Int, _ n: Int) -> [Double] {
    var t = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n { t[j * m + i] = a[i * n + j] }
    }
    return t
  }
}
