import Foundation
import Numerics
import RecurrentSelfAttention

/// Recurrent self-attention benchmark (compare `bench/python/rsa.py`; `bench/rsa.sh` runs
/// both sides): the top-3 Lyapunov exponents of normalised iterated self-attention
/// X ← RMSNorm(X + η(MSA(X) + C)), n = 8, d = 16, H = 4, 100 burn-in steps then T = 300
/// measured, with the same hashed weights as the numpy side.
///
/// `replica-bench rsa` prints `rsa_lyapunov_top3_T300 seconds` (median of 5 runs after a
/// warm-up) and the exponents as a `#` note.
enum RSABench {
  static let (n, d, h) = (8, 16, 4)

  /// Unit-variance entries (frac(43758.5453 sin(12.9898 i + 78.233 j)) − ½)·√12, row i
  /// offset by `offset` (the same as `hashed` in bench/python/rsa.py).
  static func hashed(_ offset: Int, _ rows: Int, _ cols: Int, scale: Double = 1) -> Matrix {
    Matrix(rows: rows, cols: cols) { out in
      for i in 0..<rows {
        for j in 0..<cols {
          let v = sin(12.9898 * Double(offset + i) + 78.233 * Double(j)) * 43758.5453
          out[i * cols + j] = scale * (v - v.rounded(.down) - 0.5) * 12.0.squareRoot()
        }
      }
    }
  }

  static func run() {
    do {
      let w = 1 / Double(d).squareRoot()
      let attention = try RSA.Attention(
        query: (0..<h).map { hashed(1000 * (3 * $0), d, d / h, scale: w) },
        key: (0..<h).map { hashed(1000 * (3 * $0 + 1), d, d / h, scale: w) },
        value: (0..<h).map { hashed(1000 * (3 * $0 + 2), d, d, scale: w) })
      let u = hashed(99000, n, d)
      let model = try RSA.IteratedAttention(
        attention: attention, variant: .rmsNorm, injection: u, eta: 1, epsilon: 1e-6)
      let exponents = try model.lyapunov(from: u, count: 3, steps: 300, burnIn: 100).exponents
      var samples: [Double] = []
      for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try model.lyapunov(from: u, count: 3, steps: 300, burnIn: 100)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      let text = exponents.map { String(format: "%.6f", $0) }.joined(separator: " ")
      print("# replica exponents \(text)")
      print("rsa_lyapunov_top3_T300 \(samples.sorted()[samples.count / 2])")
    } catch {
      FileHandle.standardError.write(Data("rsa bench: \(error)\n".utf8))
      exit(1)
    }
  }
}
