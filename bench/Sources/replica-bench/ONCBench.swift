import Foundation
import Numerics
import OrdinalCollapse

/// Ordinal neural collapse benchmark (compare `bench/python/onc.py`; `bench/onc.sh` runs
/// both sides):
/// - `onc_ufm_Q3_N150_d16`: the UFM with the logit CLM, b = (−10, −8, 3, 10), 50 samples
///   per class, d = 16, λ_h = 1, λ_w = 0.3, one L-BFGS start (memory 10, gradient
///   tolerance 1e-9), `ONC.optimizeUFM`;
/// - `onc_mlp_200_epochs`: 200 full-batch epochs of an MLP 8 → 64 → 16 (ReLU) with a logit
///   CLM head, thresholds (−4, −2, 2, 4), weight decay 5e-3, step 0.2, N = 600, with the
///   collapse metrics at every epoch, `ONC.train`.
///
/// `replica-bench onc` prints `name seconds` (median of 5 runs after a warm-up) and the
/// results as `#` notes. `RB_RUNS=n` times n runs instead and prints every sample to
/// standard error (as `bench/python/onc.py` does), for looking at a noisy machine.
enum ONCBench {
  static func run() {
    do {
      let loss = try ONC.CumulativeLink(link: .logit, thresholds: [-10, -8, 3, 10])
      let ufm = try ONC.UFMParameters(
        loss: loss, classCounts: [50, 50, 50], dimension: 16, lambdaH: 1, lambdaW: 0.3,
        restarts: 1, gradientTolerance: 1e-9, seed: 1)
      let u = try time("onc_ufm_Q3_N150_d16") { try ONC.optimizeUFM(ufm) }
      let z = u.classMeanLatents.map { String(format: "%.6f", $0) }.joined(separator: " ")
      print(
        "# replica ufm z_mean \(z) |w| \(String(format: "%.6f", u.weightNorm)) iterations \(u.iterations)"
      )
      let data = try ONC.syntheticData(samples: 600, inputs: 8, classes: 3, noise: 0, seed: 3)
      let mlp = try ONC.TrainingParameters(
        hidden: [64, 16], activation: .relu, link: .logit, thresholds: [-4, -2, 2, 4],
        weightDecay: 5e-3, learningRate: 0.2, epochs: 200, seed: 1)
      let r = try time("onc_mlp_200_epochs") { try ONC.train(data, mlp) }
      print(
        "# replica mlp loss \(String(format: "%.4f", r.dataLoss[200])) trW/trB \(String(format: "%.4f", r.withinBetween[200])) onc2 \(String(format: "%.4f", r.onc2[200])) ordered \(String(format: "%.2f", r.orderedFraction[200]))"
      )
    } catch {
      FileHandle.standardError.write(Data("onc bench: \(error)\n".utf8))
      exit(1)
    }
  }

  /// Runs `body` once to warm up, then 5 times (`RB_RUNS`); prints the median wall time.
  static func time<T>(_ name: String, _ body: () throws -> T) throws -> T {
    var result = try body()
    var samples: [Double] = []
    let runs = Int(ProcessInfo.processInfo.environment["RB_RUNS"] ?? "") ?? 5
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      result = try body()
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print("\(name) \(samples.sorted()[samples.count / 2])")
    if runs != 5 {
      FileHandle.standardError.write(
        Data("\(name) \(samples.map { String(format: "%.3f", $0) })\n".utf8))
    }
    return result
  }
}
