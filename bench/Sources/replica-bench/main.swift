// replica-bench: times Replica's own implementation of tasks that bench/python/ times in
// numpy, and prints one `name seconds` line per task (the median of several runs after
// one warm-up run) for bench/run.sh to set side by side.
//
//   replica-bench [group]      groups: numerics; no argument runs every group
//   replica-bench data [--generate]   CSV loading (DataBench, driven by bench/data.sh)
//   replica-bench dam                 the DAM simulation (DAMBench, driven by bench/dam.sh)
//   replica-bench rsa                 Lyapunov exponents of iterated attention (bench/rsa.sh)
//   replica-bench onc                 UFM optimisation and MLP training (bench/onc.sh)
//
// Lines starting with `#` are notes (library versions, checksums), not timings.

import Foundation
import Numerics

/// One timed task. `run` performs the whole task once and returns a number derived from
/// its result, which is accumulated and printed so the work cannot be optimised away.
struct Benchmark {
  let name: String
  let repetitions: Int
  let run: () throws -> Double
}

/// The same deterministic test data as bench/python/: the fractional part of
/// `43758.5453 · sin(12.9898 i + 78.233 j)`, a cheap hash with values in [0, 1).
func hashEntry(_ i: Int, _ j: Int) -> Double {
  let h = sin(12.9898 * Double(i) + 78.233 * Double(j)) * 43758.5453
  return h - h.rounded(.down)
}

func hashMatrix(_ n: Int, symmetric: Bool) -> Matrix {
  Matrix(rows: n, cols: n) { out in
    for i in 0..<n {
      for j in 0..<n {
        out[i * n + j] =
          symmetric ? 0.5 * (hashEntry(i, j) + hashEntry(j, i)) : hashEntry(i, j)
      }
    }
  }
}

/// Dense linear algebra and whole-array arithmetic (bench/python/numerics.py).
func numericsGroup() -> [Benchmark] {
  let n = 1000
  let a = hashMatrix(n, symmetric: false)
  let b = hashMatrix(n, symmetric: false).transposed()
  let s = hashMatrix(n, symmetric: true)
  let x = Vector.linspace(0, 1, count: 10_000_000)
  let positive = Vector.linspace(0.5, 1000, count: 10_000_000)
  let angles = Vector.linspace(-10, 10, count: 10_000_000)
  // A 10⁵ × 100 data matrix, positive weights and a positive definite 100 × 100 matrix
  // (hashMatrix(100) + 100 I: symmetric, diagonally dominant).
  let tall = Matrix(rows: 100_000, cols: 100) { out in
    for i in 0..<100_000 { for j in 0..<100 { out[i * 100 + j] = hashEntry(i, j) - 0.5 } }
  }
  let weights = Vector((0..<100_000).map { 0.5 + hashEntry($0, 7) })
  var spd = hashMatrix(100, symmetric: true)
  for i in 0..<100 { spd[i, i] += 100 }
  return [
    Benchmark(name: "matmul_1000x1000", repetitions: 7) {
      try BLAS.gemm(a, b)[n - 1, n - 1]
    },
    Benchmark(name: "eigh_1000x1000_values_vectors", repetitions: 5) {
      let (values, vectors) = try LinearAlgebra.eigh(s)
      return values[n - 1] + vectors[0, 0]
    },
    Benchmark(name: "exp_then_sum_1e7", repetitions: 7) {
      VectorMath.exp(x).sum()
    },
    Benchmark(name: "sum_exp_fused_1e7", repetitions: 7) {
      VectorMath.sumExp(x)
    },
    Benchmark(name: "sum_exp_times_x_fused_1e7", repetitions: 7) {
      try VectorMath.sumExpTimes(x, x)
    },
    Benchmark(name: "log_1e7", repetitions: 7) {
      VectorMath.log(positive).sum()
    },
    Benchmark(name: "sin_1e7", repetitions: 7) {
      VectorMath.sin(angles).sum()
    },
    Benchmark(name: "weighted_gram_1e5x100", repetitions: 7) {
      try BLAS.weightedGram(tall, weights: weights)[99, 0]
    },
    Benchmark(name: "row_quadratic_forms_1e5x100", repetitions: 7) {
      try BLAS.rowQuadraticForms(tall, spd).sum()
    },
    // Draws differ from numpy's (another generator); the checksum excludes them.
    Benchmark(name: "normal_draws_1e7", repetitions: 7) {
      var g = RandomGenerator(seed: 1)
      return g.normalVector(count: 10_000_000)[0] * 0
    },
  ]
}

let groups: [(name: String, make: () -> [Benchmark])] = [
  ("numerics", numericsGroup)
]

func median(_ samples: [Double]) -> Double {
  let s = samples.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

func seconds(_ d: Duration) -> Double {
  let (whole, attoseconds) = d.components
  return Double(whole) + Double(attoseconds) * 1e-18
}

let arguments = Array(CommandLine.arguments.dropFirst())
// Standalone benchmarks with their own drivers and output format.
switch arguments.first {
case "data":
  DataBench.run()
  exit(0)
case "dam":
  DAMBench.run()
  exit(0)
case "rsa":
  RSABench.run()
  exit(0)
case "onc":
  ONCBench.run()
  exit(0)
case "sd":
  SDBench.run()
  exit(0)
case "vga":
  VGABench.run()
  exit(0)
case "qep":
  QEPBench.run()
  exit(0)
default: break
}
let chosen = arguments.isEmpty ? groups : groups.filter { arguments.contains($0.name) }
let unknown = arguments.filter { a in !groups.contains { $0.name == a } }
if !unknown.isEmpty {
  let known = groups.map(\.name).joined(separator: ", ")
  FileHandle.standardError.write(
    Data("replica-bench: unknown group \(unknown.joined(separator: ", ")); known: \(known)\n".utf8))
  exit(64)
}

print("# replica: \(BLAS.backend); exp/log kernels \(VectorMath.kernelBuild)")
var checksum = 0.0
do {
  for group in chosen {
    for benchmark in group.make() {
      checksum += try benchmark.run()
      var samples: [Double] = []
      for _ in 0..<benchmark.repetitions {
        let start = ContinuousClock.now
        checksum += try benchmark.run()
        samples.append(seconds(ContinuousClock.now - start))
      }
      print("\(benchmark.name) \(median(samples))")
    }
  }
} catch {
  FileHandle.standardError.write(Data("replica-bench: \(error)\n".utf8))
  exit(70)
}
print("# replica checksum \(checksum)")
