import Foundation
import Numerics
import SelfDistillation

/// Self-distillation benchmark (compare `bench/python/sd.py`; `bench/sd.sh` runs both
/// sides) at the authors' cross-check setting: ρ = 0.4, Δ = 0.5, θ = 0.2,
/// λ = (1.5, 0.5, 2), β = (0.8, 1.2), cross-entropy, α = 3.
///
/// - `sd_theory_ce_T3_gh24`: `SD.theory` with tensor Gauss–Hermite 24³, tolerance 10⁻⁹
///   (median of 3 runs after a warm-up).
/// - `sd_simulation_N1000_20`: `SD.simulate` with N = 1000, 20 datasets, L-BFGS
///   gradient tolerance 10⁻⁵ (one run after the theory).
///
/// `replica-bench sd` prints `task seconds` lines and the errors as `#` notes.
enum SDBench {
  static func run() {
    do {
      let problem = try SD.Problem(
        rho: 0.4, delta: 0.5, theta: 0.2, alpha: 3, lambdas: [1.5, 0.5, 2], betas: [0.8, 1.2])
      let settings = try SD.TheorySettings(integration: .gaussHermite(24), tolerance: 1e-9)
      let theory = try SD.theory(problem, settings: settings)
      var samples: [Double] = []
      for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try SD.theory(problem, settings: settings)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      let eps = theory.error.elements.map { String(format: "%.6f", $0) }.joined(separator: " ")
      print("# replica theory eps \(eps) (iterations \(theory.iterations))")
      print("sd_theory_ce_T3_gh24 \(samples.sorted()[samples.count / 2])")
      let simulationSettings = try SD.SimulationSettings(dimension: 1000, datasets: 20)
      let start = DispatchTime.now().uptimeNanoseconds
      let sim = try SD.simulate(problem, settings: simulationSettings)
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let text = (0..<3).map {
        String(format: "%.4f+-%.4f", sim.meanError[$0], sim.standardError[$0])
      }.joined(separator: " ")
      print("# replica simulation eps \(text) (unconverged fits \(sim.unconverged))")
      print("sd_simulation_N1000_20 \(elapsed)")
    } catch {
      FileHandle.standardError.write(Data("sd bench: \(error)\n".utf8))
      exit(1)
    }
  }
}
