import Foundation
import Pricing
import Testing
@testable import Placement
@testable import Simulation

/// A placement prices what lands on a cloud target per account: two owners each under Lambda's
/// free grant pay nothing where one account of both would pay.
struct AccountPlacementTests {
    @Test func eachAccountOnACloudTargetGetsItsOwnFreeGrant() throws {
        let lambda = try PlacementTests.catalog.profile("aws-lambda-x86")
        let shape = try UsageRecorder(profile: lambda, days: 30).shape(memoryMB: 1024)
        // Each function: 300,000 calls of 1 s at 1,024 MB in 30 days = 300,000 GB-s (the grant is 400,000).
        var u = UsageSummary(days: 30)
        u.invocations = 300_000
        u.executionMs[shape] = 300_000_000
        func model(_ accountOf: [Int]) throws -> PlacementModel {
            PlacementModel(targets: [PlacementModel.Target(id: lambda.id, isOnPrem: false, profile: lambda, pricing: PricingOptions())],
                           onPrem: nil, usage: [[u, u]], accountOf: accountOf, accounts: (accountOf.max() ?? 0) + 1,
                           allowed: [[0], [0]], unitOf: [0, 0], units: [], spanMinutes: 30 * 1440, days: 30,
                           inputs: try PlacementTests.inputs(PlacementTests.smallCluster), controlPlane: ControlPlaneFootprint(memoryMB: 0, cores: 0))
        }
        // One account: 600,000 GB-s, 200,000 over the grant at $0.0000166667 = $3.33334.
        let one = try Optimiser.rebuild(try model([0, 0]), [0, 0]).total
        #expect(abs(one - 3.33334) < 1e-9)
        #expect(try Optimiser.rebuild(try model([0, 1]), [0, 0]).total == 0)
        // Taking one owner's function off leaves the other's still free.
        var state = try Optimiser.rebuild(try model([0, 1]), [0, 0])
        try state.remove(1)
        #expect(state.total == 0)
    }
}
