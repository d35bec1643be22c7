// Compiled by bench/07-privacy.sh together with the redactor's sources (swiftc -O): times the
// hand-written redactor against a Swift Regex covering a subset of the same rules, on the same lines.
// Usage: redactor-bench HISTORY_FILE
import Foundation

@main
struct RedactorBench {
    static func main() throws {
        let path = CommandLine.arguments[1]
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        let byteLines = lines.map { Array($0.utf8) }
        let totalBytes = byteLines.reduce(0) { $0 + $1.count }

        // A Regex for a subset of the rules: secret NAME=value, five token shapes, URL passwords.
        let regex = try Regex(#"(?i)[A-Za-z0-9_.-]*(password|passwd|secret|token|api[_-]?key)[A-Za-z0-9_.-]*=("[^"]*"|'[^']*'|[^\s;&|]+)|(ghp_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[baprs]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16}|sk-[A-Za-z0-9_-]{20,})|://[^/\s:@]+:[^/\s@]+@"#)

        func median(_ runs: Int, _ body: () -> Int) -> (Double, Int) {
            var times: [Double] = []
            var changed = 0
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                changed = body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return (times.sorted()[runs / 2], changed)
        }
        let (handTime, handChanged) = median(5) {
            var changed = 0
            for line in byteLines where Redactor.redact(line).count != line.count { changed += 1 }
            return changed
        }
        let (regexTime, regexChanged) = median(3) {
            var changed = 0
            for line in lines where line.replacing(regex, with: "[REDACTED]") != line { changed += 1 }
            return changed
        }
        func row(_ name: String, _ seconds: Double, _ changed: Int) -> String {
            let perLine = seconds / Double(lines.count) * 1e6
            let mbps = Double(totalBytes) / seconds / 1e6
            return "| \(name) | \(lines.count) | \(String(format: "%.3f", seconds)) | \(String(format: "%.2f", perLine)) | \(String(format: "%.1f", mbps)) | \(changed) |"
        }
        print("| engine | lines | median seconds | µs per line | MB/s | lines changed |")
        print("|---|---:|---:|---:|---:|---:|")
        print(row("ShqPrivacy.Redactor (all rules)", handTime, handChanged))
        print(row("Swift Regex (subset of the rules)", regexTime, regexChanged))
        print("")
        print("Regex / hand-written time ratio: \(String(format: "%.1f", regexTime / handTime))×")
    }
}
