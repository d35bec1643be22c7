import Glibc

/// A point in time in microseconds since the Unix epoch, the unit of every time column in the store.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The wall clock now. The corresponding C function is `clock_gettime(CLOCK_REALTIME)`.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    public var seconds: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }
    public var subsecondMicros: Int64 { microseconds - seconds * 1_000_000 }

    /// ISO 8601 in UTC with microseconds: `2026-11-23T11:43:32.123456Z`.
    public var iso8601: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return Self.format(parts) + "." + pad(Int(subsecondMicros), 6) + "Z"
    }

    /// Local time for tables: `2026-11-23 11:43:32`.
    public var localDisplay: String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return Self.format(parts).replacingFirstT()
    }

    private static func format(_ t: tm) -> String {
        pad(Int(t.tm_year) + 1900, 4) + "-" + pad(Int(t.tm_mon) + 1, 2) + "-" + pad(Int(t.tm_mday), 2) + "T"
            + pad(Int(t.tm_hour), 2) + ":" + pad(Int(t.tm_min), 2) + ":" + pad(Int(t.tm_sec), 2)
    }

    /// Parses ISO 8601 (`2026-11-23T11:43:32`, optional fraction, `Z` or `±HH:MM`; a space may replace
    /// the `T`; no zone means local time) or `@SECONDS` since the epoch.
    public init?(parsing text: String) {
        if text.hasPrefix("@") {
            guard let seconds = Double(text.dropFirst()) else { return nil }
            self.init(microseconds: Int64((seconds * 1_000_000).rounded()))
            return
        }
        let chars = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= chars.count else { return nil }
            var value = 0
            for c in chars[i..<(i + digits)] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += digits
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0, micros: Int64 = 0
        if i < chars.count, chars[i] == 84 || chars[i] == 32 {  // 'T' or ' '
            i += 1
            guard let h = number(2), expect(58), let m = number(2) else { return nil }
            hour = h; minute = m
            if expect(58) { guard let s = number(2) else { return nil }; second = s }
            if expect(46) || expect(44) {  // fraction
                var scale: Int64 = 100_000
                var digits = 0
                while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                    micros += Int64(chars[i] - 48) * scale
                    scale /= 10
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var offsetSeconds: Int? = nil
        if i < chars.count {
            if chars[i] == 90 || chars[i] == 122 {  // Z
                i += 1
                offsetSeconds = 0
            } else if chars[i] == 43 || chars[i] == 45 {  // + or -
                let sign = chars[i] == 43 ? 1 : -1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                let om = number(2) ?? 0
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == chars.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        let epoch: Int64
        if let offsetSeconds {
            epoch = Int64(timegm(&parts)) - Int64(offsetSeconds)
        } else {
            epoch = Int64(mktime(&parts))
        }
        self.init(microseconds: epoch * 1_000_000 + micros)
    }
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension String {
    fileprivate func replacingFirstT() -> String {
        guard let index = firstIndex(of: "T") else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: " ")
        return copy
    }
}
