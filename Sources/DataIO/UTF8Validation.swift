/// Strict UTF-8 checking (RFC 3629 §4): rejects stray continuation bytes, truncated
/// sequences, overlong forms, surrogates (U+D800–U+DFFF) and code points above U+10FFFF.
enum UTF8Validation {
  /// The offset of the first byte that does not begin a valid sequence, or nil.
  static func firstInvalid(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
    var i = 0
    while i < n {
      let b = p[i]
      if b < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch b {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return i
      }
      guard i + length <= n, p[i + 1] >= low, p[i + 1] <= high else { return i }
      for k in 2..<length where p[i + k] & 0xC0 != 0x80 { return i }
      i += length
    }
    return nil
  }
}
