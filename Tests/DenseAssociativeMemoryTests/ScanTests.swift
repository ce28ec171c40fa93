import Foundation
import Numerics
import Testing

@testable import DenseAssociativeMemory

@Suite struct ScanTests {
  /// n = 3, α = 0.05: large m0 retrieves, small m0 does not; the edge lies between, and the
  /// convergence time is longest next to it.
  @Test func basinHasAnEdge() throws {
    let settings = try DAM.ScanSettings(steps: 12, samples: 20_000)
    let grid: Vector = [0.15, 0.3, 0.45, 0.6, 0.8, 1.0]
    let basin = try DAM.basin(order: 3, alpha: 0.05, initialOverlaps: grid, settings: settings)
    #expect(basin.finalOverlap[0] < 0.5 && basin.finalOverlap[5] > 0.98)
    let edge = try #require(basin.boundary)
    #expect(edge > 0.15 && edge < 0.6)
    #expect(basin.trajectories.rows == 6 && basin.trajectories.cols == 13)
    #expect(DAM.convergenceTime([0.5, 0.9, 0.97, 0.975, 0.976]) == 2)
  }

  @Test func edgeInterpolates() {
    #expect(DAM.edge([0.1, 0.2, 0.3], [0.0, 0.2, 0.8], level: 0.5) == 0.25)
    #expect(DAM.edge([0.1, 0.2], [0.9, 0.95], level: 0.5) == 0.1)
    #expect(DAM.edge([0.1, 0.2], [0.1, 0.2], level: 0.5) == nil)
  }

  /// The naive SNA for n = 2 iterates m ← erf(m/√(2α)), whose stable fixed point from
  /// m0 = 1 equals the threshold 0.5 at α* = (0.5/erf⁻¹(0.5))²/2 = 0.549527 (erf⁻¹(0.5) =
  /// 0.476936); the fixed point falls continuously with α, so the bisection (tolerance
  /// 1e-4, horizon 200 steps) lands within 2e-3 of α*.
  @Test func naiveHopfieldCapacity() throws {
    let settings = try DAM.ScanSettings(steps: 200, method: .sna)
    let result = try DAM.capacity(order: 2, settings: settings, tolerance: 1e-4)
    #expect(abs(result.criticalAlpha - 0.549527) < 2e-3)
    #expect(result.horizon == 200)
  }

  @Test func capacityNeedsABracket() throws {
    let settings = try DAM.ScanSettings(steps: 10, method: .sna)
    #expect(throws: NumericsError.self) {
      try DAM.capacity(order: 2, settings: settings, lower: 0.8, upper: 0.9)
    }
  }
}
