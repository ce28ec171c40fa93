import Testing

@testable import Numerics

@Suite struct ElementwiseTests {
  @Test func vectorWithVector() throws {
    let r = try Elementwise.apply(.add, Vector([1, 2, 3]), Vector([10, 20, 30]))
    #expect(r == Vector([11, 22, 33]))
  }

  @Test func vectorWithScalarBothSides() {
    #expect(Elementwise.apply(.subtract, Vector([1, 2]), 1) == Vector([0, 1]))
    #expect(Elementwise.apply(.subtract, 1, Vector([1, 2])) == Vector([0, -1]))
    #expect(Elementwise.apply(.power, Vector([3, -2]), 2) == Vector([9, 4]))
  }

  @Test func vectorActsOnEachRowOfMatrix() throws {
    let m = try Matrix(rowsOf: [[1, 2, 3], [4, 5, 6]])
    let r = try Elementwise.apply(.multiply, m, Vector([1, 10, 100]))
    #expect(r == (try Matrix(rowsOf: [[1, 20, 300], [4, 50, 600]])))
  }

  @Test func columnBroadcastsAgainstRow() throws {
    let col = try Matrix(rowsOf: [[1], [2]])
    let row = try Matrix(rowsOf: [[10, 20, 30]])
    let r = try Elementwise.apply(.add, col, row)
    #expect(r == (try Matrix(rowsOf: [[11, 21, 31], [12, 22, 32]])))
  }

  @Test func mismatchNamesBothShapes() throws {
    let m = Matrix(rows: 2, cols: 4)
    #expect(throws: NumericsError.shapeMismatch(operation: "+", lhs: [3], rhs: [2, 4])) {
      try Elementwise.apply(.add, Vector([1, 2, 3]), m)
    }
    let e = NumericsError.shapeMismatch(operation: "+", lhs: [3], rhs: [2, 4])
    #expect(e.description == "+: shapes (3) and (2, 4) are not compatible")
    #expect(throws: NumericsError.self) {
      try Elementwise.apply(.add, Vector([1, 2]), Vector([1, 2, 3]))
    }
  }

  @Test func flooredModuloHasSignOfDivisor() {
    #expect(Elementwise.floorMod(-7, 3) == 2)
    #expect(Elementwise.floorMod(7, -3) == -2)
    #expect(Elementwise.floorMod(7.5, 2) == 1.5)
  }

  @Test func comparisonsGiveMasks() throws {
    let r = try Elementwise.apply(.less, Vector([1, 5, 3]), Vector([2, 2, 3]))
    #expect(r == Vector([1, 0, 0]))
  }

  @Test func pairwiseSumIsAccurate() {
    let n = 1_000_001
    let v = Vector(count: n, repeating: 0.1)
    #expect(abs(v.sum() - 0.1 * Double(n)) < 1e-6)
  }

  @Test func transposeRoundTrips() throws {
    var m = Matrix(rows: 37, cols: 71)
    for i in 0..<m.count { m.elements[i] = Double(i) }
    let t = m.transposed()
    #expect(t.rows == 71 && t[5, 3] == m[3, 5])
    #expect(t.transposed() == m)
  }
}
