import Foundation
import Store
import Testing
import Traces
@testable import Simulation
@testable import TraceLoading

/// The store-to-workload loader on the committed Azure 2019 sample.
struct LoaderTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/azure2019").path

    static func store() throws -> TraceStore {
        let store = try TraceStore()
        for name in try FileManager.default.contentsOfDirectory(atPath: sample).sorted() where name.hasSuffix(".csv") {
            _ = try store.ingest(path: sample + "/" + name)
        }
        return store
    }

    @Test func sampleLoadsWithEveryInvocationAndSplitMemory() throws {
        let store = try Self.store()
        let workload = try WorkloadLoader.load(store)
        let summary = try store.summary()
        let functions = workload.apps.flatMap(\.functions)
        #expect(functions.reduce(0) { $0 + $1.calls.count } == Int(summary.invocations))
        #expect(workload.spanMinutes == 2880)
        let trace = try store.replayTrace()
        for app in workload.apps {
            guard let mb = trace.appMemoryMB[app.key] else { continue }
            let declared = trace.functions.filter { $0.key.app == app.key }.count
            for f in app.functions { #expect(abs(f.memoryMB - mb / Double(declared)) < 1e-9) }
        }
        // The deployment's memory wins.
        let configured = try WorkloadLoader.load(store) { _ in 1024 }
        #expect(configured.apps.flatMap(\.functions).allSatisfy { $0.memoryMB == 1024 })
    }

    @Test func perInvocationRowsReplayExactly() throws {
        let trace = ReplayTrace(functions: [
            ReplayTrace.Function(key: FunctionKey(app: "f", function: "f"), starts: [1_700_000_030, 1_700_000_100], durationsMs: [50, 70],
                                 configuredMemoryMB: 512),
        ], invocationsWithoutTime: 3, clock: .epoch)
        let workload = WorkloadLoader.build(trace)
        guard case .exact(let starts, let durations) = workload.apps[0].functions[0].calls else {
            Issue.record("expected exact calls"); return
        }
        #expect(workload.originSeconds == 1_699_999_980)
        #expect(starts == [50, 120] && durations == [50, 70])
        #expect(workload.apps[0].functions[0].memoryMB == 512)
        #expect(workload.notes.contains { $0.contains("3 invocation rows carry no start time") })
    }
}
