import Foundation
import Numerics

extension QEP {
  /// Quantizes every linear layer of the encoder (not the embeddings; biases and
  /// LayerNorms stay in full precision) layer by layer, in the order query/key/value,
  /// attention output, intermediate, output, with two forward streams over the
  /// calibration sentences: the full-precision states and the states through the
  /// layers quantized so far, as in the authors' code (each layer's inputs are
  /// recomputed after the layers before it in the same block are quantized).
  public static func quantize(
    _ model: MiniLM, calibration sentences: [String], settings: Settings,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> MiniLM {
    let b = try model.batch(sentences)
    return try quantize(
      model, calibration: b, settings: settings, cancellation: cancellation, progress: progress)
  }

  /// `quantize` on already tokenised calibration sentences.
  public static func quantize(
    _ model: MiniLM, calibration b: MiniLM.Batch, settings: Settings,
    cancellation: Cancellation = .never, progress: Numerics.Progress = .silent
  ) throws -> MiniLM {
    try settings.validateExclusions(MiniLM.roles, "qep.quantize_minilm")
    var result = model
    var full = try model.embeddings(b)
    var quant = full
    // The full-precision stream does not depend on the quantization: a second thread
    // computes it layer by layer ahead of the quantized one (at most two layers ahead),
    // overlapping with the serial factorisations of the layer-wise work.
    let stream = FullStream(model, input: full, lengths: b.lengths, lookahead: 2)
    defer { stream.stop() }
    for (l, layer) in model.layers.enumerated() {
      try cancellation.check()
      var q = layer
      let s0 = try settings.statistics("qkv", full: full, quantized: quant)
      let qkv = try settings.quantize(
        [layer.query.weight, layer.key.weight, layer.value.weight], role: "qkv", statistics: s0)
      (q.query.weight, q.key.weight, q.value.weight) = (qkv[0], qkv[1], qkv[2])
      let fullStates = try stream.take(l)
      let ctxHat = model.attention(
        q: try q.query(quant), k: try q.key(quant), v: try q.value(quant), lengths: b.lengths)

      let s1 = try settings.statistics(
        "attention_output", full: fullStates.context, quantized: ctxHat)
      q.attentionOutput.weight = try settings.quantize(
        layer.attentionOutput.weight, role: "attention_output", statistics: s1)
      var midHat = try q.attentionOutput(ctxHat)
      QEP.add(&midHat, quant)
      model.layerNorm(&midHat, layer.attentionNorm)

      let s2 = try settings.statistics("intermediate", full: fullStates.mid, quantized: midHat)
      q.intermediate.weight = try settings.quantize(
        layer.intermediate.weight, role: "intermediate", statistics: s2)
      var hiddenHat = try q.intermediate(midHat)
      QEP.gelu(&hiddenHat)

      let s3 = try settings.statistics("output", full: fullStates.hidden, quantized: hiddenHat)
      q.output.weight = try settings.quantize(layer.output.weight, role: "output", statistics: s3)
      var outHat = try q.output(hiddenHat)
      QEP.add(&outHat, midHat)
      model.layerNorm(&outHat, layer.outputNorm)

      result.layers[l] = q
      full = fullStates.out
      quant = outHat
      progress.report(l + 1, of: model.layers.count)
    }
    return result
  }

  /// The MiniLM quantization table.
  public struct MiniLMResult: Sendable {
    /// The bit widths, one per row.
    public let bits: [Int]
    /// Column names: "rtn", "rtn+qep", "gptq", "gptq+qep".
    public let columns: [String]
    /// Mean cosine similarity of held-out sentence embeddings to full precision.
    public let meanCosine: Matrix
    /// The smallest cosine similarity over the held-out sentences.
    public let minCosine: Matrix
    /// Calibration tokens used.
    public let calibrationTokens: Int
    /// Seconds to quantize the whole model, per cell (bits × columns).
    public let seconds: Matrix
  }

  /// Quantizes the model with RTN, RTN + QEP, GPTQ and GPTQ + QEP at each bit width and
  /// compares the held-out sentence embeddings with full precision by cosine
  /// similarity.
  public static func miniLMTable(
    _ model: MiniLM, calibration: [String], heldOut: [String], bits: [Int], groupSize: Int = 0,
    propagation: Propagation, cancellation: Cancellation = .never,
    progress: Numerics.Progress = .silent
  ) throws -> MiniLMResult {
    try require(!bits.isEmpty, "qep.minilm_table", "expected at least one bit width, found none")
    let cal = try model.batch(calibration)
    let reference = try model.embed(heldOut)
    var mean: [[Double]] = []
    var low: [[Double]] = []
    var secs: [[Double]] = []
    var done = 0
    for b in bits {
      let grid = try Grid(bits: b, groupSize: groupSize)
      var rm: [Double] = []
      var rl: [Double] = []
      var rs: [Double] = []
      for method in [Method.rtn, .gptq] {
        for p in [nil, propagation] {
          let s = try Settings(method: method, grid: grid, propagation: p)
          let t0 = Date()
          let q = try quantize(model, calibration: cal, settings: s, cancellation: cancellation)
          rs.append(Date().timeIntervalSince(t0))
          let c = try MiniLM.cosines(reference, try q.embed(heldOut))
          rm.append(c.mean())
          rl.append(c.min() ?? .nan)
          done += 1
          progress.report(done, of: 4 * bits.count)
        }
      }
      mean.append(rm)
      low.append(rl)
      secs.append(rs)
    }
    return MiniLMResult(
      bits: bits, columns: ["rtn", "rtn+qep", "gptq", "gptq+qep"],
      meanCosine: try Matrix(rowsOf: mean),
      minCosine: try Matrix(rowsOf: low), calibrationTokens: cal.ids.count,
      seconds: try Matrix(rowsOf: secs))
  }
}

/// The full-precision states of every layer of a MiniLM over one batch, computed on a
/// background thread in layer order and handed to the consumer in that order
/// (`QEP.quantize`). The states are the same numbers as computed inline.
final class FullStream: @unchecked Sendable {
  typealias States = (context: Matrix, mid: Matrix, hidden: Matrix, out: Matrix)
  private let condition = NSCondition()
  private var ready: [Int: Result<States, any Error>] = [:]
  private var consumed = 0
  private var stopped = false
  private let finished = DispatchGroup()

  init(_ model: QEP.MiniLM, input: Matrix, lengths: [Int], lookahead: Int) {
    finished.enter()
    Thread.detachNewThread { [self] in
      defer { finished.leave() }
      var x = input
      for (l, layer) in model.layers.enumerated() {
        condition.lock()
        while !stopped && l - consumed >= lookahead { condition.wait() }
        let stop = stopped
        condition.unlock()
        if stop { return }
        let result = Result { try model.layerStates(x, layer, lengths: lengths) }
        condition.lock()
        ready[l] = result
        condition.broadcast()
        condition.unlock()
        guard case .success(let states) = result else { return }
        x = states.out
      }
    }
  }

  /// The states of layer `l` (waits until they are computed); layers are taken in order.
  func take(_ l: Int) throws -> States {
    condition.lock()
    defer { condition.unlock() }
    while ready[l] == nil { condition.wait() }
    let result = ready.removeValue(forKey: l)!
    consumed = l + 1
    condition.broadcast()
    return try result.get()
  }

  /// Stops the background thread after its current layer and waits for it.
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
    finished.wait()
  }
}
