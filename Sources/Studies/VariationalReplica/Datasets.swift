import Foundation
import Numerics

extension VGA {
  /// A synthetic teacher–student problem: pool, held-out test set and the teacher.
  public struct Synthetic: Sendable {
    public let pool: Data
    public let test: Data
    /// The teacher w*, with |w*|² = d.
    public let teacher: Vector
    /// The input variances per coordinate, times d (mean 1).
    public let spectrum: Vector
  }

  /// Draws inputs x with independent coordinates xᵢ ~ N(0, cᵢ/d), where the cᵢ are
  /// log-spaced from 1/√κ to √κ and rescaled to mean 1 (κ = `anisotropy`; κ = 1 is the
  /// isotropic N(0, I/d) of the replica formulas), a teacher w* ~ N(0, I) rescaled to
  /// |w*|² = d, and targets y = w*·x + σξ (square loss) or y = sign(w*·x + σξ) (logistic).
  /// Teacher, pool and test set come from independent streams of `seed`.
  public static func synthetic(
    poolSize: Int, testSize: Int, dimension: Int, noise: Double, anisotropy: Double = 1,
    loss: Loss = .square, seed: UInt64 = 1
  ) throws -> Synthetic {
    let op = "vga.synthetic"
    for (name, value) in [
      ("pool size", poolSize), ("test size", testSize), ("dimension", dimension),
    ]
    where value < 1 {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a \(name) ≥ 1, found \(value)")
    }
    guard noise.isFinite && noise >= 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected a finite noise level sigma ≥ 0, found \(noise)")
    }
    guard anisotropy.isFinite && anisotropy >= 1 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected an anisotropy kappa ≥ 1, found \(anisotropy)")
    }
    let d = dimension
    let raw = (0..<d).map { i in
      pow(anisotropy, d == 1 ? 0 : Double(i) / Double(d - 1) - 0.5)
    }
    let average = raw.reduce(0, +) / Double(d)
    let spectrum = Vector(raw.map { $0 / average })
    let base = RandomGenerator(seed: seed)
    var teacherStream = base.stream(0)
    var w = teacherStream.normalVector(count: d)
    let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
    w = w.map { $0 * Double(d).squareRoot() / norm }
    func draw(_ count: Int, _ stream: Int) throws -> Data {
      var rng = base.stream(stream)
      let scale = spectrum.map { ($0 / Double(d)).squareRoot() }
      let x = Matrix(rows: count, cols: d) { out in
        for i in 0..<count { for j in 0..<d { out[i * d + j] = scale[j] * rng.normal() } }
      }
      let clean = try BLAS.gemv(x, w)
      let y = Vector(
        clean.map { h in
          let noisy = h + noise * rng.normal()
          return loss == .square ? noisy : (noisy >= 0 ? 1 : -1)
        })
      return try Data(inputs: x, targets: y)
    }
    return Synthetic(
      pool: try draw(poolSize, 1), test: try draw(testSize, 2), teacher: w, spectrum: spectrum)
  }

  /// A real dataset split into pool and test set, standardised with the pool's statistics.
  public struct Split: Sendable {
    public let pool: Data
    public let test: Data
  }

  /// Shuffles the rows (seeded), holds out `testSize` of them as the test set, and
  /// standardises with the pool's column means and standard deviations so that every
  /// input column has mean 0 and variance 1/d (the x ~ N(0, I/d) scale of the theory, so
  /// λ means the same as there); with `scaleTargets` the targets are centred and scaled to
  /// unit pool variance too (regression; leave ±1 labels alone). Constant columns are
  /// rejected: they carry no information and cannot be scaled.
  public static func split(
    inputs: Matrix, targets: Vector, testSize: Int, scaleTargets: Bool, seed: UInt64 = 1
  ) throws -> Split {
    let op = "vga.split"
    let all = try Data(inputs: inputs, targets: targets)
    guard testSize >= 1 && testSize <= all.count - 2 else {
      throw NumericsError.invalidArgument(
        operation: op,
        message: "expected 1 ≤ test size ≤ M − 2 = \(all.count - 2), found \(testSize)")
    }
    var rng = RandomGenerator(seed: seed)
    var order = Array(0..<all.count)
    rng.shuffle(&order)
    let testRows = Array(order[0..<testSize])
    let poolRows = Array(order[testSize...])
    let d = all.dimension
    var means = [Double](repeating: 0, count: d)
    var scales = [Double](repeating: 0, count: d)
    for j in 0..<d {
      let column = Vector(poolRows.map { inputs[$0, j] })
      means[j] = column.mean()
      let sd = try Statistics.standardDeviation(column)
      guard sd > 0 else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected varying input columns, found column \(j) constant")
      }
      scales[j] = 1 / (sd * Double(d).squareRoot())
    }
    let poolTargets = Vector(poolRows.map { targets[$0] })
    let yMean = scaleTargets ? poolTargets.mean() : 0
    let ySD = scaleTargets ? try Statistics.standardDeviation(poolTargets) : 1
    guard ySD > 0 else {
      throw NumericsError.invalidArgument(
        operation: op, message: "expected varying targets, found all equal")
    }
    func make(_ rows: [Int]) throws -> Data {
      let x = Matrix(rows: rows.count, cols: d) { out in
        for (r, i) in rows.enumerated() {
          for j in 0..<d { out[r * d + j] = (inputs[i, j] - means[j]) * scales[j] }
        }
      }
      return try Data(inputs: x, targets: Vector(rows.map { (targets[$0] - yMean) / ySD }))
    }
    return Split(pool: try make(poolRows), test: try make(testRows))
  }
}
