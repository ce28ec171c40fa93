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
}
