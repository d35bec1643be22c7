import ShqRender
import ShqStore
import Testing

@Suite struct JobTimelineTests {
    func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: seconds * 1_000_000) }

    @Test func stoppedTimeIsBetweenStopAndResume() {
        let timeline = JobTimeline(startedAt: at(100), endedAt: at(160), events: [
            LifecycleEvent(.started, at: at(100)),
            LifecycleEvent(.stopped, at: at(110), signal: 20),
            LifecycleEvent(.resumed, at: at(130)),
            LifecycleEvent(.stopped, at: at(140), signal: 19),
            LifecycleEvent(.forwarded, at: at(145), signal: 15),
            LifecycleEvent(.resumed, at: at(150)),
            LifecycleEvent(.exited, at: at(160), exitCode: 0),
        ])
        #expect(timeline.wallMicros() == 60_000_000)
        #expect(timeline.stoppedMicros() == 30_000_000)
        #expect(timeline.activeMicros() == 30_000_000)
        #expect(timeline.stops().map(\.signal) == [20, 19])
        #expect(timeline.stoppedSince == nil)
    }

    @Test func aJobStoppedNowCountsUpToNow() {
        let timeline = JobTimeline(startedAt: at(100), endedAt: nil, events: [
            LifecycleEvent(.stopped, at: at(105), signal: 20),
        ])
        #expect(timeline.stoppedMicros(now: at(125)) == 20_000_000)
        #expect(timeline.wallMicros(now: at(125)) == 25_000_000)
        #expect(timeline.stoppedSince == at(105))
    }

    @Test func anOrphanedJobStopsCountingAtTheOrphanedEvent() {
        let timeline = JobTimeline(startedAt: at(100), endedAt: nil, events: [
            LifecycleEvent(.stopped, at: at(110), signal: 20),
            LifecycleEvent(.orphaned, at: at(115)),
        ])
        #expect(timeline.wallMicros(now: at(999)) == 15_000_000)
        #expect(timeline.stoppedMicros(now: at(999)) == 5_000_000)
    }
}
