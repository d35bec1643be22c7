import ShqQuery
import ShqStore
import ShqSystem

/// Everything `shq info` shows about one invocation.
public struct InvocationDetails {
    public var invocation: Invocation
    public var events: [LifecycleEvent]
    public var outputs: [StoredOutput]
    /// "Now" for a job still running: elapsed and stopped times count up to it.
    public var now: Timestamp

    public init(invocation: Invocation, events: [LifecycleEvent], outputs: [StoredOutput], now: Timestamp = .now()) {
        self.invocation = invocation
        self.events = events
        self.outputs = outputs
        self.now = now
    }

    public var text: String {
        let i = invocation
        var lines: [(String, String)] = [
            ("id", i.id),
            ("command", i.cmdText.singleLine),
            ("status", statusText),
            ("cwd", i.cwdText ?? "-"),
            ("started", i.startedAt.localDisplay),
        ]
        if let ended = i.endedAt { lines.append(("ended", ended.localDisplay)) }
        if let duration = i.durationMicros { lines.append(("duration", DurationText.format(micros: duration))) }
        let timeline = JobTimeline(i, events: events)
        let stopped = timeline.stoppedMicros(now: now)
        if stopped > 0 || timeline.stoppedSince != nil {
            lines.append(("active", DurationText.format(micros: timeline.activeMicros(now: now))))
            lines.append(("stopped", DurationText.format(micros: stopped) + (timeline.stoppedSince != nil ? " (stopped now)" : "")))
        } else if i.status.isLive {
            lines.append(("elapsed", DurationText.format(micros: timeline.wallMicros(now: now))))
        }
        if let pipestatus = i.pipestatus { lines.append(("pipestatus", pipestatus)) }
        lines.append(("source", i.source.rawValue))
        if let session = i.session { lines.append(("session", session)) }
        let origin = [i.user, i.host].compactMap { $0 }.joined(separator: "@")
        if !origin.isEmpty { lines.append(("host", origin)) }
        if let shell = i.shell { lines.append(("shell", shell)) }
        if let tty = i.tty { lines.append(("tty", tty)) }
        if let pid = i.pid { lines.append(("pid", String(pid))) }
        if let wrapper = i.wrapperPID { lines.append(("wrapper", "pid \(wrapper) (shq run)")) }
        if let tag = i.tag { lines.append(("tag", tag)) }
        for output in outputs {
            lines.append((output.stream.rawValue, "\(output.bytes) bytes" + (output.truncated ? " (truncated: head and tail kept)" : "")))
        }
        var text = lines.map { $0.0 + String(repeating: " ", count: 11 - $0.0.count) + $0.1 }.joined(separator: "\n") + "\n"
        if !events.isEmpty {
            text += "timeline\n"
            // Offsets differ in width (+80ms, +1m 5s): padded to the widest, so the events line up.
            let offsets = events.map { "+" + DurationText.format(micros: max(0, $0.at.microseconds - i.startedAt.microseconds)) }
            let offsetWidth = offsets.map(\.count).max() ?? 0
            var stoppedAt: Timestamp?
            for (event, offset) in zip(events, offsets) {
                var line = "  " + event.at.localDisplay + "  " + offset + String(repeating: " ", count: offsetWidth - offset.count)
                line += "  " + Self.describe(event)
                if event.kind == .stopped, stoppedAt == nil { stoppedAt = event.at }
                if let since = stoppedAt, ![.stopped, .forwarded, .late].contains(event.kind) {
                    line += " (after \(DurationText.format(micros: event.at.microseconds - since.microseconds)) stopped)"
                    stoppedAt = nil
                }
                text += line + "\n"
            }
        }
        return text
    }

    var statusText: String { Self.statusText(of: invocation) }

    /// `failed (exit 1)`, `failed (killed by SIGTERM)`, `running`, …
    public static func statusText(of i: Invocation) -> String {
        if let signal = i.signal { return "\(i.status.rawValue) (killed by \(SignalName.name(of: signal)))" }
        if let code = i.exitCode { return "\(i.status.rawValue) (exit \(code))" }
        return i.status.rawValue
    }

    static func describe(_ event: LifecycleEvent) -> String {
        var text = event.kind.rawValue
        if event.kind == .late { text += ": recorded now, the store was locked when the command started" }
        if let signal = event.signal { text += " " + SignalName.name(of: signal) }
        if let code = event.exitCode { text += " " + String(code) }
        return text
    }

    public var json: String {
        var object = invocation.jsonObject
        object.removeLast()
        let eventList = events.map { event in
            "{\"kind\":\(JSONText.quote(event.kind.rawValue)),\"at\":\(JSONText.quote(event.at.iso8601)),"
                + "\"signal\":\(JSONText.value(event.signal)),\"exit_code\":\(JSONText.value(event.exitCode))}"
        }
        object += ",\"host\":\(JSONText.value(invocation.host)),\"user\":\(JSONText.value(invocation.user))"
        object += ",\"pid\":\(JSONText.value(invocation.pid)),\"tag\":\(JSONText.value(invocation.tag))"
        object += ",\"pipestatus\":\(JSONText.value(invocation.pipestatus))"
        object += ",\"truncated\":\(outputs.contains { $0.truncated })"
        object += ",\"wrapper_pid\":\(JSONText.value(invocation.wrapperPID))"
        let timeline = JobTimeline(invocation, events: events)
        object += ",\"active_ms\":" + Invocation.millisecondsText(timeline.activeMicros(now: now))
        object += ",\"stopped_ms\":" + Invocation.millisecondsText(timeline.stoppedMicros(now: now))
        object += ",\"events\":[" + eventList.joined(separator: ",") + "]}"
        return object
    }
}
