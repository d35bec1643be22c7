import Glibc

// The chunk summarizer alone (Sources/ShqStore/ChunkSummary.swift, compiled into this program by
// bench/summary-cost.sh): FILE cut into 256 KiB chunks, summarized ROUNDS times over. Prints a checksum of
// every summary (so two builds can be shown to produce the same bytes) and the CPU time per MiB.
// Usage: summary-bench FILE [ROUNDS]

let arguments = CommandLine.arguments
guard arguments.count >= 2, let file = fopen(arguments[1], "rb") else {
    fputs("usage: summary-bench FILE [ROUNDS]\n", stderr)
    exit(2)
}
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
var input: [UInt8] = []
var buffer = [UInt8](repeating: 0, count: 1 << 20)
while true {
    let got = fread(&buffer, 1, buffer.count, file)
    if got <= 0 { break }
    input += buffer[0..<got]
}
fclose(file)

let chunkSize = 256 * 1024
var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
func mix(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
        checksum = (checksum ^ (value >> UInt64(shift) & 0xff)) &* 0x100_0000_01b3
    }
}
var start = timespec()
clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start)
for _ in 0..<rounds {
    var summarizer = ChunkSummarizer()
    input.withUnsafeBytes { all in
        var offset = 0
        while offset < all.count {
            let end = min(all.count, offset + chunkSize)
            let summary = summarizer.summarize(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
            mix(UInt64(bitPattern: summary.flags))
            mix(UInt64(bitPattern: summary.lines))
            mix(UInt64(bitPattern: summary.textBytes))
            mix(UInt64(summary.bloom.count))
            for byte in summary.bloom { checksum = (checksum ^ UInt64(byte)) &* 0x100_0000_01b3 }
            offset = end
        }
    }
}
var stop = timespec()
clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &stop)
let seconds = Double(stop.tv_sec - start.tv_sec) + Double(stop.tv_nsec - start.tv_nsec) / 1e9
let mebibytes = max(1, Double(input.count * rounds)) / 1_048_576
print("checksum \(String(checksum, radix: 16)) bytes \(input.count) rounds \(rounds) cpu_us_per_MiB \(Int((seconds * 1e6 / mebibytes).rounded()))")
