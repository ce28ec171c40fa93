import Testing

@testable import Numerics

/// Expected values from numpy 2.4.6 (`np.var`, `np.quantile`, `np.histogram`, `np.cov`,
/// `np.corrcoef`) on the same data, script /tmp/mathref/ref.py.
@Suite struct StatisticsTests {
  let data: Vector = [3.5, -1.0, 2.0, 7.25, 0.0, 2.0, 11.0, -4.5]
  let other: Vector = [1.0, 0.5, 2.0, 4.0, 1.5, -1.0, 3.0, 2.5]

  func close(_ a: Double, _ b: Double, _ tol: Double = 1e-14) -> Bool {
    abs(a - b) <= tol * max(1, abs(b))
  }

  @Test func momentsMatchNumpy() throws {
    #expect(close(try Statistics.mean(data), 2.53125))
    #expect(close(try Statistics.variance(data), 20.4755859375))
    #expect(close(try Statistics.variance(data, ddof: 1), 23.400669642857142))
    #expect(close(try Statistics.standardDeviation(data), 4.524995683699599))
  }

  @Test(arguments: [
    (0.0, -4.5), (0.1, -2.05), (0.25, -0.25), (0.5, 2.0), (0.9, 8.375), (1.0, 11.0),
  ])
  func quantileMatchesNumpyLinear(q: Double, expected: Double) throws {
    #expect(close(try Statistics.quantile(data, q), expected))
  }

  @Test func median() throws {
    #expect(try Statistics.median(data) == 2.0)
    #expect(try Statistics.median([1, 4, 2]) == 2.0)
    #expect(try Statistics.median([1, 4]) == 2.5)
  }

  @Test func histogramMatchesNumpy() throws {
    let h = try Statistics.histogram(data, bins: 4)
    #expect(h.counts == [2, 3, 1, 2])
    let edges = [-4.5, -0.625, 3.25, 7.125, 11.0]
    for i in 0..<5 { #expect(close(h.edges[i], edges[i])) }
    let r = try Statistics.histogram(data, bins: 3, range: -1...3)
    #expect(r.counts == [2, 0, 2])
    let d = try Statistics.histogram(data, bins: 4, density: true)
    let expected = [
      0.06451612903225806, 0.0967741935483871, 0.03225806451612903,
      0.06451612903225806,
    ]
    for i in 0..<4 { #expect(close(d.counts[i], expected[i])) }
    let constant = try Statistics.histogram([2, 2, 2], bins: 2)
    #expect(constant.counts == [0, 3] && constant.edges == [1.5, 2, 2.5])
  }

  @Test func covarianceAndCorrelation() throws {
    #expect(close(try Statistics.covariance(data, other), 3.0825892857142856))
    #expect(close(try Statistics.correlation(data, other), 0.4092848000481745))
    let m = try Matrix(rowsOf: [[1, 2, 0.5], [2, 1, -1], [4, 0, 3], [-1, 5, 2]])
    let c = try Statistics.covarianceMatrix(m)
    let expected: [[Double]] = [
      [4.333333333333333, -4.333333333333333, 0.5833333333333333],
      [-4.333333333333333, 4.666666666666666, 0.3333333333333333],
      [0.5833333333333333, 0.3333333333333333, 3.0625],
    ]
    for i in 0..<3 { for j in 0..<3 { #expect(close(c[i, j], expected[i][j])) } }
  }

  @Test func nanPropagates() throws {
    let v: Vector = [1, .nan, 3]
    #expect(try Statistics.mean(v).isNaN)
    #expect(try Statistics.variance(v).isNaN)
    #expect(try Statistics.median(v).isNaN)
    #expect(try Statistics.histogram(v, bins: 2, range: 0...4).counts == [1, 1])
    #expect(throws: NumericsError.nonFinite(operation: "histogram")) {
      try Statistics.histogram(v, bins: 2)
    }
  }

  @Test func badInputThrows() {
    let empty = Vector([])
    #expect(throws: NumericsError.self) { try Statistics.mean(empty) }
    #expect(throws: NumericsError.self) { try Statistics.median(empty) }
    #expect(throws: NumericsError.self) { try Statistics.variance([1], ddof: 1) }
    #expect(throws: NumericsError.self) { try Statistics.quantile(data, 1.5) }
    #expect(throws: NumericsError.self) { try Statistics.histogram(data, bins: 0) }
    #expect(throws: NumericsError.self) { try Statistics.correlation([1, 1], [1, 2]) }
    #expect(throws: NumericsError.shapeMismatch(operation: "covariance", lhs: [2], rhs: [3])) {
      try Statistics.covariance([1, 2], [1, 2, 3])
    }
  }
}
