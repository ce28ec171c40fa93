import Foundation
import Numerics
import VariationalReplica

/// Variational-replica benchmark (compare `bench/python/vga.py`; `bench/vga.sh` runs both
/// sides): a 20-point VGA learning curve of ridge regression, matrix version, on a pool of
/// M₀ = 10⁵ examples in d = 100 with a 1000-point test set; sizes M log-spaced from 200
/// to 10⁵, λ = 0.1, tolerance 1e-10, each size warm-started from the previous one. The
/// data are the same deterministic hash as the numpy side.
///
/// `replica-bench vga` prints `vga_curve_20pt_1e5x100 seconds` (one run: the task takes
/// minutes, so warm-up effects are negligible) and, as `#` notes, the first and last test
/// errors and the total iterations.
enum VGABench {
  static let (m0, d, testSize, points, lambda) = (100_000, 100, 1000, 20, 0.1)

  /// frac(43758.5453 sin(12.9898 i + 78.233 j)) − ½, times √12 (unit variance), row i
  /// offset by `offset` (the same as `hashed` in bench/python/vga.py).
  static func hashed(_ offset: Int, _ rows: Int, _ cols: Int, scale: Double) -> Matrix {
    Matrix(rows: rows, cols: cols) { out in
      for i in 0..<rows {
        for j in 0..<cols {
          let v = sin(12.9898 * Double(offset + i) + 78.233 * Double(j)) * 43758.5453
          out[i * cols + j] = scale * (v - v.rounded(.down) - 0.5) * 12.0.squareRoot()
        }
      }
    }
  }

  /// Inputs hashed(offset)/√d, targets X·w* + ½·noise with w* = hashed(500000) and the
  /// noise column hashed(offset + 700000).
  static func data(_ offset: Int, _ rows: Int) throws -> VGA.Data {
    let x = hashed(offset, rows, d, scale: 1 / Double(d).squareRoot())
    let teacher = hashed(500_000, 1, d, scale: 1).row(0)
    let noise = hashed(offset + 700_000, rows, 1, scale: 0.5).column(0)
    let clean = try BLAS.gemv(x, teacher)
    return try VGA.Data(inputs: x, targets: Vector(zip(clean, noise).map { $0 + $1 }))
  }

  static func run() {
    do {
      let pool = try data(0, m0)
      let test = try data(10_000_000, testSize)
      let sizes = (0..<points).map {
        Int((200 * pow(Double(m0) / 200, Double($0) / Double(points - 1))).rounded())
      }
      let settings = try VGA.Settings(lambda: lambda)
      let start = DispatchTime.now().uptimeNanoseconds
      let curve = try VGA.learningCurve(pool: pool, test: test, sizes: sizes, settings: settings)
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let iterations = Int(curve.iterations?.sum() ?? 0)
      print(
        "# replica test[0] \(String(format: "%.10f", curve.testError[0])) test[-1] \(String(format: "%.10f", curve.testError[points - 1])) iterations \(iterations)"
      )
      print("vga_curve_20pt_1e5x100 \(elapsed)")
    } catch {
      FileHandle.standardError.write(Data("vga bench: \(error)\n".utf8))
      exit(1)
    }
  }
}
