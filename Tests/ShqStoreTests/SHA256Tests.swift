import Testing
@testable import ShqStore

/// FIPS 180-4 test vectors, and a long input crossing many blocks in uneven pieces.
@Suite struct SHA256Tests {
    func hash(_ pieces: [[UInt8]]) -> String {
        var hasher = SHA256()
        for piece in pieces { piece.withUnsafeBytes { hasher.update($0) } }
        return hasher.finalize()
    }

    @Test func knownVectors() {
        #expect(hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hash([Array("abc".utf8)]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hash([Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)])
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAsInUnevenPieces() {
        let a = UInt8(ascii: "a")
        let pieces = stride(from: 0, to: 1_000_000, by: 9999).map { Array(repeating: a, count: min(9999, 1_000_000 - $0)) }
        #expect(hash(pieces) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
