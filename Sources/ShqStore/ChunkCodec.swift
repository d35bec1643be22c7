import CZstd

/// Compression of output chunks: zstd level 1. Level 3 took as long on base64 text and longer on build
/// logs, and compressed those logs less (24 MiB: 3.2 MB at 3, 2.4 MB at 1); the negative ("fast")
/// levels leave base64 uncompressed (Docs/design/store.md). Each chunk is compressed on its own so output
/// can be streamed chunk by chunk.
enum ChunkCodec {
    static let level: Int32 = 1

    /// Compresses with a context made once per writer: `ZSTD_compress` builds (and zeroes) a fresh
    /// ~1 MiB context for every chunk.
    final class Compressor {
        private let context = ZSTD_createCCtx()

        deinit { ZSTD_freeCCtx(context) }

        func compress(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
            let bound = ZSTD_compressBound(raw.count)
            return [UInt8](unsafeUninitializedCapacity: bound) { out, initialized in
                let written = ZSTD_compressCCtx(context, out.baseAddress, bound, raw.baseAddress, raw.count, level)
                precondition(ZSTD_isError(written) == 0, "zstd compression cannot fail with a bound-sized buffer")
                initialized = written
            }
        }
    }

    /// Decompresses with a context made once per reader: `ZSTD_decompress` sets up a fresh context for
    /// every chunk, a tenth of the time `shq grep` spent in zstd (perf).
    final class Decompressor {
        private let context = ZSTD_createDCtx()

        deinit { ZSTD_freeDCtx(context) }

        func decompress(_ compressed: UnsafeRawBufferPointer, rawSize: Int) -> [UInt8]? {
            var failed = false
            let out = [UInt8](unsafeUninitializedCapacity: rawSize) { dst, initialized in
                let produced = ZSTD_decompressDCtx(context, dst.baseAddress, rawSize, compressed.baseAddress, compressed.count)
                failed = ZSTD_isError(produced) != 0 || produced != rawSize
                initialized = failed ? 0 : rawSize
            }
            return failed ? nil : out
        }
    }

    static func decompress(_ compressed: UnsafeRawBufferPointer, rawSize: Int) -> [UInt8]? {
        Decompressor().decompress(compressed, rawSize: rawSize)
    }
}
