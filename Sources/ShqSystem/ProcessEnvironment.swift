import Glibc

/// Environment look-ups without Foundation (keeps start-up cheap).
public enum ProcessEnvironment {
    /// The variable's value, or nil when unset. An empty value is returned as "".
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// The variable's value when set and non-empty.
    public static func nonEmpty(_ name: String) -> String? {
        guard let value = value(name), !value.isEmpty else { return nil }
        return value
    }

    /// The user's home directory: `$HOME`, else the password database.
    public static var home: String {
        if let home = nonEmpty("HOME") { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `$USER` (or `$LOGNAME`), else the password database: the environment first, because a passwd
    /// look-up loads NSS and costs a measurable part of a short-lived `shq save`.
    public static var userName: String {
        if let name = nonEmpty("USER") ?? nonEmpty("LOGNAME") { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return String(getuid())
    }

    /// The current directory as raw bytes (paths need not be UTF-8).
    public static var currentDirectory: [UInt8] {
        guard let cwd = getcwd(nil, 0) else { return Array((nonEmpty("PWD") ?? "").utf8) }
        defer { free(cwd) }
        return Array(UnsafeRawBufferPointer(start: cwd, count: strlen(cwd)))
    }

    /// The name of the terminal on stdin, if any (e.g. `/dev/pts/3`).
    public static var ttyName: String? {
        for fd in [Int32(0), 1, 2] where isatty(fd) == 1 {
            if let name = ttyname(fd) { return String(cString: name) }
        }
        return nil
    }
}
