import Foundation
import Pricing
import Results
@testable import Simulation
import Testing
import Traces

/// Targets that replay alike (`ReplaySignature`: Lambda on x86 and on arm64, `coldStart.drawsAs`)
/// are replayed once in a run of both: each one's outcome is the one it has when replayed alone,
/// byte for byte, and the two differ only in what they price.
struct ReplayTwinTests {
    static func text(_ outcome: TargetOutcome) -> String {
        var text = ""
        outcome.jsonValue().write(into: &text)
        return text
    }

    /// Each target's outcome in a run of all of them, against a run of that target alone.
    static func expectEachAsAlone(_ workload: Workload, _ targets: [SimulationTarget], _ options: SimulationOptions,
                                  _ comment: String) throws {
        let together = try Simulator.run(workload, targets: targets, options: options)
        for (t, target) in targets.enumerated() {
            let alone = try Simulator.run(workload, targets: [target], options: options)
            #expect(text(together.targets[t]) == text(alone.targets[0]), "\(target.profile.id): \(comment)")
        }
    }

    static func prepared(_ targets: [SimulationTarget], _ workload: Workload) throws -> [PreparedTarget] {
        try targets.map { try PreparedTarget($0, workload: workload) }
    }

    @Test func lambdaOnX86AndArm64ReplayAlikeAndNoOtherCatalogTargetsDo() throws {
        let ids = SimulationTests.catalog.ids
        let targets = try ShardMergeTests.targets(ids)
        let twins = ReplayTwins(try Self.prepared(targets, Workload(apps: [], spanMinutes: 60)), options: SimulationOptions())
        let shared = ids.indices.filter { twins.first[$0] != $0 }.map { "\(ids[$0]) as \(ids[twins.first[$0]])" }
        #expect(shared == ["aws-lambda-arm64 as aws-lambda-x86"] || shared == ["aws-lambda-x86 as aws-lambda-arm64"])
    }

    @Test(arguments: [false, true])
    func twinsGiveWhatEachGivesAloneAndDifferOnlyInPrice(_ exact: Bool) throws {
        let targets = try ShardMergeTests.targets(["aws-lambda-x86", "gcf-gen1", "aws-lambda-arm64"])
        for seed in UInt64(1)...3 {
            let workload = ShardMergeTests.randomWorkload(seed: seed, apps: 12, minutes: 45)
            for workers in [1, 2] {
                let options = SimulationOptions(seed: seed, arrivals: seed == 2 ? .uniform : .exponential, workers: workers, fastPath: !exact)
                try Self.expectEachAsAlone(workload, targets, options, "seed \(seed), \(workers) workers, exact \(exact)")
                let run = try Simulator.run(workload, targets: targets, options: options)
                let x86 = run.targets[0], arm = run.targets[2]
                #expect(x86.total.invocations == arm.total.invocations && x86.total.coldStarts == arm.total.coldStarts)
                #expect(x86.total.instanceSeconds == arm.total.instanceSeconds && x86.total.billedGBSeconds == arm.total.billedGBSeconds)
                #expect(x86.total.latencyMs == arm.total.latencyMs && x86.usage == arm.usage)
                #expect(x86.functions.map(\.outcome.coldStarts) == arm.functions.map(\.outcome.coldStarts))
                #expect(arm.notes.contains { $0.hasPrefix("cold starts drawn from the same random numbers as aws-lambda-x86's") })
                #expect(!x86.notes.contains { $0.hasPrefix("cold starts drawn") })
                // Graviton's GB-s is priced about a fifth below x86's.
                let x86Compute = try #require(x86.bill).compute, armCompute = try #require(arm.bill).compute
                #expect(armCompute < x86Compute && armCompute > 0)
            }
        }
    }

    @Test func aTwinWithItsOwnFiguresIsReplayedOnItsOwnWithTheSameDraws() throws {
        let catalog = try SimulationTests.catalog
            .overriding("aws-lambda-arm64", with: YAMLTree.parse("keepAlive: {idle: 300s}"), origin: "test", read: "2026-12-05")
        let targets = [SimulationTarget(profile: try catalog.profile("aws-lambda-x86")),
                       SimulationTarget(profile: try catalog.profile("aws-lambda-arm64"))]
        let workload = ShardMergeTests.randomWorkload(seed: 4, apps: 10, minutes: 45)
        let twins = ReplayTwins(try Self.prepared(targets, workload), options: SimulationOptions())
        #expect(twins.first == [0, 1])
        try Self.expectEachAsAlone(workload, targets, SimulationOptions(seed: 4, workers: 2), "idle 300 s on arm64")
        let run = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 4))
        #expect(run.targets[1].total.coldStarts > run.targets[0].total.coldStarts)
    }

    @Test func aTargetWhoseFunctionsCarryTheirSeriesIsNotATwin() throws {
        let targets = try ShardMergeTests.targets(["aws-lambda-x86", "aws-lambda-arm64"])
        var options = SimulationOptions(seed: 5, workers: 2)
        options.functionSeries = ["aws-lambda-arm64"]
        let workload = ShardMergeTests.randomWorkload(seed: 5, apps: 8, minutes: 30)
        #expect(ReplayTwins(try Self.prepared(targets, workload), options: options).first == [0, 1])
        try Self.expectEachAsAlone(workload, targets, options, "arm64's series kept")
    }

    /// Under an account quota that binds, the twin takes the coupled replay of the first too.
    @Test(arguments: [3, 40])
    func twinsUnderAQuotaThatBindsAreReplayedCoupledOnce(_ quota: Int) throws {
        var catalog = SimulationTests.catalog
        for id in ["aws-lambda-x86", "aws-lambda-arm64"] {
            catalog = try catalog.overriding(id, with: YAMLTree.parse("limits: {concurrency: \(quota)}"), origin: "test", read: "2026-12-05")
        }
        let targets = try ["aws-lambda-x86", "cloud-run", "aws-lambda-arm64"].map { SimulationTarget(profile: try catalog.profile($0)) }
        var workload = ShardMergeTests.randomWorkload(seed: 8, apps: 12, minutes: 40)
        for a in workload.apps.indices { workload.apps[a].owner = "owner\(a % 3)" }
        workload.accounts = .perOwner
        let options = SimulationOptions(seed: 8, workers: 2)
        #expect(ReplayTwins(try Self.prepared(targets, workload), options: options).first == [0, 1, 0])
        try Self.expectEachAsAlone(workload, targets, options, "quota \(quota)")
        let run = try Simulator.run(workload, targets: targets, options: options)
        let x86 = run.targets[0], arm = run.targets[2]
        #expect(x86.notes.contains { $0.contains("replayed in one time order") }, "\(x86.notes)")
        #expect(x86.total.throttled == arm.total.throttled && (quota > 3 || x86.total.throttled > 0))
        // At 3 every account binds; at 40 two of three do, and the third keeps its independent replay.
        #expect(x86.notes.contains { $0.contains(quota == 3 ? "every account's own upper bound" : "the other 1 accounts' bound stayed within it") }, "\(x86.notes)")
        #expect(x86.total.coldStarts == arm.total.coldStarts && x86.total.billedGBSeconds == arm.total.billedGBSeconds)
    }

    /// A unit a twin cannot price names its target in the note: such a twin is replayed itself,
    /// replayed independently or, under a quota that binds, coupled.
    @Test(arguments: [false, true])
    func aTwinWithUnitsItCannotPriceNamesItselfInItsNote(_ quota: Bool) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = try String(contentsOf: root.appendingPathComponent("Sources/Pricing/Profiles/gcf-gen1.yaml"), encoding: .utf8)
        // 16 GB allowed, but no vCPU row past 8 GB: a 12 GB function cannot be priced.
        text = text.replacingOccurrences(of: "max: {value: 8192, unit: MB, source: gcf-memory}", with: "max: {value: 16384, unit: MB, source: gcf-memory}")
        if quota { text = text.replacingOccurrences(of: "\nlimits:\n", with: "\nlimits:\n  concurrency: {value: 2, unit: executions, source: gcf-memory}\n") }
        let copy = text.replacingOccurrences(of: "\nid: gcf-gen1\n", with: "\nid: gcf-copy\n")
            .replacingOccurrences(of: "p99: {value: 4000, unit: ms, source: gcf-assumed}\n", with: "p99: {value: 4000, unit: ms, source: gcf-assumed}\n  drawsAs: gcf-gen1\n")
        let targets = try [text, copy].map { SimulationTarget(profile: try Catalog.parse($0, file: "test.yaml").get()) }
        #expect(targets.map(\.profile.id) == ["gcf-gen1", "gcf-copy"])
        var workload = ShardMergeTests.randomWorkload(seed: 6, apps: 6, minutes: 30)
        workload.apps[1].functions[0].memoryMB = 12_000
        #expect(ReplayTwins(try Self.prepared(targets, workload), options: SimulationOptions()).first == [0, 0])
        let run = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 6, workers: 2))
        #expect(run.targets[0].notes.contains { $0.contains("replayed in one time order") } == quota, "\(run.targets[0].notes)")
        let notes = run.targets[1].notes.filter { $0.contains("could not be priced") }
        #expect(notes.count == 1 && notes[0].contains("gcf-copy accepts") && !notes[0].contains("gcf-gen1"), "\(notes)")
        try Self.expectEachAsAlone(workload, targets, SimulationOptions(seed: 6, workers: 2), "a unit that cannot be priced")
    }

    @Test func aShardedRunOfTwinsMergesToTheWholeRunsBytes() throws {
        let targets = try ShardMergeTests.targets(["aws-lambda-arm64", "cloud-run", "aws-lambda-x86"])
        let workload = ShardMergeTests.randomWorkload(seed: 7, apps: 12, minutes: 40)
        let options = SimulationOptions(seed: 7, workers: 2)
        let whole = try Simulator.run(workload, targets: targets, options: options).json()
        #expect(try ShardMergeTests.sharded(workload, targets, options, n: 3).json() == whole)
    }
}
