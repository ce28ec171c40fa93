import Foundation
import Numerics
import Testing

@testable import QuantizationErrorPropagation

@Suite struct FormatTests {
  /// Builds a safetensors file by hand: header length, JSON header, little-endian bytes.
  func file(_ header: String, _ payload: [UInt8]) -> Data {
    var d = Data()
    let h = Array(header.utf8)
    var n = UInt64(h.count).littleEndian
    withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }
    d.append(contentsOf: h)
    d.append(contentsOf: payload)
    return d
  }

  @Test func readsEveryFloatTypeExactly() throws {
    var bytes: [UInt8] = []
    for v: Float in [1.5, -2.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    // F16: 0x3C00 = 1, 0xC000 = −2, 0x0001 = 2⁻²⁴ (smallest subnormal).
    for v: UInt16 in [0x3C00, 0xC000, 0x0001] {
      withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }
    // BF16: 0x3FC0 = 1.5.
    withUnsafeBytes(of: UInt16(0x3FC0).littleEndian) { bytes += $0 }
    withUnsafeBytes(of: Int64(-7).littleEndian) { bytes += $0 }
    let header = """
      {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},\
      "h":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},\
      "b":{"dtype":"BF16","shape":[1],"data_offsets":[14,16]},\
      "i":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}
      """
    let st = try QEP.SafeTensors(data: file(header, bytes))
    #expect(try st.matrix("a") == Matrix(rowsOf: [[1.5, -2.25]]))
    #expect(try st.vector("h").elements == [1, -2, 0x1p-24])
    #expect(try st.vector("b").elements == [1.5])
    #expect(try st.vector("i").elements == [-7])
    #expect(
      throws: NumericsError.invalidArgument(
        operation: "qep.safetensors", message: "expected a tensor named z, found none")
    ) {
      try st.vector("z")
    }
  }

  @Test func rejectsMalformedFiles() throws {
    #expect(throws: NumericsError.self) { try QEP.SafeTensors(data: Data([1, 2, 3])) }
    #expect(throws: NumericsError.self) {
      try QEP.SafeTensors(
        data: file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, [0, 0, 0, 0]))
    }
    #expect(throws: NumericsError.self) {
      try QEP.SafeTensors(
        data: file(
          #"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, Array(repeating: 0, count: 8))
      )
    }
  }

  @Test func wordPieceOnAToyVocabulary() throws {
    let vocab = [
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", ",", "!", "cafe",
    ]
    let t = try QEP.WordPiece(tokens: vocab)
    // Lowercasing, accent stripping, punctuation split, greedy longest match, [UNK].
    #expect(t.encode("Unaffable, HELLO! Café xyz") == [2, 4, 5, 6, 8, 7, 9, 10, 1, 3])
    #expect(QEP.WordPiece.basicTokens(" a\tb\u{0007}c 中文") == ["a", "bc", "中", "文"])
    #expect(throws: NumericsError.self) { try QEP.WordPiece(tokens: ["a", "b"]) }
  }
}
