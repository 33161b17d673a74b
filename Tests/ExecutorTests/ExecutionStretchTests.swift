import Testing
@testable import Executor

/// The model-error table's note on how much longer executed calls ran than asked (`ExecutionStretch`).
struct ExecutionStretchTests {
    /// The model-error note's service-time stretch, by hand: three calls over 2 s of replay.
    @Test func theExecutionStretchIsMeasuredOverTheRequestedDurations() throws {
        let records = [
            InvocationRecord(index: 0, app: "a", function: "f", scheduledSeconds: 0, requestedDurationMs: 100, memoryMB: 128, executionMs: 110, outcome: .ok),
            InvocationRecord(index: 1, app: "a", function: "f", scheduledSeconds: 1, requestedDurationMs: 200, memoryMB: 128, executionMs: 202, outcome: .ok),
            InvocationRecord(index: 2, app: "a", function: "f", scheduledSeconds: 1.5, requestedDurationMs: 300, memoryMB: 128, executionMs: 330, outcome: .ok),
            // A failed call and one never handed over count for nothing.
            InvocationRecord(index: 3, app: "a", function: "f", scheduledSeconds: 1.6, requestedDurationMs: 300, memoryMB: 128, executionMs: 9_000, outcome: .timeout),
            InvocationRecord(index: 4, app: "a", function: "f", scheduledSeconds: 1.7, requestedDurationMs: 300, memoryMB: 128, outcome: .ok),
        ]
        let stretch = try #require(ExecutionStretch(records))
        #expect(stretch.p50Ms == 10 && abs(stretch.meanMs - 14) < 1e-9)
        // From 0 s to the last end (1.5 s + 0.33 s): 0.6 s asked, 0.642 s run.
        #expect(abs(stretch.requestedBusyCores - 0.6 / 1.83) < 1e-9 && abs(stretch.executedBusyCores - 0.642 / 1.83) < 1e-9)
        #expect(stretch.note(slots: 2, calibratedOverheadMs: 0.031).contains("p50 +10.0 ms, mean +14.0 ms"))
        #expect(ExecutionStretch(Array(records.prefix(1))) == nil)
    }
}
