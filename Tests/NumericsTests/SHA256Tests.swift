import Testing

@testable import Numerics

/// Test vectors of NIST FIPS 180-2, Appendix B (also the NIST CSRC "SHA-256" examples);
/// the UTF-8 string digest was checked against Python's hashlib.
@Suite struct SHA256Tests {
  @Test func nistVectors() {
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hex(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
          + "klmnopqrlmnopqrsmnopqrstnopqrstu")
        == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
  }

  @Test func oneMillionA() {
    let digest = SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
    #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func bytesAndUnicode() {
    #expect(SHA256.hash(Array("abc".utf8)).count == 32)
    #expect(SHA256.hash(Array("abc".utf8))[0] == 0xba)
    #expect(
      SHA256.hex("π ≈ 3.14") == "d0637ea5a59698a8a4247167d1ebaa6b662f6dabd2480749ca79f6ed564e2798")
  }

  /// The NIST messages fed to `SHA256.Hasher` in pieces of 1, 3, 63, 64, 65 and 1000 bytes
  /// (crossing block boundaries every way) give the one-shot digests.
  @Test func incrementalHasherInChunks() {
    let vectors: [([UInt8], String)] = [
      ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
      (
        Array(
          ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
            + "klmnopqrlmnopqrsmnopqrstnopqrstu").utf8),
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
      ),
      (
        [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
      ),
    ]
    for (message, digest) in vectors {
      for chunk in [1, 3, 63, 64, 65, 1000] where message.count <= 1000 || chunk == 1000 {
        var hasher = SHA256.Hasher()
        for start in stride(from: 0, to: message.count, by: chunk) {
          hasher.update(Array(message[start..<min(start + chunk, message.count)]))
        }
        #expect(hasher.finalizeHex() == digest, "chunks of \(chunk), \(message.count) bytes")
        #expect(hasher.finalize() == SHA256.hash(message))
      }
    }
  }

  /// `finalize` leaves the hasher usable: hashing "ab" then "c" after reading the digest
  /// of "ab" gives the digest of "abc".
  @Test func finalizeDoesNotEndTheMessage() {
    var hasher = SHA256.Hasher()
    hasher.update(Array("ab".utf8))
    #expect(hasher.finalizeHex() == SHA256.hex("ab"))
    hasher.update(Array("c".utf8))
    #expect(
      hasher.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
