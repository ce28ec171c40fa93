import Foundation
import Numerics

extension ONC {
  /// The hidden-layer nonlinearity of the MLP.
  public enum Activation: String, Sendable, CaseIterable {
    /// tanh(a), derivative 1 − tanh²(a).
    case tanh
    /// max(a, 0), derivative 1 for a > 0 and 0 otherwise.
    case relu
  }

  /// An MLP with a cumulative link head: hidden layers h_k = φ(W_k h_{k−1} + c_k),
  /// k = 1…L, h_0 = x, latent z = wᵀh_L, class probabilities P_j(z) of the CLM with
  /// thresholds b. The features of neural collapse are h_L.
  ///
  /// All parameters live in one flat array: for each layer W_k (n_k × n_{k−1}, row-major)
  /// then c_k, then w, then (with learnable thresholds) θ_1 … θ_{Q−1} with
  /// b_1 = θ_1, b_j = b_{j−1} + e^{θ_j} (j ≥ 2), which keeps the thresholds ordered;
  /// learnable thresholds need b_0 = −∞ and b_Q = +∞.
  struct Network: Sendable {
    let widths: [Int]
    let activation: Activation
    let link: Link
    let classes: Int
    /// The fixed thresholds (or b_0 = −∞ and b_Q = +∞ around learnable ones).
    let fixedThresholds: [Double]
    let learnThresholds: Bool
    var parameters: [Double]

    /// Offsets of W_k and c_k, then of w and θ.
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    let headOffset: Int
    let thresholdOffset: Int

    init(
      inputs: Int, hidden: [Int], activation: Activation, link: Link, thresholds: [Double],
      learnThresholds: Bool, rng: inout RandomGenerator
    ) {
      widths = [inputs] + hidden
      self.activation = activation
      self.link = link
      classes = thresholds.count - 1
      fixedThresholds = thresholds
      self.learnThresholds = learnThresholds
      var offset = 0
      var wo: [Int] = []
      var bo: [Int] = []
      var values: [Double] = []
      for k in 1..<widths.count {
        wo.append(offset)
        let scale = 1 / Double(widths[k - 1]).squareRoot()
        for _ in 0..<(widths[k] * widths[k - 1]) { values.append(scale * rng.normal()) }
        offset += widths[k] * widths[k - 1]
        bo.append(offset)
        values += [Double](repeating: 0, count: widths[k])
        offset += widths[k]
      }
      weightOffsets = wo
      biasOffsets = bo
      headOffset = offset
      let last = widths[widths.count - 1]
      let headScale = 1 / Double(last).squareRoot()
      for _ in 0..<last { values.append(headScale * rng.normal()) }
      offset += last
      thresholdOffset = offset
      if learnThresholds {
        let interior = Array(thresholds[1..<classes])
        values.append(interior[0])
        for j in 1..<interior.count { values.append(Foundation.log(interior[j] - interior[j - 1])) }
      }
      parameters = values
    }

    /// The current thresholds b_0 … b_Q.
    var thresholds: [Double] {
      guard learnThresholds else { return fixedThresholds }
      var b = [-Double.infinity]
      var current = parameters[thresholdOffset]
      b.append(current)
      for j in 1..<(classes - 1) {
        current += Foundation.exp(parameters[thresholdOffset + j])
        b.append(current)
      }
      b.append(.infinity)
      return b
    }

    var head: Vector { Vector(parameters[headOffset..<(headOffset + widths[widths.count - 1])]) }

    func layerWeights(_ k: Int) -> Matrix {
      let (rows, cols) = (widths[k + 1], widths[k])
      let o = weightOffsets[k]
      return Matrix(rows: rows, cols: cols) { out in
        for i in 0..<(rows * cols) { out[i] = parameters[o + i] }
      }
    }

    /// The hidden-layer activations H_k = φ(H_{k−1} W_kᵀ + 1 c_kᵀ) (N × n_k), k = 1…L.
    /// Both activations' derivatives are functions of H_k alone (1 − H² for tanh,
    /// [H > 0] for ReLU), so the pre-activations are not kept.
    func forward(_ x: Matrix) throws -> [Matrix] {
      var post: [Matrix] = []
      var h = x
      for k in 0..<(widths.count - 1) {
        var a = try BLAS.gemm(h, layerWeights(k), transB: true).elements
        let width = widths[k + 1]
        let bias = Array(parameters[biasOffsets[k]..<(biasOffsets[k] + width)])
        let rows = h.rows
        let tanh = activation == .tanh
        a.withUnsafeMutableBufferPointer { av in
          for i in 0..<rows {
            for j in 0..<width {
              let v = av[i * width + j] + bias[j]
              av[i * width + j] = tanh ? Foundation.tanh(v) : max(v, 0)
            }
          }
        }
        let out = try Matrix(rows: rows, cols: width, elements: a)
        post.append(out)
        h = out
      }
      return post
    }

    /// The objective (1/N) Σᵢ ℓ(zᵢ; yᵢ) + (λ/2)|parameters except θ|², its gradient by
    /// backpropagation (derived by hand: ∂L/∂zᵢ = ℓ′(zᵢ; yᵢ)/N, ∂L/∂w = H_Lᵀ ∂L/∂z + λw,
    /// Δ_L = (∂L/∂z) wᵀ ⊙ φ′(A_L), ∂L/∂W_k = Δ_kᵀ H_{k−1} + λW_k, ∂L/∂c_k = 1ᵀΔ_k + λc_k,
    /// Δ_{k−1} = Δ_k W_k ⊙ φ′(A_{k−1}); ∂ℓᵢ/∂b_{yᵢ+1} = −g′(u)/P, ∂ℓᵢ/∂b_{yᵢ} = g′(l)/P,
    /// then ∂L/∂θ_j = (j = 1 ? 1 : e^{θ_j}) Σ_{m ≥ j} ∂L/∂b_m), the data loss, the
    /// features H_L and the latents z.
    func evaluate(_ data: OrdinalData, weightDecay: Double) throws -> Evaluation {
      let post = try forward(data.inputs)
      let features = post[post.count - 1]
      let w = head
      let z = try BLAS.gemv(features, w)
      let b = thresholds
      let loss = try CumulativeLink(link: link, thresholds: b)
      let n = data.labels.count
      var dz = [Double](repeating: 0, count: n)
      var dThreshold = [Double](repeating: 0, count: classes + 1)
      var dataLoss = 0.0
      for i in 0..<n {
        let y = data.labels[i]
        let t = loss.terms(z[i], y)
        dataLoss -= t.logProbability
        dz[i] = (t.upper - t.lower) / Double(n)
        dThreshold[y + 1] -= t.upper / Double(n)
        dThreshold[y] += t.lower / Double(n)
      }
      dataLoss /= Double(n)
      guard dataLoss.isFinite, dz.allSatisfy(\.isFinite) else {
        throw NumericsError.nonFinite(operation: "onc.train")
      }
      var gradient = [Double](repeating: 0, count: parameters.count)
      var decay = 0.0
      let trainable = learnThresholds ? thresholdOffset : parameters.count
      for i in 0..<trainable {
        decay += parameters[i] * parameters[i]
        gradient[i] = weightDecay * parameters[i]
      }
      let dzVector = Vector(dz)
      let gw = try BLAS.gemv(features, dzVector, transpose: true)
      for j in 0..<w.count { gradient[headOffset + j] += gw[j] }
      let lastWidth = widths[widths.count - 1]
      var delta = [Double](repeating: 0, count: n * lastWidth)
      for i in 0..<n { for j in 0..<lastWidth { delta[i * lastWidth + j] = dz[i] * w[j] } }
      for k in stride(from: widths.count - 2, through: 0, by: -1) {
        let width = widths[k + 1]
        applyDerivative(&delta, post[k])
        let bo = biasOffsets[k]
        delta.withUnsafeBufferPointer { dv in
          gradient.withUnsafeMutableBufferPointer { gv in
            for i in 0..<n { for j in 0..<width { gv[bo + j] += dv[i * width + j] } }
          }
        }
        let deltaMatrix = try Matrix(rows: n, cols: width, elements: delta)
        let below = k == 0 ? data.inputs : post[k - 1]
        let gW = try BLAS.gemm(deltaMatrix, below, transA: true).elements
        let wo = weightOffsets[k]
        for i in 0..<gW.count { gradient[wo + i] += gW[i] }
        if k > 0 { delta = try BLAS.gemm(deltaMatrix, layerWeights(k)).elements }
      }
      if learnThresholds {
        var suffix = 0.0
        for j in stride(from: classes - 1, through: 1, by: -1) {
          suffix += dThreshold[j]
          let factor = j == 1 ? 1 : Foundation.exp(parameters[thresholdOffset + j - 1])
          gradient[thresholdOffset + j - 1] = factor * suffix
        }
      }
      return Evaluation(
        objective: dataLoss + 0.5 * weightDecay * decay, dataLoss: dataLoss,
        gradient: gradient, features: features, latents: z, thresholds: b)
    }

    /// Δ ← Δ ⊙ φ′(A), with φ′ from the activation H = φ(A): 1 − H² for tanh, [H > 0]
    /// for ReLU (the derivative at A = 0 is taken as 0).
    func applyDerivative(_ delta: inout [Double], _ h: Matrix) {
      let act = activation
      delta.withUnsafeMutableBufferPointer { d in
        h.elements.withUnsafeBufferPointer { hv in
          switch act {
          case .tanh: for i in 0..<d.count { d[i] *= 1 - hv[i] * hv[i] }
          case .relu: for i in 0..<d.count { d[i] = hv[i] > 0 ? d[i] : 0 }
          }
        }
      }
    }

    /// One evaluation of the network on a data set.
    struct Evaluation {
      let objective: Double
      let dataLoss: Double
      let gradient: [Double]
      let features: Matrix
      let latents: Vector
      let thresholds: [Double]
    }
  }
}
