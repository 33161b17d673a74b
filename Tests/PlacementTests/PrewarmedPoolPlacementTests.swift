import Foundation
import Pricing
import Testing
import Traces
@testable import Placement
@testable import Simulation

/// A pre-warmed pool's memory reaches the on-prem cluster sizing once, whatever is placed there.
struct PrewarmedPoolPlacementTests {
    @Test func poolMemoryIsSizedOnceWithTheControlPlane() throws {
        let catalog = try Catalog.bundled()
        func f(_ name: String) -> FunctionWorkload {
            FunctionWorkload(key: FunctionKey(app: name, function: "f"), trigger: .http, memoryMB: 256,
                             calls: .exact(startSeconds: (0..<100).map { Double($0) * 30 }, durationMs: [Double](repeating: 200, count: 100)))
        }
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f("a")]), AppWorkload(key: "b", functions: [f("b")])], spanMinutes: 60)
        let targets = [SimulationTarget(profile: try catalog.profile("fission")), SimulationTarget(profile: try catalog.profile("aws-lambda-x86"))]
        let result = try Simulator.run(workload, targets: targets, options: PlacementRequest.simulationOptions(SimulationOptions(), onPrem: "fission"))
        let fission = result.targets[0]
        #expect(fission.prewarmedMemoryMB == 3 * 128)
        // In the target's series, in no function's.
        #expect(fission.memoryMBPerMinute.allSatisfy { $0 >= 384 })
        #expect(fission.functions.allSatisfy { ($0.series?.memoryMB.max() ?? 0) < 384 })
        let plan = try Placement.plan(PlacementRequest(result: result, targets: targets, onPrem: "fission", inputs: try OnPremInputs.defaults()))
        let own = ControlPlaneFootprint(profile: try catalog.profile("fission"))
        #expect(plan.onPrem?.controlPlane.memoryMB == own.memoryMB + 384)
        #expect(plan.notes.contains { $0.contains("pre-warmed pool (384 MB)") })
        let demand = try BreakEven.demand(fission, inputs: try OnPremInputs.defaults())
        #expect(demand.peakMemoryMB < 384 + 2 * 256, "the per-function series do not carry the pool")
    }
}
