import Numerics

/// Parses `.npy` headers and converts their data to `Double` in chunks.
enum NPYReader {
  /// An element type from a `descr` string such as `<f8` or `|b1`.
  struct DType {
    enum Kind {
      case float
      case signed
      case unsigned
      case bool
    }
    var kind: Kind
    var size: Int
    var bigEndian: Bool
  }

  /// A value in the header dictionary (a Python literal).
  enum Literal: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
    case list
  }

  static func read(_ source: ByteSource) throws -> NPYArray {
    let path = source.path
    func invalid(_ message: String) -> DataError { .invalidFile(path: path, message: message) }
    var prefix = [UInt8](repeating: 0, count: 12)
    let got = try prefix.withUnsafeMutableBytes {
      try source.readFully(into: $0.baseAddress!, count: 10)
    }
    guard got == 10, prefix[0] == 0x93, Array(prefix[1..<6]) == Array("NUMPY".utf8) else {
      throw invalid("not a .npy file (expected the magic bytes \\x93NUMPY)")
    }
    let major = prefix[6]
    var headerLength: Int
    switch major {
    case 1: headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
    case 2, 3:
      let more = try prefix.withUnsafeMutableBytes {
        try source.readFully(into: $0.baseAddress! + 10, count: 2)
      }
      guard more == 2 else { throw invalid("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(prefix[8 + $1]) << (8 * $1) }
    default:
      throw DataError.unsupported(
        path: path, message: "format version \(major).\(prefix[7]); expected 1.0, 2.0 or 3.0")
    }
    var headerBytes = [UInt8](repeating: 0, count: headerLength)
    let read = try headerBytes.withUnsafeMutableBytes {
      try source.readFully(into: $0.baseAddress!, count: headerLength)
    }
    guard read == headerLength else { throw invalid("truncated header") }
    guard let header = String(validating: headerBytes, as: UTF8.self) else {
      throw invalid("header is not valid UTF-8")
    }
    let dict = try parseDictionary(header, path: path)
    guard case .string(let descr)? = dict["descr"] else {
      if dict["descr"] == .list {
        throw DataError.unsupported(
          path: path, message: "structured dtype; expected a plain numeric array")
      }
      throw invalid("header has no 'descr' string")
    }
    guard case .bool(let fortran)? = dict["fortran_order"] else {
      throw invalid("header has no 'fortran_order' flag")
    }
    guard case .tuple(let shape)? = dict["shape"] else {
      throw invalid("header has no 'shape' tuple")
    }
    let dtype = try parseDType(descr, path: path)
    guard shape.count <= 2 else {
      throw DataError.unsupported(
        path: path,
        message:
          "\(shape.count)-D array of shape \(NumericsError.shapeText(shape)); expected 0, 1 or 2 dimensions"
      )
    }
    let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
    guard shape.allSatisfy({ $0 >= 0 }), count <= Int.max / 8 else {
      throw invalid("impossible shape \(NumericsError.shapeText(shape))")
    }
    let values = try readValues(source, count: count, dtype: dtype)
    switch shape.count {
    case 0: return .scalar(values[0])
    case 1: return .vector(Vector(values))
    default:
      let (rows, cols) = (shape[0], shape[1])
      if !fortran { return .matrix(try Matrix(rows: rows, cols: cols, elements: values)) }
      return .matrix(
        Matrix(rows: rows, cols: cols) { buf in
          for j in 0..<cols {
            for i in 0..<rows { buf[i * cols + j] = values[j * rows + i] }
          }
        })
    }
  }

  /// Reads `count` elements of `dtype`, 64 KiB at a time, converting each to `Double`.
  private static func readValues(_ source: ByteSource, count: Int, dtype: DType) throws
    -> [Double]
  {
    let path = source.path
    let chunkElements = 1 << 16 / dtype.size
    var chunk = [UInt8](repeating: 0, count: chunkElements * dtype.size)
    return try [Double](unsafeUninitializedCapacity: count) { out, initialised in
      var done = 0
      while done < count {
        let n = min(chunkElements, count - done)
        let got = try chunk.withUnsafeMutableBytes {
          try source.readFully(into: $0.baseAddress!, count: n * dtype.size)
        }
        guard got == n * dtype.size else {
          throw DataError.invalidFile(
            path: path,
            message:
              "truncated data: expected \(count * dtype.size) bytes, found \(done * dtype.size + got)"
          )
        }
        try chunk.withUnsafeBytes { raw in
          for k in 0..<n {
            out[done + k] = try convert(raw, at: k * dtype.size, dtype, index: done + k, path)
          }
        }
        done += n
        initialised = done
      }
    }
  }

  /// The `Double` of one element stored at byte `offset`.
  @inline(__always)
  private static func convert(
    _ raw: UnsafeRawBufferPointer, at offset: Int, _ dtype: DType, index: Int, _ path: String
  ) throws -> Double {
    var bits: UInt64 = 0
    for b in 0..<dtype.size {
      let byte = UInt64(raw[offset + (dtype.bigEndian ? dtype.size - 1 - b : b)])
      bits |= byte << (8 * UInt64(b))
    }
    let limit: UInt64 = 1 << 53
    switch (dtype.kind, dtype.size) {
    case (.float, 8): return Double(bitPattern: bits)
    case (.float, _): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
    case (.bool, _): return bits == 0 ? 0 : 1
    case (.unsigned, _):
      guard bits <= limit else { throw inexact(String(bits), index, path) }
      return Double(bits)
    case (.signed, _):
      let shift = UInt64(64 - 8 * dtype.size)
      let value = Int64(bitPattern: bits << shift) >> shift
      guard value.magnitude <= limit else { throw inexact(String(value), index, path) }
      return Double(value)
    }
  }

  private static func inexact(_ value: String, _ index: Int, _ path: String) -> DataError {
    .unsupported(
      path: path,
      message:
        "integer \(value) at flat index \(index) is beyond ±2^53 and has no exact Double")
  }

  /// Parses a dtype string: byte order `<` `>` `|` `=`, kind, size in bytes.
  static func parseDType(_ descr: String, path: String) throws -> DType {
    let chars = Array(descr)
    func unsupported() -> DataError {
      .unsupported(
        path: path,
        message:
          "dtype '\(descr)'; expected float64/32, (u)int8/16/32/64 or bool")
    }
    guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else {
      throw unsupported()
    }
    let big = chars[0] == ">"
    switch (chars[1], size) {
    case ("f", 4), ("f", 8): return DType(kind: .float, size: size, bigEndian: big)
    case ("i", 1), ("i", 2), ("i", 4), ("i", 8):
      return DType(kind: .signed, size: size, bigEndian: big)
    case ("u", 1), ("u", 2), ("u", 4), ("u", 8):
      return DType(kind: .unsigned, size: size, bigEndian: big)
    case ("b", 1): return DType(kind: .bool, size: 1, bigEndian: false)
    default: throw unsupported()
    }
  }

  /// Parses the header, a Python dict literal such as
  /// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
  static func parseDictionary(_ text: String, path: String) throws -> [String: Literal] {
    var s = Substring(text)
    func fail() -> DataError {
      .invalidFile(path: path, message: "malformed header \(text.trimmingSpaces.debugDescription)")
    }
    func skipSpace() { while let c = s.first, c.isWhitespace { s.removeFirst() } }
    func expect(_ c: Character) throws {
      skipSpace()
      guard s.first == c else { throw fail() }
      s.removeFirst()
    }
    func string() throws -> String {
      skipSpace()
      guard let q = s.first, q == "'" || q == "\"" else { throw fail() }
      s.removeFirst()
      guard let close = s.firstIndex(of: q) else { throw fail() }
      let value = String(s[..<close])
      s = s[s.index(after: close)...]
      return value
    }
    func integer() throws -> Int {
      skipSpace()
      let digits = s.prefix { $0.isASCII && $0.isNumber }
      guard let n = Int(digits) else { throw fail() }
      s.removeFirst(digits.count)
      skipSpace()
      if s.first == "L" { s.removeFirst() }
      return n
    }
    func value() throws -> Literal {
      skipSpace()
      if s.hasPrefix("True") {
        s.removeFirst(4)
        return .bool(true)
      }
      if s.hasPrefix("False") {
        s.removeFirst(5)
        return .bool(false)
      }
      switch s.first {
      case "'", "\"": return .string(try string())
      case "(":
        s.removeFirst()
        var items: [Int] = []
        while true {
          skipSpace()
          if s.first == ")" {
            s.removeFirst()
            return .tuple(items)
          }
          items.append(try integer())
          skipSpace()
          if s.first == "," { s.removeFirst() } else if s.first != ")" { throw fail() }
        }
      case "[":
        var depth = 0
        while let c = s.popFirst() {
          if c == "[" { depth += 1 }
          if c == "]" { depth -= 1 }
          if depth == 0 { return .list }
        }
        throw fail()
      default: throw fail()
      }
    }
    var result: [String: Literal] = [:]
    try expect("{")
    while true {
      skipSpace()
      if s.first == "}" { break }
      let key = try string()
      try expect(":")
      result[key] = try value()
      skipSpace()
      if s.first == "," { s.removeFirst() } else if s.first != "}" { throw fail() }
    }
    return result
  }
}
