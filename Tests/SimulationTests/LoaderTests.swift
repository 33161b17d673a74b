import Foundation
import Pricing
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
        let workload = try WorkloadLoader.build(trace)
        guard case .exact(let starts, let durations) = workload.apps[0].functions[0].calls else {
            Issue.record("expected exact calls"); return
        }
        #expect(workload.originSeconds == 1_699_999_980)
        #expect(starts == [50, 120] && durations == [50, 70])
        #expect(workload.apps[0].functions[0].memoryMB == 512)
        #expect(workload.notes.contains { $0.contains("3 invocation rows carry no start time") })
    }

    /// An app's memory split over many functions falls below what any runtime holds: each
    /// function's instance is raised to the floor, and says so, while a per-app instance holds the
    /// app's recorded memory, not a floor per function.
    @Test func inferredMemoryIsFlooredPerFunctionNotPerApp() throws {
        let functions = (0..<10).map { k in
            ReplayTrace.Function(key: FunctionKey(app: "app", function: "f\(k)"), minutes: [0, 1], counts: [30, 30])
        }
        var trace = ReplayTrace(functions: functions)
        trace.appMemoryMB["app"] = 300
        let declared = ReplayTrace.Function(key: FunctionKey(app: "other", function: "g"), minutes: [0], counts: [5])
        trace.functions.append(declared)
        trace.appMemoryMB["other"] = 2048
        let workload = try WorkloadLoader.build(trace, configuredMemory: { $0.app == "other" ? 512 : nil }, inferredFloorMB: 128)
        let app = try #require(workload.apps.first { $0.key == "app" })
        #expect(app.functions.allSatisfy { $0.memoryMB == 128 && $0.memoryOrigin == .appShare(appMB: 300, functions: 10, floorMB: 128) })
        #expect(abs(app.functions.reduce(0) { $0 + $1.appShareMB } - 300) < 1e-9)
        #expect(workload.apps.first { $0.key == "other" }?.functions.first?.memoryOrigin == .declared)
        #expect(workload.notes.contains { $0.contains("10 functions' share of their app's memory fell below 128 MB") })
        // Without a floor, the share stands and nothing is said.
        let unfloored = try WorkloadLoader.build(trace, inferredFloorMB: nil)
        #expect(unfloored.apps.first { $0.key == "app" }?.functions.allSatisfy { $0.memoryMB == 30 } == true)

        // Azure Consumption runs an app's functions on one instance: it holds the app's 300 MB, which
        // it bills rounded up to 384 MB, not ten functions at the 128 MB floor.
        let profile = try Catalog.bundled().profile("azure-consumption")
        let result = try Simulator.run(workload, targets: [SimulationTarget(profile: profile)], options: SimulationOptions())
        let onApp = try #require(result.targets[0].functions.first { $0.app == "app" })
        #expect(onApp.memoryMB == 384, "\(onApp.memoryMB)")
        // The result says where each function's memory came from.
        var json = ""
        workload.memoryJSON().write(into: &json)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(parsed["functions"] as? [[String: Any]])
        #expect(rows.count == 11)
        #expect(rows.filter { $0["origin"] as? String == "app-share" && $0["floorMB"] as? Double == 128 && $0["appMB"] as? Double == 300 }.count == 10)
        #expect(rows.filter { $0["origin"] as? String == "declared" && $0["memoryMB"] as? Double == 512 }.count == 1)
    }
}
