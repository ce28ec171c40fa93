import Numerics

/// An array read from a `.npy` file, converted to `Double`.
public enum NPYArray: Sendable, Equatable {
  case vector(Vector)
  case matrix(Matrix)
  /// A 0-dimensional array.
  case scalar(Double)

  /// numpy's shape: `[]`, `[n]` or `[rows, cols]`.
  public var shape: [Int] {
    switch self {
    case .scalar: return []
    case .vector(let v): return [v.count]
    case .matrix(let m): return [m.rows, m.cols]
    }
  }
}

/// numpy's `.npy` files (format versions 1.0, 2.0 and 3.0; NEP 1 and
/// numpy.lib.format): `loadnpy` and `savenpy`.
///
/// Reading accepts `float64`, `float32`, signed and unsigned integers of 1, 2, 4 and 8
/// bytes and `bool`, in either byte order, C or Fortran order, with 0, 1 or 2
/// dimensions; every value becomes a `Double`. 64-bit integers beyond ±2⁵³ (where
/// `Double` stops holding every integer) are an error rather than a silent rounding.
/// Writing produces little-endian `float64` in C order, format 1.0 (2.0 only for a
/// header over 65535 bytes).
public enum NPY {
  /// Reads the `.npy` file at `path`.
  public static func read(path: String) throws -> NPYArray {
    try NPYReader.read(ByteSource(path: path))
  }

  /// Reads `.npy` bytes held in memory; `label` names them in error messages.
  public static func read(bytes: [UInt8], label: String = "<bytes>") throws -> NPYArray {
    try NPYReader.read(ByteSource(bytes: bytes, label: label))
  }

  /// Writes `array` to `path` as little-endian `float64` in C order.
  public static func write(_ array: NPYArray, to path: String) throws {
    let sink = try ByteSink(path: path)
    try sink.append(encodedHeader(shape: array.shape))
    let values: [Double]
    switch array {
    case .scalar(let x): values = [x]
    case .vector(let v): values = v.elements
    case .matrix(let m): values = m.elements
    }
    let chunk = 1 << 16
    var k = 0
    while k < values.count {
      let n = min(chunk, values.count - k)
      let little = values[k..<(k + n)].map { $0.bitPattern.littleEndian }
      try little.withUnsafeBytes { try sink.append(raw: $0) }
      k += n
    }
    try sink.finish()
  }

  /// Magic, version, header length and the padded header dictionary for `shape`.
  static func encodedHeader(shape: [Int]) -> [UInt8] {
    let tuple =
      shape.count == 1
      ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dict = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(tuple), }".utf8)
    let version: UInt8 = dict.count + 11 <= 65535 ? 1 : 2
    let prefix = version == 1 ? 10 : 12
    let total = (prefix + dict.count + 1 + 63) / 64 * 64
    dict += [UInt8](repeating: 0x20, count: total - prefix - dict.count - 1) + [0x0A]
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let length = dict.count
    if version == 1 {
      bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
    } else {
      bytes += (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
    }
    return bytes + dict
  }
}
