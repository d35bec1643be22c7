import ShqQuery
import ShqStore

/// What `shq jobs` prints: one line (or JSON object) per job.
public enum JobsTable {
    /// One job to show. `verified` is false when its liveness could not be checked (another machine).
    public struct Row: Sendable {
        public var invocation: Invocation
        public var events: [LifecycleEvent]
        public var verified: Bool

        public init(invocation: Invocation, events: [LifecycleEvent], verified: Bool) {
            self.invocation = invocation
            self.events = events
            self.verified = verified
        }
    }

    /// `long` adds the command's and the wrapper's pids, and the host; commands are cut to `width` if given.
    /// Ids are cut after `idDigits`.
    public static func render(_ rows: [Row], long: Bool, width: Int? = nil, idDigits: Int = 32, now: Timestamp = .now()) -> String {
        var headers = ["ID", "STATUS", "ELAPSED", "STOPPED", "TTY", "SESSION"]
        if long { headers += ["PID", "WRAPPER", "HOST"] }
        var table = Table(headers: headers + ["COMMAND"])
        for row in rows {
            let i = row.invocation
            let timeline = JobTimeline(i, events: row.events)
            let stopped = timeline.stoppedMicros(now: now)
            var cells = [
                InvocationID.abbreviated(i.id, digits: idDigits),
                i.status.rawValue + (row.verified ? "" : "?"),
                DurationText.format(micros: timeline.wallMicros(now: now)),
                stopped > 0 || timeline.stoppedSince != nil ? DurationText.format(micros: stopped) : "-",
                i.tty.map(shortTTY) ?? "-",
                i.session.map { String($0.prefix(8)) } ?? "-",
            ]
            if long {
                cells += [i.pid.map(String.init) ?? "-", i.wrapperPID.map(String.init) ?? "-", i.host ?? "-"]
            }
            table.add(cells + [i.cmdText.singleLine])
        }
        return table.render(width: width)
    }

    /// The record's JSON (`Invocation.jsonObject`, same keys first) plus the job's own fields.
    public static func json(_ rows: [Row], now: Timestamp = .now()) -> String {
        let objects = rows.map { row in
            let i = row.invocation
            let timeline = JobTimeline(i, events: row.events)
            var object = i.jsonObject
            object.removeLast()
            object += ",\"elapsed_ms\":" + Invocation.millisecondsText(timeline.wallMicros(now: now))
            object += ",\"stopped_ms\":" + Invocation.millisecondsText(timeline.stoppedMicros(now: now))
            object += ",\"stopped_since\":" + JSONText.value(timeline.stoppedSince?.iso8601)
            object += ",\"tty\":\(JSONText.value(i.tty)),\"host\":\(JSONText.value(i.host)),\"user\":\(JSONText.value(i.user))"
            object += ",\"pid\":\(JSONText.value(i.pid)),\"wrapper_pid\":\(JSONText.value(i.wrapperPID))"
            object += ",\"verified\":\(row.verified)}"
            return object
        }
        return "[" + objects.joined(separator: ",\n") + "]\n"
    }

    static func shortTTY(_ tty: String) -> String {
        tty.hasPrefix("/dev/") ? String(tty.dropFirst(5)) : tty
    }
}
