import Foundation
import Numerics
import Testing

@testable import DataIO

/// `.npy` bytes built by hand: a version-1 header around raw little- or big-endian data.
func npyBytes(descr: String, fortran: Bool = false, shape: String, data: [UInt8]) -> [UInt8] {
  var dict = Array(
    "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
      .utf8)
  while (10 + dict.count + 1) % 64 != 0 { dict.append(0x20) }
  dict.append(0x0A)
  return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)]
    + dict + data
}

/// The bytes of `values` as `size`-byte integers (two's complement) in either order.
func integerBytes(_ values: [Int64], size: Int, bigEndian: Bool) -> [UInt8] {
  values.flatMap { v -> [UInt8] in
    let bytes = (0..<size).map {
      UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (8 * UInt64($0)))
    }
    return bigEndian ? bytes.reversed() : bytes
  }
}

@Suite struct NPYTests {
  @Test func roundTripVectorMatrixScalar() throws {
    let dir = try TemporaryDirectory()
    let arrays: [NPYArray] = [
      .vector(Vector([1, -2.5, 1e-300, .infinity])),
      .vector(Vector([])),
      .matrix(try Matrix(rowsOf: [[1, 2, 3], [4, 5, 6]])),
      .matrix(Matrix(rows: 0, cols: 3)),
      .scalar(0.1),
    ]
    for (k, a) in arrays.enumerated() {
      let path = dir.path("a\(k).npy")
      try NPY.write(a, to: path)
      #expect(try NPY.read(path: path) == a)
      let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
      #expect(size.map { ($0 - a.shape.reduce(1, *) * 8) % 64 } == 0)
    }
  }

  @Test func headerMatchesNumpyLayout() {
    let header = NPY.encodedHeader(shape: [3])
    #expect(header.count == 128)
    let text = String(decoding: header[10...], as: UTF8.self)
    #expect(text.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"))
    #expect(text.hasSuffix(" \n"))
  }

  @Test(arguments: ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"])
  func integersInBothByteOrders(_ code: String) throws {
    let size = Int(code.dropFirst())!
    let signed = code.hasPrefix("i")
    let values: [Int64] = signed ? [-3, 0, 7, -128, 100, 5] : [0, 1, 7, 255, 100, 5]
    for big in [false, true] {
      let order = size == 1 ? "|" : (big ? ">" : "<")
      let bytes = npyBytes(
        descr: order + code, shape: "(2, 3)",
        data: integerBytes(values, size: size, bigEndian: big))
      let m = try NPY.read(bytes: bytes)
      #expect(m == .matrix(try Matrix(rows: 2, cols: 3, elements: values.map(Double.init))))
    }
  }

  @Test func floatsBoolsAndFortranOrder() throws {
    let f4 = [Float(1.5), -2, 0.1].flatMap { v in
      integerBytes([Int64(v.bitPattern)], size: 4, bigEndian: true)
    }
    #expect(
      try NPY.read(bytes: npyBytes(descr: ">f4", shape: "(3,)", data: f4))
        == .vector(Vector([1.5, -2, Double(Float(0.1))])))
    let f8 = [1.0, 2, 3, 4, 5, 6].flatMap {
      integerBytes([Int64(bitPattern: $0.bitPattern)], size: 8, bigEndian: false)
    }
    // Fortran order: the file lists columns; element (i, j) is at j·rows + i.
    #expect(
      try NPY.read(bytes: npyBytes(descr: "<f8", fortran: true, shape: "(2, 3)", data: f8))
        == .matrix(try Matrix(rowsOf: [[1, 3, 5], [2, 4, 6]])))
    #expect(
      try NPY.read(bytes: npyBytes(descr: "|b1", shape: "(3,)", data: [1, 0, 1]))
        == .vector(Vector([1, 0, 1])))
    #expect(
      try NPY.read(bytes: npyBytes(descr: "<f8", shape: "()", data: Array(f8[0..<8])))
        == .scalar(1))
  }

  @Test func unsupportedArraysSayWhy() {
    let cases: [(String, String, String)] = [
      ("<f8", "(2, 2, 2)", "3-D"), ("<c16", "(2,)", "dtype '<c16'"),
      ("|O", "(2,)", "dtype '|O'"), ("<U5", "(2,)", "dtype '<U5'"),
    ]
    for (descr, shape, words) in cases {
      let error = dataError {
        _ = try NPY.read(
          bytes: npyBytes(descr: descr, shape: shape, data: [UInt8](repeating: 0, count: 256)),
          label: "x.npy")
      }
      guard case .unsupported(let path, let message)? = error else {
        Issue.record("\(descr) \(shape): expected unsupported, got \(String(describing: error))")
        continue
      }
      #expect(path == "x.npy")
      #expect(message.contains(words), "\(message)")
    }
    var structured = npyBytes(descr: "<f8", shape: "(1,)", data: [])
    let dict = "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }"
    structured =
      [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.utf8.count), 0] + Array(dict.utf8)
    guard case .unsupported? = dataError({ _ = try NPY.read(bytes: structured) }) else {
      Issue.record("structured dtype should be unsupported")
      return
    }
  }

  @Test func largeIntegersTruncationAndBadMagicThrow() throws {
    let big = npyBytes(
      descr: "<i8", shape: "(2,)",
      data: integerBytes([1, (1 << 53) + 1], size: 8, bigEndian: false))
    let error = dataError { _ = try NPY.read(bytes: big) }
    #expect(error?.description.contains("9007199254740993 at flat index 1") == true)
    let exact = npyBytes(
      descr: "<i8", shape: "(1,)", data: integerBytes([-(1 << 53)], size: 8, bigEndian: false))
    #expect(try NPY.read(bytes: exact) == .vector(Vector([-9_007_199_254_740_992])))
    let short = npyBytes(descr: "<f8", shape: "(4,)", data: [UInt8](repeating: 0, count: 20))
    #expect(
      dataError { _ = try NPY.read(bytes: short, label: "s.npy") }
        == .invalidFile(path: "s.npy", message: "truncated data: expected 32 bytes, found 20"))
    guard case .invalidFile? = dataError({ _ = try NPY.read(bytes: Array("hello, world".utf8)) })
    else {
      Issue.record("bad magic should be invalidFile")
      return
    }
  }

  @Test func loadAndSaveByExtension() throws {
    let dir = try TemporaryDirectory()
    let t = try Table([("a", .number(Vector([1, 2]))), ("b", .number(Vector([3, 4])))])
    try DataFile.save(.table(t), to: dir.path("t.npy"))
    #expect(
      try DataFile.load(dir.path("t.npy"))
        == .array(.matrix(try Matrix(rowsOf: [[1, 3], [2, 4]]))))
    try DataFile.save(.array(.vector(Vector([5, 6]))), to: dir.path("v.csv"))
    #expect(
      try DataFile.load(dir.path("v.csv")) == .table(try Table([("c1", .number(Vector([5, 6])))])))
    guard case .unsupported? = dataError({ _ = try DataFile.load(dir.path("x.xlsx")) }) else {
      Issue.record("unknown extension should be unsupported")
      return
    }
  }
}
