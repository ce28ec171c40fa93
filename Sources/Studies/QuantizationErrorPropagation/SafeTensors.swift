import Foundation
import Numerics

extension QEP {
  /// A reader of the safetensors format (Hugging Face, `safetensors` crate docs,
  /// "Format"): an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
  /// mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
  /// (offsets relative to the end of the header; an optional `__metadata__` entry of
  /// strings), then the raw little-endian tensor bytes, row-major.
  ///
  /// Tensors are read on demand from the file's bytes and converted to `Double`
  /// exactly (F64, F32, F16, BF16; I64, I32, U8 within ±2⁵³).
  public struct SafeTensors: Sendable {
    /// One entry of the header.
    public struct Entry: Sendable, Equatable {
      public let dtype: String
      public let shape: [Int]
      public let begin: Int
      public let end: Int
    }

    /// The entries by tensor name.
    public let entries: [String: Entry]
    let data: Data
    let dataStart: Int

    /// Bytes per element of each supported dtype.
    static let elementSize = [
      "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "U8": 1,
    ]

    /// Reads and validates the file at `path`.
    public init(path: String) throws {
      let op = "qep.safetensors"
      guard let d = FileManager.default.contents(atPath: path) else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a readable safetensors file, found none at \(path)")
      }
      try self.init(data: d, source: path)
    }

    /// Parses safetensors bytes; `source` names them in error messages.
    public init(data d: Data, source: String = "the data") throws {
      let op = "qep.safetensors"
      try require(
        d.count >= 8, op, "expected at least 8 bytes in \(source), found \(d.count)")
      var n: UInt64 = 0
      for k in 0..<8 { n |= UInt64(d[d.startIndex + k]) << (8 * UInt64(k)) }
      try require(
        n <= UInt64(d.count - 8), op,
        "expected a header length ≤ \(d.count - 8) bytes in \(source), found \(n)")
      let headerEnd = 8 + Int(n)
      let header = d.subdata(in: (d.startIndex + 8)..<(d.startIndex + headerEnd))
      guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
        throw NumericsError.invalidArgument(
          operation: op, message: "expected a JSON object as the header of \(source), found none")
      }
      let payload = d.count - headerEnd
      var entries: [String: Entry] = [:]
      for (name, value) in json where name != "__metadata__" {
        guard let obj = value as? [String: Any], let dtype = obj["dtype"] as? String,
          let shape = obj["shape"] as? [Int], let offsets = obj["data_offsets"] as? [Int],
          offsets.count == 2
        else {
          throw NumericsError.invalidArgument(
            operation: op,
            message: "expected dtype, shape and data_offsets for tensor \(name) in \(source)")
        }
        guard let size = SafeTensors.elementSize[dtype] else {
          throw NumericsError.invalidArgument(
            operation: op,
            message:
              "expected a dtype among \(SafeTensors.elementSize.keys.sorted().joined(separator: ", ")) for \(name), found \(dtype)"
          )
        }
        let count = shape.reduce(1, *)
        try require(
          shape.allSatisfy { $0 >= 0 } && offsets[0] >= 0 && offsets[1] <= payload
            && offsets[1] - offsets[0] == count * size, op,
          "expected \(name) (\(dtype) \(shape)) to occupy \(count * size) bytes within the \(payload) data bytes, found offsets \(offsets)"
        )
        entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
      }
      self.entries = entries
      self.data = d
      self.dataStart = headerEnd
    }

    /// The tensor's values as doubles, row-major, and its shape.
    public func values(_ name: String) throws -> (shape: [Int], values: [Double]) {
      guard let e = entries[name] else {
        throw NumericsError.invalidArgument(
          operation: "qep.safetensors", message: "expected a tensor named \(name), found none")
      }
      let count = e.shape.reduce(1, *)
      let start = data.startIndex + dataStart + e.begin
      let out = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Double] in
        let base = raw.baseAddress! + (start - data.startIndex)
        return try SafeTensors.decode(base, count: count, dtype: e.dtype, name: name)
      }
      return (e.shape, out)
    }

    /// A two-dimensional tensor as a matrix (a one-dimensional one as a 1 × n matrix).
    public func matrix(_ name: String) throws -> Matrix {
      let (shape, v) = try values(name)
      switch shape.count {
      case 1: return try Matrix(rows: 1, cols: shape[0], elements: v)
      case 2: return try Matrix(rows: shape[0], cols: shape[1], elements: v)
      default:
        throw NumericsError.invalidArgument(
          operation: "qep.safetensors",
          message: "expected a 1- or 2-dimensional tensor \(name), found shape \(shape)")
      }
    }

    /// A one-dimensional tensor as a vector.
    public func vector(_ name: String) throws -> Vector {
      let (shape, v) = try values(name)
      try require(
        shape.count == 1, "qep.safetensors",
        "expected a 1-dimensional tensor \(name), found shape \(shape)")
      return Vector(v)
    }

    /// Little-endian bytes to doubles.
    static func decode(
      _ p: UnsafeRawPointer, count: Int, dtype: String, name: String
    ) throws -> [Double] {
      var out = [Double](repeating: 0, count: count)
      switch dtype {
      case "F64":
        for i in 0..<count {
          out[i] = Double(
            bitPattern: UInt64(
              littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        }
      case "F32":
        for i in 0..<count {
          out[i] = Double(
            Float(
              bitPattern: UInt32(
                littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
        }
      case "F16":
        for i in 0..<count {
          out[i] = halfToDouble(
            UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        }
      case "BF16":
        for i in 0..<count {
          let b = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
          out[i] = Double(Float(bitPattern: UInt32(b) << 16))
        }
      case "I64", "I32", "U8":
        for i in 0..<count {
          let v: Int64
          switch dtype {
          case "I64":
            v = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
          case "I32":
            v = Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
          default: v = Int64(p.load(fromByteOffset: i, as: UInt8.self))
          }
          guard v.magnitude <= 1 << 53 else {
            throw NumericsError.invalidArgument(
              operation: "qep.safetensors",
              message: "expected integers within ±2^53 in \(name), found \(v)")
          }
          out[i] = Double(v)
        }
      default:
        throw NumericsError.invalidArgument(
          operation: "qep.safetensors", message: "unsupported dtype \(dtype) for \(name)")
      }
      return out
    }

    /// IEEE 754 binary16 to double, exactly (subnormals, infinities and NaN included).
    static func halfToDouble(_ h: UInt16) -> Double {
      let sign: Double = (h & 0x8000) != 0 ? -1 : 1
      let exponent = Int((h >> 10) & 0x1F)
      let fraction = Double(h & 0x3FF)
      switch exponent {
      case 0: return sign * fraction * 0x1p-24
      case 31: return fraction == 0 ? sign * .infinity : .nan
      default: return sign * (1 + fraction / 1024) * pow(2, Double(exponent - 15))
      }
    }
  }
}
