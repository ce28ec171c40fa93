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

    /// Data sets with at least this many rows are evaluated in two row halves on two
    /// threads (`Workspace`); smaller ones in one piece.
    static let splitRows = 256

    /// Buffers reused across evaluations of one network on one data set, so a training
    /// epoch allocates nothing of the data's size (fresh N × n_k arrays per epoch were a
    /// third of the run time in page faults).
    ///
    /// The rows are cut into fixed parts (two halves from `splitRows` rows on, else one);
    /// each part's forward and backward pass runs on its own thread with its own buffers,
    /// and the parts' sums are added in part order. The cut depends only on N, so the
    /// results do not depend on the number of threads that run the parts.
    final class Workspace: @unchecked Sendable {
      /// The rows of one part, their inputs and labels, and the part's buffers.
      final class Part: @unchecked Sendable {
        let rows: Range<Int>
        let inputs: Matrix
        let labels: [Int]
        /// H_k = φ(H_{k−1} W_kᵀ + 1 c_kᵀ), rows × n_k, k = 1…L.
        var post: [Matrix]
        /// Δ_k = ∂L/∂A_k, rows × n_k.
        var delta: [Matrix]
        /// This part's share of ∂L/∂W_k (without weight decay).
        var weightGradients: [Matrix]

        init(_ network: Network, _ data: OrdinalData, rows: Range<Int>) throws {
          let w = network.widths
          let p = data.inputs.cols
          self.rows = rows
          inputs = try Matrix(
            rows: rows.count, cols: p,
            elements: Array(data.inputs.elements[(rows.lowerBound * p)..<(rows.upperBound * p)]))
          labels = Array(data.labels[rows])
          post = (1..<w.count).map { Matrix(rows: rows.count, cols: w[$0]) }
          delta = post
          weightGradients = (1..<w.count).map { Matrix(rows: w[$0], cols: w[$0 - 1]) }
        }
      }

      let parts: [Part]
      /// W_k copied out of the flat parameters (read by every part).
      var weights: [Matrix]
      /// Threads running the parts (1 or 2); the results do not depend on it.
      let workers: Int

      init(_ network: Network, _ data: OrdinalData, parts: Int? = nil, workers: Int? = nil) throws {
        let n = data.inputs.rows
        let count = max(1, min(parts ?? (n >= Network.splitRows ? 2 : 1), n))
        self.parts = try (0..<count).map { c in
          try Part(network, data, rows: (c * n / count)..<((c + 1) * n / count))
        }
        let w = network.widths
        weights = (1..<w.count).map { Matrix(rows: w[$0], cols: w[$0 - 1]) }
        self.workers = max(1, min(workers ?? ParallelWork.defaultWorkers, count, 2))
      }
    }

    /// The hidden-layer activations H_k = φ(H_{k−1} W_kᵀ + 1 c_kᵀ) (rows × n_k), k = 1…L,
    /// of one part's inputs into `part.post`, with W_k from `weights`. Both activations'
    /// derivatives are functions of H_k alone (1 − H² for tanh, [H > 0] for ReLU), so the
    /// pre-activations are not kept.
    func forward(_ part: Workspace.Part, weights: [Matrix]) throws {
      let rows = part.inputs.rows
      let tanh = activation == .tanh
      for k in 0..<(widths.count - 1) {
        let width = widths[k + 1]
        if k == 0 {
          try BLAS.gemm(part.inputs, weights[k], into: &part.post[k], transB: true)
        } else {
          try BLAS.gemm(part.post[k - 1], weights[k], into: &part.post[k], transB: true)
        }
        let bo = biasOffsets[k]
        parameters.withUnsafeBufferPointer { p in
          part.post[k].elements.withUnsafeMutableBufferPointer { av in
            let bias = p.baseAddress! + bo
            if tanh {
              for i in 0..<rows {
                let row = i * width
                for j in 0..<width { av[row + j] = Foundation.tanh(av[row + j] + bias[j]) }
              }
            } else {
              for i in 0..<rows {
                let row = av.baseAddress! + i * width
                var j = 0
                while j + 8 <= width {
                  let a = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Double>.self)
                  let c = UnsafeRawPointer(bias + j).loadUnaligned(as: SIMD8<Double>.self)
                  var v = a + c
                  v.replace(with: 0, where: v .< 0)  // max(v, 0), NaN kept
                  UnsafeMutableRawPointer(row + j).storeBytes(of: v, as: SIMD8<Double>.self)
                  j += 8
                }
                while j < width {
                  row[j] = max(row[j] + bias[j], 0)
                  j += 1
                }
              }
            }
          }
        }
      }
    }

    /// One part's share of the data loss and of the gradient.
    private struct PartSums: Sendable {
      var dataLoss = 0.0
      var finite = true
      var latents: [Double] = []
      var dThreshold: [Double] = []
      var head: Vector = Vector([])
      var biases: [Vector] = []
    }

    /// Forward and backward pass over one part: Σᵢ ℓ(zᵢ; yᵢ), ∂/∂b, ∂/∂w and ∂/∂c_k of
    /// (1/N) Σᵢ ℓ over the part's rows, its ∂L/∂W_k into `part.weightGradients`.
    private func partPass(
      _ part: Workspace.Part, weights: [Matrix], head w: Vector, loss: CumulativeLink,
      totalRows: Int
    ) throws -> PartSums {
      try forward(part, weights: weights)
      let last = widths.count - 2
      let z = try BLAS.gemv(part.post[last], w)
      let n = part.labels.count
      var sums = PartSums()
      sums.dThreshold = [Double](repeating: 0, count: classes + 1)
      var dz = [Double](repeating: 0, count: n)
      let inverseN = 1 / Double(totalRows)
      var dataLoss = 0.0
      var finite = true
      part.labels.withUnsafeBufferPointer { labels in
        z.elements.withUnsafeBufferPointer { zv in
          for i in 0..<n {
            let y = labels[i]
            let t = loss.terms(zv[i], y)
            dataLoss -= t.logProbability
            let g = (t.upper - t.lower) * inverseN
            finite = finite && g.isFinite
            dz[i] = g
            sums.dThreshold[y + 1] -= t.upper * inverseN
            sums.dThreshold[y] += t.lower * inverseN
          }
        }
      }
      sums.dataLoss = dataLoss
      sums.finite = finite && dataLoss.isFinite
      sums.latents = z.elements
      guard sums.finite else { return sums }
      sums.head = try BLAS.gemv(part.post[last], Vector(dz), transpose: true)
      let lastWidth = widths[last + 1]
      w.elements.withUnsafeBufferPointer { wv in
        part.delta[last].elements.withUnsafeMutableBufferPointer { d in
          for i in 0..<n {
            let row = i * lastWidth
            for j in 0..<lastWidth { d[row + j] = dz[i] * wv[j] }
          }
        }
      }
      let ones = Vector(count: n, repeating: 1)
      sums.biases = [Vector](repeating: Vector([]), count: last + 1)
      for k in stride(from: last, through: 0, by: -1) {
        applyDerivative(&part.delta[k], part.post[k])
        sums.biases[k] = try BLAS.gemv(part.delta[k], ones, transpose: true)
        if k == 0 {
          try BLAS.gemm(part.delta[k], part.inputs, into: &part.weightGradients[k], transA: true)
        } else {
          try BLAS.gemm(
            part.delta[k], part.post[k - 1], into: &part.weightGradients[k], transA: true)
        }
        if k > 0 { try BLAS.gemm(part.delta[k], weights[k], into: &part.delta[k - 1]) }
      }
      return sums
    }

    /// The objective (1/N) Σᵢ ℓ(zᵢ; yᵢ) + (λ/2)|parameters except θ|², its gradient by
    /// backpropagation (derived by hand: ∂L/∂zᵢ = ℓ′(zᵢ; yᵢ)/N, ∂L/∂w = H_Lᵀ ∂L/∂z + λw,
    /// Δ_L = (∂L/∂z) wᵀ ⊙ φ′(A_L), ∂L/∂W_k = Δ_kᵀ H_{k−1} + λW_k, ∂L/∂c_k = 1ᵀΔ_k + λc_k,
    /// Δ_{k−1} = Δ_k W_k ⊙ φ′(A_{k−1}); ∂ℓᵢ/∂b_{yᵢ+1} = −g′(u)/P, ∂ℓᵢ/∂b_{yᵢ} = g′(l)/P,
    /// then ∂L/∂θ_j = (j = 1 ? 1 : e^{θ_j}) Σ_{m ≥ j} ∂L/∂b_m), the data loss, the
    /// features H_L and the latents z. `workspace` (made for this network and these data)
    /// is reused when given; the sums over rows are formed per part of the workspace and
    /// added in part order.
    func evaluate(_ data: OrdinalData, weightDecay: Double, workspace: Workspace? = nil) throws
      -> Evaluation
    {
      let ws = try workspace ?? Workspace(self, data)
      for k in 0..<(widths.count - 1) {
        let o = weightOffsets[k]
        parameters.withUnsafeBufferPointer { p in
          ws.weights[k].elements.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = p[o + i] }
          }
        }
      }
      let w = head
      let b = thresholds
      let loss = try CumulativeLink(link: link, thresholds: b)
      let n = data.labels.count
      let weights = ws.weights
      let network = self
      let sums = try ParallelWork.map(
        count: ws.parts.count, workers: ws.workers, cancellation: .never
      ) { c in
        try network.partPass(
          ws.parts[c], weights: weights, head: w, loss: loss, totalRows: n)
      }
      var dataLoss = 0.0
      for s in sums { dataLoss += s.dataLoss }
      dataLoss /= Double(n)
      guard dataLoss.isFinite, sums.allSatisfy(\.finite) else {
        throw NumericsError.nonFinite(operation: "onc.train")
      }
      var gradient = [Double](repeating: 0, count: parameters.count)
      var decay = 0.0
      let trainable = learnThresholds ? thresholdOffset : parameters.count
      parameters.withUnsafeBufferPointer { p in
        gradient.withUnsafeMutableBufferPointer { g in
          for i in 0..<trainable {
            decay += p[i] * p[i]
            g[i] = weightDecay * p[i]
          }
        }
      }
      var dThreshold = [Double](repeating: 0, count: classes + 1)
      let last = widths.count - 2
      for (c, s) in sums.enumerated() {
        for j in 0...classes { dThreshold[j] += s.dThreshold[j] }
        for j in 0..<w.count { gradient[headOffset + j] += s.head[j] }
        for k in 0...last {
          let bo = biasOffsets[k]
          for j in 0..<widths[k + 1] { gradient[bo + j] += s.biases[k][j] }
          let wo = weightOffsets[k]
          ws.parts[c].weightGradients[k].elements.withUnsafeBufferPointer { gW in
            gradient.withUnsafeMutableBufferPointer { gv in
              for i in 0..<gW.count { gv[wo + i] += gW[i] }
            }
          }
        }
      }
      if learnThresholds {
        var suffix = 0.0
        for j in stride(from: classes - 1, through: 1, by: -1) {
          suffix += dThreshold[j]
          let factor = j == 1 ? 1 : Foundation.exp(parameters[thresholdOffset + j - 1])
          gradient[thresholdOffset + j - 1] = factor * suffix
        }
      }
      let features: Matrix
      if ws.parts.count == 1 {
        features = ws.parts[0].post[last]
      } else {
        var all: [Double] = []
        all.reserveCapacity(n * widths[last + 1])
        for part in ws.parts { all += part.post[last].elements }
        features = try Matrix(rows: n, cols: widths[last + 1], elements: all)
      }
      return Evaluation(
        objective: dataLoss + 0.5 * weightDecay * decay, dataLoss: dataLoss,
        gradient: gradient, features: features, latents: Vector(sums.flatMap(\.latents)),
        thresholds: b)
    }

    /// Δ ← Δ ⊙ φ′(A), with φ′ from the activation H = φ(A): 1 − H² for tanh, [H > 0]
    /// for ReLU (the derivative at A = 0 is taken as 0).
    func applyDerivative(_ delta: inout Matrix, _ h: Matrix) {
      let act = activation
      delta.elements.withUnsafeMutableBufferPointer { d in
        h.elements.withUnsafeBufferPointer { hv in
          switch act {
          case .tanh: for i in 0..<d.count { d[i] *= 1 - hv[i] * hv[i] }
          case .relu:
            var i = 0
            while i + 8 <= d.count {
              let h = UnsafeRawPointer(hv.baseAddress! + i).loadUnaligned(as: SIMD8<Double>.self)
              let p = UnsafeMutableRawPointer(d.baseAddress! + i)
              var v = p.loadUnaligned(as: SIMD8<Double>.self)
              v.replace(with: 0, where: .!(h .> 0))
              p.storeBytes(of: v, as: SIMD8<Double>.self)
              i += 8
            }
            while i < d.count {
              d[i] = hv[i] > 0 ? d[i] : 0
              i += 1
            }
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
