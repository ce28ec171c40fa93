/// SHA-256 (NIST FIPS 180-4, 2015, §6.2) over bytes, in pure Swift. Used for content
/// hashes (notebook cells, figure specs); not constant-time, so not for secrets.
public enum SHA256 {
  /// An incremental SHA-256: `update` with the message in pieces of any sizes, then
  /// `finalize`. The digest equals `SHA256.hash` of the concatenated pieces.
  public struct Hasher: Sendable {
    /// The running hash value H⁽ⁱ⁾ (§6.2.2).
    private var state: [UInt32] = SHA256.initialHash
    /// The bytes after the last full 64-byte block (fewer than 64).
    private var pending: [UInt8] = []
    /// Message bytes seen so far.
    private var length: UInt64 = 0

    public init() { pending.reserveCapacity(64) }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
      guard !bytes.isEmpty else { return }
      length &+= UInt64(bytes.count)
      var rest = bytes
      if !pending.isEmpty {
        let take = min(64 - pending.count, rest.count)
        pending.append(contentsOf: rest.prefix(take))
        rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
        guard pending.count == 64 else { return }
        pending.withUnsafeBytes { SHA256.compress(&state, $0) }
        pending.removeAll(keepingCapacity: true)
      }
      let whole = rest.count - rest.count % 64
      if whole > 0 { SHA256.compress(&state, UnsafeRawBufferPointer(rebasing: rest.prefix(whole))) }
      pending.append(contentsOf: rest.dropFirst(whole))
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest of the message so far (the hasher itself is left unchanged).
    public func finalize() -> [UInt8] {
      // Padding (§5.1.1): 0x80, zeros to 56 mod 64, then the bit length big-endian.
      var last = self
      let bitLength = length &* 8
      var padding: [UInt8] = [0x80]
      padding.append(contentsOf: repeatElement(0, count: (119 - pending.count) % 64))
      for shift in stride(from: 56, through: 0, by: -8) {
        padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
      }
      last.update(padding)
      var digest = [UInt8]()
      digest.reserveCapacity(32)
      for word in last.state {
        for shift in stride(from: 24, through: 0, by: -8) {
          digest.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
        }
      }
      return digest
    }

    /// The digest of the message so far as 64 lowercase hexadecimal digits.
    public func finalizeHex() -> String { SHA256.hexDigits(finalize()) }
  }

  /// The 32-byte digest of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    var hasher = Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The digest of `bytes` as 64 lowercase hexadecimal digits.
  public static func hex(_ bytes: [UInt8]) -> String { hexDigits(hash(bytes)) }

  /// The digest of the UTF-8 encoding of `s` as 64 lowercase hexadecimal digits.
  public static func hex(_ s: String) -> String { hex(Array(s.utf8)) }

  private static func hexDigits(_ digest: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(2 * digest.count)
    for byte in digest {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Runs the compression function (§6.2.2) over `blocks`, whose length is a multiple of 64.
  private static func compress(_ h: inout [UInt32], _ blocks: UnsafeRawBufferPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      k.withUnsafeBufferPointer { k in
        for block in stride(from: 0, to: blocks.count, by: 64) {
          for t in 0..<16 {
            w[t] = UInt32(
              bigEndian: blocks.loadUnaligned(fromByteOffset: block + 4 * t, as: UInt32.self))
          }
          for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
          }
          var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
          for t in 0..<64 {
            let sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choose = (e & f) ^ (~e & g)
            let t1 = hh &+ sigma1 &+ choose &+ k[t] &+ w[t]
            let sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = sigma0 &+ majority
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
          }
          h[0] &+= a
          h[1] &+= b
          h[2] &+= c
          h[3] &+= d
          h[4] &+= e
          h[5] &+= f
          h[6] &+= g
          h[7] &+= hh
        }
      }
    }
  }

  @inline(__always)
  private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
  /// Initial hash value H⁽⁰⁾ (§5.3.3): fractional parts of √ of the first 8 primes.
  private static let initialHash: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19,
  ]

  /// Round constants K (§4.2.2): fractional parts of ∛ of the first 64 primes.
  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]
}
