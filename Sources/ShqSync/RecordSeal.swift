import CSodium

/// Authenticated encryption of one record: XChaCha20-Poly1305 (libsodium's IETF construction) under
/// the sync key, a random 192-bit nonce per record (random nonces of this size never repeat in practice,
/// so no counter must be kept across machines). The sealed form is nonce ‖ ciphertext ‖ tag.
///
/// What the server keeps in the clear is bound as associated data: the record's id, host, start time
/// and format version. A row whose ciphertext, id, host or time was changed on the server, or moved
/// to another id, fails to open.
enum RecordSeal {
    static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// The associated data of a record: what the server keeps of it in the clear.
    static func associatedData(id: [UInt8], host: String, startedAt: Int64, version: UInt32) -> [UInt8] {
        var data = Array("shq-record".utf8)
        data += id
        appendBigEndian(&data, UInt64(bitPattern: startedAt), width: 8)
        appendBigEndian(&data, UInt64(version), width: 4)
        data += Array(host.utf8)
        return data
    }

    /// The corresponding C function is `crypto_aead_xchacha20poly1305_ietf_encrypt`.
    static func seal(_ plain: [UInt8], associatedData: [UInt8], key: SyncKey) -> [UInt8] {
        SodiumLibrary.ready()
        var sealed = [UInt8](repeating: 0, count: nonceBytes + plain.count + tagBytes)
        sealed.withUnsafeMutableBufferPointer { out in
            randombytes_buf(out.baseAddress!, nonceBytes)
            var length: UInt64 = 0
            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                out.baseAddress! + nonceBytes, &length, plain, UInt64(plain.count),
                associatedData, UInt64(associatedData.count), nil, out.baseAddress!, key.bytes)
        }
        return sealed
    }

    /// The plain bytes, or nil when the seal does not open (another key, or changed bytes).
    /// The corresponding C function is `crypto_aead_xchacha20poly1305_ietf_decrypt`.
    static func open(_ sealed: [UInt8], associatedData: [UInt8], key: SyncKey) -> [UInt8]? {
        SodiumLibrary.ready()
        guard sealed.count >= nonceBytes + tagBytes else { return nil }
        var plain = [UInt8](repeating: 0, count: sealed.count - nonceBytes - tagBytes)
        var length: UInt64 = 0
        let rc = sealed.withUnsafeBufferPointer { input in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &plain, &length, nil, input.baseAddress! + nonceBytes, UInt64(sealed.count - nonceBytes),
                associatedData, UInt64(associatedData.count), input.baseAddress!, key.bytes)
        }
        guard rc == 0 else { return nil }
        return Array(plain.prefix(Int(length)))
    }
}
