import Foundation

/// How a figure travels to the `replica-render` child on stdin: its data arrays as raw
/// binary64 numbers, so neither side formats or parses 10⁶ numbers as decimal text.
///
/// Layout (every count and length a UInt64 in 8 little-endian bytes):
///
///     "RPLFIG1\n"                      8 bytes of magic
///     header length, header            canonical JSON of the figure's tree (`canonicalJSON()`)
///                                      with every all-number array replaced by the object
///                                      {"$block":k}, k the index of its block below
///     block count
///     per block: element count, then the elements as little-endian IEEE 754 binary64
///
/// No figure field is a dictionary, so no object of a figure has the single key `$block`.
/// Stdin that does not start with the magic is read as figure JSON (`Figure(json:)`), so
/// `replica-render < figure.json` still works by hand.
enum FigureWire {
  static let magic = Array("RPLFIG1\n".utf8)
  static let blockKey = "$block"

  /// The bytes sent for `figure`.
  static func encode(_ figure: Figure) -> Data {
    var blocks: [[Double]] = []
    let header = try! TreeEncoder.tree(figure).replacingNumbers(into: &blocks)
    var json = ""
    header.write(to: &json)
    var data = Data()
    data.reserveCapacity(
      32 + json.utf8.count + blocks.reduce(0) { $0 + 8 + 8 * $1.count })
    data.append(contentsOf: magic)
    append(UInt64(json.utf8.count), to: &data)
    data.append(contentsOf: Array(json.utf8))
    append(UInt64(blocks.count), to: &data)
    for block in blocks {
      append(UInt64(block.count), to: &data)
      #if _endian(little)
        block.withUnsafeBufferPointer { data.append($0) }
      #else
        block.map { $0.bitPattern.littleEndian }.withUnsafeBufferPointer { data.append($0) }
      #endif
    }
    return data
  }

  /// The figure in `data`: the binary layout above, or figure JSON.
  static func decode(_ data: Data) throws -> Figure {
    guard data.starts(with: magic) else {
      return try Figure(json: String(decoding: data, as: UTF8.self))
    }
    do {
      return try data.withUnsafeBytes { raw in
        var reader = Reader(bytes: raw, offset: magic.count)
        let headerLength = try reader.count(of: 1, what: "the header")
        var parser = JSONParser(Data(try reader.take(headerLength)))
        let header = try parser.document()
        let blockCount = try reader.count(of: 8, what: "the block count")
        var blocks: [[Double]] = []
        for _ in 0..<blockCount {
          let n = try reader.count(of: 8, what: "a block")
          let bytes = try reader.take(8 * n)
          blocks.append(
            [Double](unsafeUninitializedCapacity: n) { out, initialized in
              for k in 0..<n {
                out[k] = Double(
                  bitPattern: UInt64(
                    littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)))
              }
              initialized = n
            })
        }
        guard reader.offset == raw.count else {
          throw Failure(
            description: "\(raw.count - reader.offset) bytes after the last block")
        }
        return try TreeDecoder.decode(Figure.self, from: try header.restoringNumbers(blocks))
      }
    } catch {
      throw PlotError.invalidValue(
        context: "figure sent to replica-render",
        expected: "the binary figure layout of FigureWire", found: "\(error)")
    }
  }

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  private static func append(_ w: UInt64, to data: inout Data) {
    withUnsafeBytes(of: w.littleEndian) { data.append(contentsOf: $0) }
  }

  /// Reads counts and byte ranges off the front of the input, checking that they fit.
  private struct Reader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    /// A UInt64 count of items of `size` bytes each that must fit in the rest of the input.
    mutating func count(of size: Int, what: String) throws -> Int {
      guard bytes.count - offset >= 8 else {
        throw Failure(description: "expected the length of \(what), found the end of input")
      }
      let n = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
      guard n <= UInt64((bytes.count - offset) / size) else {
        throw Failure(
          description:
            "\(what) of \(n) items of \(size) bytes, found only \(bytes.count - offset) bytes")
      }
      return Int(n)
    }

    mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
      let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
      offset += n
      return slice
    }
  }
}

extension JSONValue {
  /// This tree with every all-number array moved into `blocks` and replaced by
  /// {"$block": index}.
  fileprivate func replacingNumbers(into blocks: inout [[Double]]) -> JSONValue {
    switch self {
    case .numbers(let a):
      blocks.append(a)
      return .object([FigureWire.blockKey: .number(Double(blocks.count - 1))])
    case .array(let items): return .array(items.map { $0.replacingNumbers(into: &blocks) })
    case .object(let fields):
      return .object(fields.mapValues { $0.replacingNumbers(into: &blocks) })
    case .null, .bool, .number, .string: return self
    }
  }

  /// The inverse of `replacingNumbers`: each {"$block": k} becomes `.numbers(blocks[k])`.
  fileprivate func restoringNumbers(_ blocks: [[Double]]) throws -> JSONValue {
    switch self {
    case .object(let fields):
      if fields.count == 1, let ref = fields[FigureWire.blockKey] {
        guard case .number(let k) = ref, let i = Int(exactly: k), blocks.indices.contains(i)
        else {
          throw FigureWire.Failure(
            description: "a block reference from 0 to \(blocks.count - 1), found \(ref.kind)")
        }
        return .numbers(blocks[i])
      }
      return .object(try fields.mapValues { try $0.restoringNumbers(blocks) })
    case .array(let items): return .array(try items.map { try $0.restoringNumbers(blocks) })
    case .null, .bool, .number, .string, .numbers: return self
    }
  }
}
