import DenseAssociativeMemory
import Foundation
import Numerics

/// The `dam` benchmark: `DAM.simulate` on the case (n = 3, α = 0.05, m0 = 0.7,
/// 20 parallel steps, 12 trials), the same simulation as bench/python/dam.py.
///
/// Environment: `DAM_N` (default 1024), `DAM_TRIALS` (12), `DAM_THREADS` (all cores).
/// Prints `dam_simulate_N<N> seconds` (one timed run: each run takes seconds and
/// bench/dam.sh also times the whole process for its peak memory) and the mean overlap
/// per step as a `#` note.
enum DAMBench {
  static func run() {
    let environment = ProcessInfo.processInfo.environment
    let neurons = environment["DAM_N"].flatMap { Int($0) } ?? 1024
    let trials = environment["DAM_TRIALS"].flatMap { Int($0) } ?? 12
    let threads = environment["DAM_THREADS"].flatMap { Int($0) } ?? DAM.defaultThreads
    do {
      let parameters = try DAM.SimulationParameters(
        model: DAM.Model(neurons: neurons, order: 3, alpha: 0.05), initialOverlap: 0.7,
        steps: 20, trials: trials, threads: threads)
      let start = ContinuousClock.now
      let result = try DAM.simulate(parameters)
      let (whole, atto) = (ContinuousClock.now - start).components
      print("dam_simulate_N\(neurons) \(Double(whole) + Double(atto) * 1e-18)")
      print("# replica p = \(parameters.model.patterns), threads = \(threads)")
      let means = result.meanOverlap.map { String(format: "%.4f", $0) }
      print("# replica mean m(t): " + means.joined(separator: " "))
    } catch {
      FileHandle.standardError.write(Data("replica-bench dam: \(error)\n".utf8))
      exit(70)
    }
  }
}
