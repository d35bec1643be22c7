import CSQLite
import Glibc

/// POSIX extended regular expressions (glibc `regcomp`/`regexec`), byte-oriented so commands that are not
/// valid UTF-8, or hold NULs, are still matched. Case-sensitive, like `grep -E`.
public enum PosixRegex {
    static let flags = REG_EXTENDED | REG_NOSUB

    /// Why `pattern` does not compile, or nil if it does.
    public static func problem(in pattern: String) -> String? {
        var compiled = regex_t()
        let rc = regcomp(&compiled, pattern, flags)
        if rc == 0 {
            regfree(&compiled)
            return nil
        }
        var message = [CChar](repeating: 0, count: 256)
        regerror(rc, &compiled, &message, message.count)
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Database {
    /// Defines SQL's `X REGEXP P` (SQLite calls `regexp(P, X)`) on this connection. The compiled pattern is
    /// cached per statement (auxdata), so a scan compiles it once. NULL never matches; a bad pattern is an
    /// SQL error.
    public func installRegexp() throws {
        let rc = sqlite3_create_function_v2(
            handle, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, argv in
                guard let context, let argv, let patternValue = argv[0], let subjectValue = argv[1] else { return }
                if sqlite3_value_type(subjectValue) == SQLITE_NULL || sqlite3_value_type(patternValue) == SQLITE_NULL {
                    return sqlite3_result_null(context)
                }
                var compiled = sqlite3_get_auxdata(context, 0)?.assumingMemoryBound(to: regex_t.self)
                if compiled == nil {
                    let fresh = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
                    guard let pattern = sqlite3_value_text(patternValue),
                          regcomp(fresh, UnsafeRawPointer(pattern).assumingMemoryBound(to: CChar.self), PosixRegex.flags) == 0
                    else {
                        fresh.deallocate()
                        return sqlite3_result_error(context, "invalid regular expression", -1)
                    }
                    sqlite3_set_auxdata(context, 0, fresh) { pointer in
                        guard let pointer else { return }
                        let regex = pointer.assumingMemoryBound(to: regex_t.self)
                        regfree(regex)
                        regex.deallocate()
                    }
                    compiled = sqlite3_get_auxdata(context, 0)?.assumingMemoryBound(to: regex_t.self)
                    guard compiled != nil else { return sqlite3_result_error_nomem(context) }
                }
                let text = sqlite3_value_text(subjectValue)
                let length = sqlite3_value_bytes(subjectValue)
                // REG_STARTEND: match exactly `length` bytes, embedded NULs included.
                var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(length))
                let matched = text.map { regexec(compiled, UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self), 1, &range, REG_STARTEND) == 0 } ?? false
                sqlite3_result_int(context, matched ? 1 : 0)
            }, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }
}
