import Foundation
import Numerics
import Testing

@testable import QuantizationErrorPropagation

@Suite struct StackTests {
  /// The spec's reference point (d = 64, hidden 256, 6 blocks, 1024 calibration tokens,
  /// α = 0.5, no exclusions): RTN > RTN+QEP > GPTQ > GPTQ+QEP with QEP/base ratios of
  /// about 0.75–0.85 (checked here within 0.7–0.9). 3 bits here (debug builds are slow);
  /// the notebook records 2, 3 and 4 bits.
  @Test func orderingOnTheResidualMLP() throws {
    let e = try QEP.MLPExperiment(testTokens: 256)
    let t = try QEP.table(e, bits: [3], propagation: try QEP.Propagation(alpha: 0.5))
    let r = t.error.row(0)
    #expect(r[0] > r[1] && r[1] > r[2] && r[2] > r[3], "\(r)")
    #expect(r[1] / r[0] > 0.7 && r[1] / r[0] < 0.9)
    #expect(r[3] / r[2] > 0.7 && r[3] / r[2] < 0.9)
  }

  @Test func depthProfileStartsAtZeroAndGrows() throws {
    let e = try QEP.MLPExperiment(
      width: 16, hidden: 32, depth: 4, calibrationTokens: 128, testTokens: 64)
    let d = try QEP.depthProfile(
      e, method: .rtn, grid: try QEP.Grid(bits: 3), propagation: try QEP.Propagation(alpha: 1))
    #expect(d.base[0] == 0 && d.qep[0] == 0)
    #expect(d.base[4] > d.base[1])
    #expect(d.qep[4] < d.base[4])
  }
}
