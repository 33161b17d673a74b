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
}
