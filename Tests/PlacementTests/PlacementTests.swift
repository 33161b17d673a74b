import Advice
import Deployment
import Foundation
import Pricing
import Testing
import Traces
@testable import Placement
@testable import Simulation

/// TCO by hand, peak of the sum, placement against brute force, constraints, monotonicity and
/// bad `onprem:` input.
struct PlacementTests {
    static let catalog = try! Catalog.bundled()

    /// A small cluster's inputs, every figure set by the deployment.
    static let smallCluster = """
        onprem:
          regions: [de]
          server: {cores: 16, memoryGB: 64, priceUSD: 12000, wattsIdle: 100, wattsLoaded: 300}
          amortisationYears: 5
          pue: 1.5
          electricityUSDPerKWh: 0.10
          colocationUSDPerKWMonth: 100
          operations: {platformFTE: 0.25, serversPerAdmin: 10, adminUSDPerYear: 120000}
          licences: {usdPerMonth: 50, usdPerServerMonth: 10}
          headroom: 25%
          redundancy: 1
          coresPerCall: 1
          owned: {servers: 0, cost: sunk}
          sizing: {p99Tolerance: 0.10}
        """

    static func inputs(_ yaml: String) throws -> OnPremInputs {
        try OnPremInputs.read(try Deployment.parse(yaml, file: "placer.yaml"))
    }

    @Test func handComputedTCOForASmallCluster() throws {
        let inputs = try Self.inputs(Self.smallCluster)
        #expect(inputs.assumedInUse.isEmpty)
        let demand = ClusterDemand(peakMemoryMB: 102_400, peakCores: 20, meanCores: 8)
        let e = ClusterSizing.estimate(demand, controlPlane: ControlPlaneFootprint(memoryMB: 1024, cores: 2), inputs: inputs)
        // Memory binds: (102,400 + 1,024) × 1.25 / 65,536 = 1.97 → 2 servers (cores: 27.5 / 16 = 1.72), + 1 spare.
        #expect(e.servers == 3)
        #expect(abs(e.utilisation - 10.0 / 48) < 1e-12)
        #expect(abs(e.cost.hardware - 600) < 1e-9)                      // 3 × 12,000 / 60 months
        #expect(abs(e.cost.power - 45.9) < 1e-9)                        // 3 × (100 + 200 × 10/48) W × 720 h × 1.5 × $0.10
        #expect(abs(e.cost.space - 90) < 1e-9)                          // 3 × 0.3 kW × $100
        #expect(abs(e.cost.people - 5500) < 1e-9)                       // (0.25 + 3 / 10) × 120,000 / 12
        #expect(abs(e.cost.licences - 80) < 1e-9)                       // 50 + 3 × 10
        #expect(abs(e.cost.total - 6315.9) < 1e-9)

        var owned = inputs
        owned.ownedServers = 2
        #expect(abs(ClusterSizing.estimate(demand, controlPlane: ControlPlaneFootprint(memoryMB: 1024, cores: 2), inputs: owned).cost.hardware - 200) < 1e-9)
        owned.ownedSunk = false
        #expect(abs(ClusterSizing.estimate(demand, controlPlane: ControlPlaneFootprint(memoryMB: 1024, cores: 2), inputs: owned).cost.hardware - 600) < 1e-9)
        // Nothing on-prem buys nothing.
        #expect(ClusterSizing.estimate(ClusterDemand(), controlPlane: ControlPlaneFootprint(memoryMB: 1024, cores: 2), inputs: inputs).cost.total == 0)
    }

    @Test func exampleDeploymentReads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/onprem.yaml").path
        let inputs = try OnPremInputs.read(try Deployment.load(path: path))
        #expect(inputs.ownedServers == 2 && inputs.ownedSunk && inputs.coresPerCall == 0.25 && inputs.headroom == 0.25)
        #expect(inputs.site == "de" && inputs.platformFTE == 0.5)
        #expect(inputs.assumedInUse.isEmpty)
    }

    @Test func defaultsCarrySourcesAndMarkAssumptions() throws {
        let d = try OnPremInputs.defaults()
        #expect(d.pue == 1.54)
        #expect(d.colocationUSDPerKWMonth == 184.06)
        #expect(d.assumed.contains("server.priceUSD"))
        #expect(!d.assumed.contains("pue"))
        for key in OnPremInputs.keys where key != "coresPerCall" || d.coresPerCall == nil { #expect(d.origins[key] != nil, "no origin for \(key)") }
        // The deployment's value replaces the default and is no longer assumed.
        let set = try Self.inputs("onprem:\n  server:\n    priceUSD: 9000\n")
        #expect(set.serverPriceUSD == 9000)
        #expect(!set.assumed.contains("server.priceUSD"))
        #expect(set.origins["server.priceUSD"] == "placer.yaml:3")
    }

    /// Two functions busy at different times: the cluster holds the larger of the two, not both.
    @Test func peakOfSumNotSumOfPeaks() throws {
        func f(_ name: String, from start: Double) -> FunctionWorkload {
            FunctionWorkload(key: FunctionKey(app: name, function: name), memoryMB: 1024,
                             calls: .exact(startSeconds: (0..<10).map { start + Double($0) }, durationMs: [Double](repeating: 600_000, count: 10)))
        }
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f("a", from: 0)]), AppWorkload(key: "b", functions: [f("b", from: 1800)])],
                                spanMinutes: 60)
        let model = TargetModel(id: "openfaas", keepAlive: .forkPerRequest, coldStart: .fixed(ms: 0))
        let target = SimulationTarget(profile: try Self.catalog.profile("openfaas"), model: model)
        let cloud = SimulationTarget(profile: try Self.catalog.profile("aws-lambda-x86"))
        var options = SimulationOptions()
        options.functionSeries = ["openfaas"]
        let result = try Simulator.run(workload, targets: [target, cloud], options: options)
        let onPrem = result.targets[0]
        #expect(result.targets[1].functions.allSatisfy { $0.series == nil }, "series only where asked for")
        let peaks = onPrem.functions.map { ($0.series!.memoryMB.max()!, $0.series!.busyCalls.max()!) }
        #expect(abs(peaks[0].0 - 10_240) < 1 && abs(peaks[1].0 - 10_240) < 1)
        #expect(abs(peaks[0].1 - 10) < 1e-6 && abs(peaks[1].1 - 10) < 1e-6)
        var oneCore = try OnPremInputs.defaults()
        oneCore.coresPerCall = 1
        let demand = try BreakEven.demand(onPrem, inputs: oneCore)
        #expect(abs(demand.peakMemoryMB - 10_240) < 1, "peak of the sum, not \(peaks[0].0 + peaks[1].0)")
        #expect(abs(demand.peakCores - 10) < 1e-6)
        // 16-core servers, no headroom, no spare: one server, where the sum of peaks would buy two.
        var inputs = try Self.inputs(Self.smallCluster)
        inputs.headroom = 0
        inputs.redundancy = 0
        #expect(ClusterSizing.estimate(demand, controlPlane: ControlPlaneFootprint(), inputs: inputs).servers == 1)
        let sumOfPeaks = ClusterDemand(peakMemoryMB: peaks[0].0 + peaks[1].0, peakCores: peaks[0].1 + peaks[1].1, meanCores: 0)
        #expect(ClusterSizing.estimate(sumOfPeaks, controlPlane: ControlPlaneFootprint(), inputs: inputs).servers == 2)
    }

    /// Functions whose accounts stay inside the free grants cost nothing on either cloud: the
    /// searches then take the target cheaper before the grants, not the first one listed.
    @Test func freeFunctionsGoWhereTheyWouldCostLessWithoutGrants() throws {
        let clouds = [try Self.catalog.profile("aws-lambda-x86"), try Self.catalog.profile("gcf-gen1")]
        let n = 3
        let inputs = try Self.inputs(Self.smallCluster)
        var usage: [[UsageSummary]] = []
        for profile in clouds {
            let shape = try UsageRecorder(profile: profile, days: 30).shape(memoryMB: 256)
            usage.append((0..<n).map { _ in
                var u = UsageSummary(days: 30)
                u.invocations = 1_000
                u.executionMs[shape] = 100_000
                return u
            })
        }
        let targets = clouds.map { PlacementModel.Target(id: $0.id, isOnPrem: false, profile: $0, pricing: PricingOptions()) }
        let model = PlacementModel(targets: targets, onPrem: nil, usage: usage, allowed: Array(repeating: [0, 1], count: n),
                                   unitOf: Array(0..<n), units: [], spanMinutes: 30, days: 30, inputs: inputs,
                                   controlPlane: ControlPlaneFootprint())
        let free = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2)
        let gross = [[Double]](repeating: [0.02, 0.01, 0.03], count: 1) + [[0.01, 0.02, 0.03]]
        for exactLimit in [0, 14] {
            let placed = try Optimiser.solve(model, standalone: free, gross: gross, exactLimit: exactLimit)
            #expect(placed.total == 0)
            #expect(placed.assignment == [1, 0, 0], "exact limit \(exactLimit)")
            #expect(try Optimiser.solve(model, standalone: free, exactLimit: exactLimit).assignment == [0, 0, 0])
        }
    }

    /// Random small instances: the exact search finds the brute-force optimum; greedy is a local
    /// optimum no worse than all-cheapest-cloud.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func exactSearchMatchesBruteForce(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let clouds = [try Self.catalog.profile("aws-lambda-x86"), try Self.catalog.profile("gcf-gen1")]
        let onPrem = try Self.catalog.profile("openfaas")
        let n = 6, span = 30
        var inputs = try Self.inputs(Self.smallCluster)
        inputs.serverCores = 8
        inputs.serverPriceUSD = 1200
        inputs.operationsUSDPerServerMonth = 5
        inputs.licencesUSDPerMonth = 0
        inputs.redundancy = 0
        var usage: [[UsageSummary]] = []
        for profile in clouds {
            let recorder = try UsageRecorder(profile: profile, days: 30)
            let shape = try recorder.shape(memoryMB: 1024)
            usage.append((0..<n).map { _ in
                var u = UsageSummary(days: 30)
                u.invocations = Int64(random.uniform(1e5, 5e7))
                u.executionMs[shape] = Int64(Double(u.invocations) * random.uniform(20, 400))
                return u
            })
        }
        usage.append([UsageSummary](repeating: UsageSummary(days: 30), count: n))
        let units = (0..<n).map { _ in
            let level = random.uniform(0.5, 6)
            let busy = (0..<span).map { _ in level * random.uniform(0, 1) }
            return UnitSeries(memoryMB: busy.map { $0 * 1024 }, busyCalls: busy)
        }
        let targets = clouds.map { PlacementModel.Target(id: $0.id, isOnPrem: false, profile: $0, pricing: PricingOptions(freeTier: false)) }
            + [PlacementModel.Target(id: onPrem.id, isOnPrem: true, profile: onPrem, pricing: PricingOptions())]
        // Function 0 may not go on-prem (a constraint); the rest may go anywhere.
        let allowed = (0..<n).map { $0 == 0 ? [0, 1] : [0, 1, 2] }
        let model = PlacementModel(targets: targets, onPrem: 2, usage: usage, allowed: allowed, unitOf: Array(0..<n), units: units,
                                   spanMinutes: span, days: 30, inputs: inputs, controlPlane: ControlPlaneFootprint(memoryMB: 512, cores: 0.5))
        var standalone = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
        for t in 0..<2 { for i in 0..<n { standalone[t][i] = try model.cloudCost(t, usage[t][i]) } }

        var best = Double.infinity
        func enumerate(_ i: Int, _ assignment: [Int]) throws {
            if i == n { best = min(best, try Optimiser.rebuild(model, assignment).total); return }
            for t in allowed[i] { try enumerate(i + 1, assignment + [t]) }
        }
        try enumerate(0, [])

        let exact = try Optimiser.solve(model, standalone: standalone, exactLimit: 14)
        #expect(exact.exact)
        #expect(abs(exact.total - best) < 1e-6 * max(1, best), "seed \(seed): exact \(exact.total), brute force \(best)")
        #expect(allowed.indices.allSatisfy { allowed[$0].contains(exact.assignment[$0]) })

        let greedy = try Optimiser.greedyImproved(model, standalone: standalone)
        #expect(greedy.total >= best - 1e-6)
        var state = try Optimiser.rebuild(model, greedy.assignment)
        for i in 0..<n {
            for t in allowed[i] where t != greedy.assignment[i] {
                #expect(try state.costIf(i, movedTo: t) >= state.total - 1e-6, "seed \(seed): greedy is not a local optimum")
            }
        }
        let cheapest = (0..<n).map { i in standalone[0][i] <= standalone[1][i] ? 0 : 1 }
        #expect(greedy.total <= (try Optimiser.rebuild(model, cheapest).total) + 1e-6)
    }

    /// Two cloud targets: the cheaper one (a 99 % discount, every call cold) answers slowly. A p99 objective moves
    /// the function off it; a pin keeps another where the user put it.
    @Test func constraintsForceFunctionsOffTheirCheapestTarget() throws {
        func f(_ name: String) -> FunctionWorkload {
            FunctionWorkload(key: FunctionKey(app: "app", function: name), memoryMB: 512,
                             calls: .exact(startSeconds: (0..<600).map { Double($0) * 5 }, durationMs: [Double](repeating: 200, count: 600)))
        }
        let workload = Workload(apps: [AppWorkload(key: "app", functions: [f("slow-ok"), f("fast"), f("pinned")])], spanMinutes: 60)
        let arm = try Self.catalog.profile("aws-lambda-arm64"), x86 = try Self.catalog.profile("aws-lambda-x86")
        let cheapSlow = SimulationTarget(profile: arm, model: TargetModel(id: arm.id, keepAlive: .forkPerRequest, coldStart: .fixed(ms: 5000)),
                                         pricing: PricingOptions(freeTier: false, discountPercent: 99))
        let dear = SimulationTarget(profile: x86, model: TargetModel(id: x86.id, keepAlive: .fixed(idleSeconds: 600), coldStart: .fixed(ms: 0)),
                                    pricing: PricingOptions(freeTier: false))
        let targets = [cheapSlow, dear]
        let result = try Simulator.run(workload, targets: targets, options: PlacementRequest.simulationOptions(SimulationOptions(), onPrem: nil))
        let inputs = try OnPremInputs.defaults()

        let free = try Placement.plan(PlacementRequest(result: result, targets: targets, onPrem: nil, inputs: inputs))
        #expect(free.functions.allSatisfy { $0.target == arm.id }, "without constraints everything goes to the cheapest")

        let deployment = try Deployment.parse("""
            functions:
              - match: "fast"
                p99LatencyMs: 1000
              - match: "pinned"
                target: aws-lambda-x86
            """, file: "placer.yaml")
        let plan = try Placement.plan(PlacementRequest(result: result, targets: targets, onPrem: nil, inputs: inputs, deployment: deployment))
        let by = Dictionary(uniqueKeysWithValues: plan.functions.map { ($0.function, $0) })
        #expect(by["slow-ok"]?.target == arm.id)
        #expect(by["fast"]?.target == x86.id)
        #expect(by["fast"]?.reason.contains("p99") == true, "\(by["fast"]?.reason ?? "")")
        #expect(by["pinned"]?.target == x86.id)
        #expect(by["pinned"]?.reason.contains("pinned") == true)
        #expect(plan.monthlyCost > free.monthlyCost)
        #expect(plan.algorithm == "exact")
        // An objective no target meets is relaxed and said.
        let impossible = try Deployment.parse("requirements:\n  p99LatencyMs: 1\n", file: "placer.yaml")
        let relaxed = try Placement.plan(PlacementRequest(result: result, targets: targets, onPrem: nil, inputs: inputs, deployment: impossible))
        #expect(relaxed.functions.allSatisfy { !$0.violates.isEmpty && $0.reason.contains("relaxed") })
    }

    /// A function that must stay on-prem (compliance, from `Advisor`) buys the cluster although
    /// the cloud is far cheaper, and then the other function fills the servers bought anyway.
    @Test func complianceForcesAFunctionOnPrem() throws {
        func f(_ name: String, memoryMB: Double) -> FunctionWorkload {
            FunctionWorkload(key: FunctionKey(app: "app", function: name), memoryMB: memoryMB,
                             calls: .exact(startSeconds: (0..<600).map { Double($0) * 6 }, durationMs: [Double](repeating: 3000, count: 600)))
        }
        let workload = Workload(apps: [AppWorkload(key: "app", functions: [f("public", memoryMB: 512), f("secret", memoryMB: 2048)])], spanMinutes: 60)
        let profiles = [try Self.catalog.profile("aws-lambda-x86"), try Self.catalog.profile("openfaas")]
        let targets = profiles.map { SimulationTarget(profile: $0) }
        let result = try Simulator.run(workload, targets: targets, options: PlacementRequest.simulationOptions(SimulationOptions(), onPrem: "openfaas"))
        let deployment = try Deployment.parse("functions:\n  - match: secret\n    onPremOnly: true\n", file: "placer.yaml")
        let report = Advisor.analyse(LockInRequest(functions: [FunctionUse(app: "app", function: "public", trigger: "http"),
                                                               FunctionUse(app: "app", function: "secret", trigger: "http")],
                                                   candidates: profiles, catalog: Self.catalog, deployment: deployment))
        let inputs = try OnPremInputs.defaults()
        let plan = try Placement.plan(PlacementRequest(result: result, targets: targets, onPrem: "openfaas", inputs: inputs,
                                                       deployment: deployment, lockIn: report))
        let by = Dictionary(uniqueKeysWithValues: plan.functions.map { ($0.function, $0) })
        #expect(by["secret"]?.target == "openfaas")
        #expect(by["secret"]?.reason.contains("excluded: aws-lambda-x86") == true, "\(by["secret"]?.reason ?? "")")
        // The servers are bought anyway and have room: the other function fills them rather than pay Lambda.
        #expect(by["public"]?.target == "openfaas")
        #expect(by["public"]?.reason.hasPrefix("on the cluster; on aws-lambda-x86 the month would cost $") == true, "\(by["public"]?.reason ?? "")")
        let cluster = try #require(plan.onPrem)
        // One 2 GB instance busy all the time (a call every 6 s for 3 s: half a call in flight on average).
        #expect(cluster.estimate.servers == 1 + inputs.redundancy)
        #expect(cluster.estimate.demand.peakMemoryMB >= 2048 - 1 && cluster.estimate.demand.peakMemoryMB < 2 * 2048)
        #expect(abs(plan.monthlyCost - cluster.estimate.cost.total) < 1e-6)
        #expect(abs(by["public"]!.monthlyCost + by["secret"]!.monthlyCost - plan.monthlyCost) < 1e-6)
        #expect(plan.allOnPrem?.servers == cluster.estimate.servers)
        #expect(plan.savingsVsAllCloudBest! < 0, "compliance costs money here")
    }

    /// Every target's monthly cost never falls as the volume grows, and the break-even factor is
    /// where the curves cross.
    @Test func costIsMonotoneInVolume() throws {
        var random = SeededRandom(seed: 11)
        let functions = (0..<4).map { k in
            FunctionWorkload(key: FunctionKey(app: "a\(k)", function: "f"), memoryMB: 256 * Double(k + 1),
                             calls: .exact(startSeconds: (0..<2000).map { _ in random.uniform(0, 7200) }.sorted(),
                                           durationMs: (0..<2000).map { _ in random.uniform(10, 2000) }))
        }
        let workload = Workload(apps: functions.map { AppWorkload(key: $0.key.app, functions: [$0]) }, spanMinutes: 120)
        // Knative: a fixed idle time, so the keep-alive sensitivity re-simulates it.
        let targets = try ["aws-lambda-x86", "cloud-run", "knative"].map { SimulationTarget(profile: try Self.catalog.profile($0)) }
        let options = PlacementRequest.simulationOptions(SimulationOptions(), onPrem: "knative")
        let result = try Simulator.run(workload, targets: targets, options: options)
        let analysis = try BreakEven.analyse(BreakEvenRequest(result: result, targets: targets, onPrem: "knative",
                                                              inputs: try OnPremInputs.defaults(), workload: workload, options: options))
        #expect(analysis.targets.count == 3)
        for curve in analysis.targets {
            #expect(curve.monthlyCost.count == BreakEven.defaultScales.count)
            for (a, b) in zip(curve.monthlyCost, curve.monthlyCost.dropFirst()) { #expect(b >= a - 1e-9, "\(curve.id): \(curve.monthlyCost)") }
        }
        #expect(analysis.targets.first { $0.id == "aws-lambda-x86" }!.monthlyCost.last! > analysis.targets.first { $0.id == "aws-lambda-x86" }!.monthlyCost.first!)
        #expect(analysis.sensitivity.map(\.parameter).sorted() == ["cpuPerCall", "cpuPerCall", "electricityPrice", "electricityPrice", "headroom", "headroom",
                                                               "keepAlive", "keepAlive", "memoryPerInstance", "memoryPerInstance", "people", "people",
                                                               "serverPrice", "serverPrice"])
        // A cheaper server never makes on-prem overtake later.
        let cheaper = try #require(analysis.sensitivity.first { $0.parameter == "serverPrice" && $0.factor == 0.5 })
        for (c, cheap) in zip(analysis.crossovers, cheaper.crossovers) {
            if let k = c.scale { #expect(cheap.scale != nil && cheap.scale! <= k * 1.0001) }
        }
        // The crossing search finds a known crossing: cloud 10·k against on-prem 50 flat → 5×.
        let k = try BreakEven.crossing(cloud: { 10 * $0 }, onPrem: { _ in 50 })
        #expect(k != nil && abs(k! - 5) < 1e-6)
        #expect(try BreakEven.crossing(cloud: { $0 }, onPrem: { 2 * $0 + 1 }) == nil)
        // The cluster's cost is monotone in its demand.
        let inputs = try OnPremInputs.defaults()
        var last = 0.0
        for s in stride(from: 0.0, through: 3000, by: 37) {
            let cost = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: s * 900, peakCores: s, meanCores: s / 3),
                                              controlPlane: ControlPlaneFootprint(memoryMB: 1126, cores: 0.17), inputs: inputs).cost.total
            #expect(cost >= last - 1e-9)
            last = cost
        }
    }

    @Test(arguments: [
        ("onprem:\n  server:\n    cores: 64\n    ram: 512\n", "placer.yaml:4: onprem.server: unknown key 'ram'"),
        ("onprem:\n  pue: 0.5\n", "placer.yaml:2: onprem.pue: expected a number from 1 to 5, found '0.5'"),
        ("onprem:\n  electricity: 0.1\n", "placer.yaml:2: onprem: unknown key 'electricity'"),
        ("onprem:\n  redundancy: 1.5\n", "placer.yaml:2: onprem.redundancy: expected a whole number"),
        ("onprem:\n  headroom: lots\n", "placer.yaml:2: onprem.headroom: expected a number"),
        ("onprem:\n  owned: {servers: 2, cost: free}\n", "placer.yaml:2: onprem.owned.cost: expected sunk, priced or marginal, found 'free'"),
        ("onprem:\n  server: {wattsIdle: 500, wattsLoaded: 300}\n", "placer.yaml:2: onprem.server: wattsLoaded (300.0) is below wattsIdle (500.0)"),
        ("onprem:\n  operations:\n    usdPerServerMonth: 100\n    serversPerAdmin: 20\n", "placer.yaml:3: onprem.operations: give either"),
        ("onprem:\n  server: 4\n", "placer.yaml:2: onprem.server: expected a mapping"),
        ("onprem: [1, 2]\n", "placer.yaml:1: onprem: expected a mapping"),
        // A value across blank lines: its line breaks escaped, the message on one line.
        ("onprem:\n  owned: {servers: 2, cost: \"free\n\n\nnow\"}\n", "placer.yaml:2: onprem.owned.cost: expected sunk, priced or marginal, found 'free\\n\\nnow'"),
    ])
    func badOnPremInputIsLocated(yaml: String, message: String) throws {
        do {
            _ = try Self.inputs(yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as OnPremInputError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
            #expect(!error.description.contains("\n"))
        } catch let error as DeploymentError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}
