import Foundation
import Store
import Testing
import Traces
@testable import Simulation
@testable import TraceLoading

/// CPU time per call (`cpu_ms`) from Placer's CSV, through the store, into the workload.
struct CPUTimeLoaderTests {
    @Test func cpuTimeIsCarriedFromTheCSVThroughTheStore() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cpu-\(UUID().uuidString).csv")
        try "timestamp,function,duration_ms,app,memory_mb,cpu_ms\n0,f,100,a,256,10\n1,f,300,a,256,30\n2,g,50,a,256,\n"
            .write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try TraceStore()
        _ = try store.ingest(path: url.path)
        let workload = try WorkloadLoader.load(store)
        let byName = Dictionary(uniqueKeysWithValues: workload.apps.flatMap(\.functions).map { ($0.key.function, $0) })
        #expect(byName["f"]?.cpuCoresPerCall == 0.1)
        #expect(byName["g"]?.cpuCoresPerCall == nil)
        #expect(workload.notes.contains { $0.contains("1 functions carry CPU time (cpu_ms)") })
    }

    /// Only rows that measured CPU count: their CPU over their own execution time.
    @Test func cpuShareIsOverTheRowsThatMeasuredIt() throws {
        var f = ReplayTrace.Function(key: FunctionKey(app: "a", function: "f"), starts: [0, 1, 2], durationsMs: [100, 300, 1000])
        f.cpuMs = 40
        f.cpuRowsDurationMs = 400
        let workload = try WorkloadLoader.build(ReplayTrace(functions: [f]))
        #expect(workload.apps[0].functions[0].cpuCoresPerCall == 0.1)
    }

    /// Huawei's private set in its real layout: per minute, CPU usage (% of the CPU allocated,
    /// averaged over the pods) × CPU allocated (cores) × 60 s is the CPU its calls used.
    @Test func huaweiCPUUsageBecomesCPUPerCall() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huawei-cpu-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "requests_minute/day_000.csv": "day,time,0,1,2,3\n0,0,1,NaN,3,4\n0,60,2,0,NaN,NaN\n0,3600,5,NaN,NaN,NaN\n",
            // Function 0's minute 60 has no usage: its 5 calls are left out of both sums.
            "cpu_usage_minute/day_000.csv": "day,time,0,1,2,3\n0,0,1,NaN,2,10\n0,60,0.5,5,NaN,NaN\n0,3600,NaN,NaN,NaN,NaN\n",
            // Function 3 has usage but no allocation: no CPU figure.
            "cpu_limit_minute/day_000.csv": "day,time,0,1,2\n0,0,0.3,NaN,0.6\n0,60,0.6,0.3,NaN\n0,3600,0.3,NaN,NaN\n",
        ]
        let store = try TraceStore()
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            _ = try store.ingest(path: url.path)
        }
        let trace = try store.replayTrace()
        let byName = Dictionary(uniqueKeysWithValues: trace.functions.map { ($0.key.function, $0) })
        // Function 0: 1 % of 0.3 cores for 60 s (180 ms) over 1 call, 0.5 % of 0.6 cores (180 ms) over 2.
        #expect(abs((byName["0"]?.binnedCPUMs ?? 0) - 360) < 1e-9 && byName["0"]?.binnedCPUCalls == 3)
        #expect(byName["1"]?.binnedCPUCalls == 0, "no calls in the minute it used CPU")
        #expect(byName["3"]?.binnedCPUCalls == 0, "usage without an allocation says nothing in ms")
        let workload = try WorkloadLoader.load(store)
        let cores = Dictionary(uniqueKeysWithValues: workload.apps.flatMap(\.functions).compactMap { f in f.cpuCoresPerCall.map { (f.key.function, $0) } })
        // No durations in the trace: each call is replayed for 1 s, so 120 ms a call is 0.12 of a core.
        #expect(abs((cores["0"] ?? 0) - 0.12) < 1e-9)
        #expect(abs((cores["2"] ?? 0) - 0.24) < 1e-9)  // 2 % of 0.6 cores for 60 s over 3 calls
        #expect(cores["3"] == nil && cores["1"] == nil)
        #expect(workload.notes.contains { $0.contains("2 functions carry CPU usage per minute") })
    }

    /// CPU per call over the mean duration the replay gives the calls: the busy cores it adds up
    /// carry the CPU time the trace measured, whatever the durations.
    @Test func binnedCPUIsOverTheReplaysMeanDuration() throws {
        var f = ReplayTrace.Function(key: FunctionKey(app: "a", function: "f"), minutes: [0, 1], counts: [10, 30],
                                     durations: [DurationPercentiles(day: 1, averageMs: 200, count: 40, minimumMs: nil, maximumMs: nil,
                                                                     percentilesMs: [100, 100, 150, 200, 250, 300, 300])])
        f.binnedCPUMs = 400
        f.binnedCPUCalls = 40
        let workload = try WorkloadLoader.build(ReplayTrace(functions: [f]))
        // 10 ms of CPU a call over 200 ms of execution.
        #expect(abs((workload.apps[0].functions[0].cpuCoresPerCall ?? 0) - 0.05) < 1e-12)
    }
}
