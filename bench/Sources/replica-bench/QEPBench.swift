import Foundation
import Numerics
import QuantizationErrorPropagation

/// Quantization error propagation benchmark (compare `bench/python/qep.py`; `bench/qep.sh`
/// runs both sides): GPTQ + QEP at 4 bits, per channel, α = 0.5, damping 0.01, the MLP's
/// last projection uncorrected, over all 36 linear layers of all-MiniLM-L6-v2, with the
/// calibration sentences of bench/data/qep-sentences.txt. The whole task is timed: two
/// forward streams over the calibration tokens, the statistics Ĥ and H_δ, the
/// corrections and GPTQ, layer by layer.
///
/// `replica-bench qep` prints `qep_gptq_minilm_4bit seconds` (median of 3 runs after a
/// warm-up), the token ids as `# ids` / `# lengths` notes for the numpy side, and a
/// checksum (Σ|Ŵ| over every quantized matrix).
enum QEPBench {
  static func run() {
    do {
      guard let dir = QEP.MiniLM.locate() else {
        throw NumericsError.invalidArgument(operation: "qep bench", message: QEP.MiniLM.missingHint)
      }
      let model = try QEP.MiniLM(directory: dir)
      let text = try String(contentsOfFile: "bench/data/qep-sentences.txt", encoding: .utf8)
      let sentences = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
      let batch = try model.batch(sentences)
      let settings = try QEP.Settings(
        method: .gptq, grid: try QEP.Grid(bits: 4),
        propagation: try QEP.Propagation(alpha: 0.5, damping: 0.01, excluded: ["output"]))
      var quantized = try QEP.quantize(model, calibration: batch, settings: settings)
      var samples: [Double] = []
      for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        quantized = try QEP.quantize(model, calibration: batch, settings: settings)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      var checksum = 0.0
      for l in quantized.layers {
        for w in [
          l.query.weight, l.key.weight, l.value.weight, l.attentionOutput.weight,
          l.intermediate.weight, l.output.weight,
        ] {
          checksum += w.elements.reduce(0) { $0 + abs($1) }
        }
      }
      print("# ids \(batch.ids.map(String.init).joined(separator: " "))")
      print("# lengths \(batch.lengths.map(String.init).joined(separator: " "))")
      print("# replica calibration tokens \(batch.ids.count), checksum \(checksum)")
      print("qep_gptq_minilm_4bit \(samples.sorted()[samples.count / 2])")
    } catch {
      FileHandle.standardError.write(Data("qep bench: \(error)\n".utf8))
      exit(1)
    }
  }
}
