import ShqStore

/// Wall time versus active time of one invocation, from its lifecycle events: time between a `stopped`
/// event and the next `resumed` (or the end, or now) is time stopped.
public struct JobTimeline: Sendable {
    public var startedAt: Timestamp
    public var endedAt: Timestamp?
    public var events: [LifecycleEvent]

    public init(startedAt: Timestamp, endedAt: Timestamp?, events: [LifecycleEvent]) {
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.events = events
    }

    public init(_ invocation: Invocation, events: [LifecycleEvent]) {
        self.init(startedAt: invocation.startedAt, endedAt: invocation.endedAt, events: events)
    }

    /// Where time stops counting: the recorded end, else the last final event (orphaned, exited…), else now.
    public func end(now: Timestamp) -> Timestamp {
        if let endedAt { return endedAt }
        if let final = events.last(where: { [.exited, .signaled, .orphaned].contains($0.kind) }) { return final.at }
        return now
    }

    public func wallMicros(now: Timestamp = .now()) -> Int64 {
        max(0, end(now: now).microseconds - startedAt.microseconds)
    }

    /// Each stop: when it began, how long it lasted, and the signal that stopped it.
    public func stops(now: Timestamp = .now()) -> [(at: Timestamp, micros: Int64, signal: Int32?)] {
        let limit = end(now: now)
        var result: [(at: Timestamp, micros: Int64, signal: Int32?)] = []
        var open: LifecycleEvent?
        for event in events {
            switch event.kind {
            case .stopped where open == nil:
                open = event
            case .resumed, .exited, .signaled, .orphaned:
                if let stop = open {
                    result.append((stop.at, max(0, event.at.microseconds - stop.at.microseconds), stop.signal))
                    open = nil
                }
            default: break
            }
        }
        if let stop = open { result.append((stop.at, max(0, limit.microseconds - stop.at.microseconds), stop.signal)) }
        return result
    }

    public func stoppedMicros(now: Timestamp = .now()) -> Int64 {
        stops(now: now).reduce(0) { $0 + $1.micros }
    }

    /// Wall time minus time stopped.
    public func activeMicros(now: Timestamp = .now()) -> Int64 {
        max(0, wallMicros(now: now) - stoppedMicros(now: now))
    }

    /// When the current stop began, if the last stop has not been followed by a resume.
    public var stoppedSince: Timestamp? {
        guard let last = events.last(where: { $0.kind == .stopped || $0.kind == .resumed }), last.kind == .stopped else {
            return nil
        }
        return last.at
    }
}
