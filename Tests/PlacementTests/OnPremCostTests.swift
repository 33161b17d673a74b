import Deployment
import Foundation
import Pricing
import Testing
import Traces
@testable import Placement
@testable import Simulation

/// The on-prem cost model behaving like a cost: people in a fixed and a per-server part, site
/// figures by region, an owned cluster's spare capacity at its marginal price, CPU per call from
/// the trace or a sourced default, and a cost per call that falls with volume.
struct OnPremCostTests {
    static let catalog = try! Catalog.bundled()

    static func inputs(_ yaml: String) throws -> OnPremInputs {
        try OnPremInputs.read(try Deployment.parse(yaml, file: "placer.yaml"))
    }

    @Test func peopleAreAFixedPlatformPartPlusAPerServerPart() throws {
        var inputs = try Self.inputs("onprem:\n  operations: {platformFTE: 0.5, serversPerAdmin: 100, adminUSDPerYear: 120000}\n  headroom: 0\n  redundancy: 0\n")
        inputs.serverCores = 10
        inputs.serverMemoryGB = 1000
        let cp = ControlPlaneFootprint()
        // 1 server: 0.5 × 10,000 + 1/100 × 10,000 a month; 30 servers: 5,000 + 3,000.
        let one = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 1, peakCores: 5, meanCores: 1), controlPlane: cp, inputs: inputs)
        #expect(one.servers == 1 && abs(one.cost.people - 5100) < 1e-9)
        let many = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 1, peakCores: 300, meanCores: 1), controlPlane: cp, inputs: inputs)
        #expect(many.servers == 30 && abs(many.cost.people - 8000) < 1e-9)
        // The per-server price replaces only the per-server part.
        inputs.operationsUSDPerServerMonth = 40
        let priced = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 1, peakCores: 300, meanCores: 1), controlPlane: cp, inputs: inputs)
        #expect(abs(priced.cost.people - (5000 + 30 * 40)) < 1e-9)
        // The defaults run automated-fleet ratios, each figure with its source.
        let d = try OnPremInputs.defaults()
        #expect(d.serversPerAdmin >= 100 && d.platformFTE > 0)
        #expect(d.origins["operations.serversPerAdmin"]?.hasPrefix("https://") == true)
    }

    @Test func siteFiguresFollowTheSitesRegion() throws {
        let us = try OnPremInputs.defaults()
        #expect(us.site == "us" && us.assumedInUse.contains("site"))
        let de = try Self.inputs("onprem:\n  regions: [de]\n")
        #expect(de.site == "de" && !de.assumedInUse.contains("site"))
        #expect(de.electricityUSDPerKWh != us.electricityUSDPerKWh && de.colocationUSDPerKWMonth != us.colocationUSDPerKWMonth)
        #expect(de.origins["electricityUSDPerKWh"]?.contains("eurostat") == true)
        #expect(try Self.inputs("onprem:\n  regions: [francecentral, europe]\n").site == "eu")
        let uk = try Self.inputs("onprem:\n  regions: [de]\n  site: uk\n")
        #expect(uk.site == "uk" && uk.siteBasis.contains("placer.yaml:3"))
        // A figure the deployment sets wins over its site's.
        let own = try Self.inputs("onprem:\n  site: uk\n  electricityUSDPerKWh: 0.05\n")
        #expect(own.electricityUSDPerKWh == 0.05 && own.origins["electricityUSDPerKWh"] == "placer.yaml:3")
        #expect(own.colocationUSDPerKWMonth == uk.colocationUSDPerKWMonth)
        // Every site figure names a real source address.
        for (site, figures) in us.sites {
            for (key, f) in figures { #expect(f.origin.hasPrefix("https://"), "\(site).\(key): \(f.origin)") }
        }
        #expect(Set(us.sites.keys).isSuperset(of: ["us", "eu", "de", "uk"]))
    }

    @Test(arguments: [
        ("onprem:\n  site: mars\n", "placer.yaml:2: onprem.site: expected one of de, eu, uk, us, found 'mars'"),
        ("onprem:\n  owned: {servers: 2, cost: marginal, coreUSDPerMonth: 5}\n", "placer.yaml:2: onprem.owned: cost marginal needs what the team pays for its spare capacity: set gbUSDPerMonth"),
        ("onprem:\n  owned: {cost: marginal, coreUSDPerMonth: 5, gbUSDPerMonth: 1}\n", "placer.yaml:2: onprem.owned: cost marginal needs the servers"),
        ("onprem:\n  owned: {servers: 2, cost: free}\n", "placer.yaml:2: onprem.owned.cost: expected sunk, priced or marginal, found 'free'"),
        ("onprem:\n  operations: {platformFTE: -1}\n", "placer.yaml:2: onprem.operations.platformFTE: expected a number from 0 to 10000"),
    ])
    func badCostInputIsLocated(yaml: String, message: String) throws {
        do {
            _ = try Self.inputs(yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as OnPremInputError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func ownedSpareCapacityIsPricedAtItsMarginalCost() throws {
        let yaml = """
            onprem:
              server: {cores: 10, memoryGB: 100, priceUSD: 6000, wattsIdle: 100, wattsLoaded: 300}
              owned: {servers: 2, cost: marginal, coreUSDPerMonth: 8, gbUSDPerMonth: 1.5}
              headroom: 0
              redundancy: 1
              operations: {platformFTE: 0, serversPerAdmin: 100, adminUSDPerYear: 120000}
              licences: {usdPerMonth: 0, usdPerServerMonth: 0}
            """
        let inputs = try Self.inputs(yaml)
        #expect(inputs.ownedMarginal && inputs.ownedServers == 2)
        let cp = ControlPlaneFootprint(memoryMB: 1024, cores: 1)
        // 5 cores and 10 GB fit the spare 20 cores and 200 GB: nothing bought or run, 6 × 8 + 11 × 1.5.
        let fits = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 10 * 1024, peakCores: 5, meanCores: 2), controlPlane: cp, inputs: inputs)
        #expect(fits.servers == 0 && fits.cost.hardware == 0 && fits.cost.power == 0 && fits.cost.people == 0)
        #expect(abs(fits.cost.capacity - (6 * 8 + 11 * 1.5)) < 1e-9)
        #expect(abs(fits.ownedCores - 6) < 1e-9 && abs(fits.ownedMemoryGB - 11) < 1e-9)
        // 34 cores: 20 from the owned cluster, 14 on 2 new servers + 1 spare, bought and run.
        let over = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 10 * 1024, peakCores: 33, meanCores: 2), controlPlane: cp, inputs: inputs)
        #expect(over.servers == 3 && abs(over.cost.hardware - 3 * 100) < 1e-9)
        #expect(abs(over.cost.capacity - (20 * 8 + 11 * 1.5)) < 1e-9)
        // Marginal is never dearer than buying the same capacity when the rate is below a server's own cost.
        var sunk = inputs
        sunk.ownedMarginal = false
        let bought = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 10 * 1024, peakCores: 5, meanCores: 2), controlPlane: cp, inputs: sunk)
        #expect(bought.servers == 2 && bought.cost.hardware == 0, "sunk: the 2 owned servers cost nothing to buy")
    }

    @Test func cpuPerCallComesFromTheTraceElseTheSourcedDefault() throws {
        var io = FunctionWorkload(key: FunctionKey(app: "a", function: "io"), memoryMB: 512, calls: .exact(startSeconds: [0], durationMs: [100]))
        io.cpuCoresPerCall = 0.05
        let big = FunctionWorkload(key: FunctionKey(app: "b", function: "f"), memoryMB: 3538, calls: .exact(startSeconds: [0], durationMs: [50]))
        let d = try OnPremInputs.defaults()
        #expect(d.coresPerCall == nil && d.cpuMBPerCore == 1769 && d.cpuMaxCoresPerCall == 1)
        #expect(d.origins["cpuMBPerCore"]?.hasPrefix("https://docs.aws.amazon.com/lambda/") == true)
        #expect(CallDemand.of(io, override: nil, mbPerCore: 1769, maxCores: 1) == CallDemand(coresPerCall: 0.05, cpuBasis: .trace, memoryMB: 512))
        // 3,538 MB would be 2 cores at Lambda's ratio: capped at one; 128 MB is 0.072 of a core.
        #expect(CallDemand.of(big, override: nil, mbPerCore: 1769, maxCores: 1).coresPerCall == 1)
        var small = big
        small.memoryMB = 128
        #expect(abs(CallDemand.of(small, override: nil, mbPerCore: 1769, maxCores: 1).coresPerCall - 128.0 / 1769) < 1e-12)
        #expect(CallDemand.of(big, override: 0.3, mbPerCore: 1769, maxCores: 1) == CallDemand(coresPerCall: 0.3, cpuBasis: .deployment, memoryMB: 3538))
        // The trace's measurement wins over the deployment's figure.
        #expect(CallDemand.of(io, override: 0.3, mbPerCore: 1769, maxCores: 1).cpuBasis == .trace)
        // Resolved into the inputs by function, and named in the cluster's basis.
        let resolved = d.resolvingDemand(Workload(apps: [AppWorkload(key: "a", functions: [io]), AppWorkload(key: "b", functions: [big])], spanMinutes: 1))
        #expect(resolved.demand["a/io"]?.coresPerCall == 0.05 && resolved.demand["b/f"] == nil)
    }

    /// A CPU-light trace on openfaas against the clouds: the cluster's cost per million calls
    /// falls as volume grows, and it overtakes the cheapest cloud target at some volume.
    @Test func onPremCostPerCallFallsWithVolumeAndOvertakesTheCheapestCloud() throws {
        var random = SeededRandom(seed: 5)
        let functions = (0..<6).map { k in
            FunctionWorkload(key: FunctionKey(app: "a\(k)", function: "f"), memoryMB: 128,
                             calls: .exact(startSeconds: (0..<3000).map { _ in random.uniform(0, 3600) }.sorted(),
                                           durationMs: (0..<3000).map { _ in random.uniform(50, 400) }))
        }
        var workload = Workload(apps: functions.map { AppWorkload(key: $0.key.app, functions: [$0]) }, spanMinutes: 60)
        for a in workload.apps.indices { workload.apps[a].functions[0].cpuCoresPerCall = 0.02 }
        let targets = try ["aws-lambda-arm64", "cloud-run", "openfaas"].map { SimulationTarget(profile: try Self.catalog.profile($0)) }
        let options = PlacementRequest.simulationOptions(SimulationOptions(), onPrem: "openfaas")
        let result = try Simulator.run(workload, targets: targets, options: options)
        let inputs = try OnPremInputs.defaults().resolvingDemand(workload)
        let analysis = try BreakEven.analyse(BreakEvenRequest(result: result, targets: targets, onPrem: "openfaas", inputs: inputs,
                                                              workload: workload, options: options))
        let onPrem = try #require(analysis.targets.first { $0.kind == "onprem" })
        let perCall = zip(onPrem.monthlyCost, analysis.scales).map { $0 / $1 }
        for (a, b) in zip(perCall, perCall.dropFirst()) { #expect(b <= a + 1e-9, "cost per call rose: \(perCall)") }
        #expect(perCall.last! < perCall.first! / 10, "a fixed part spread over more calls: \(perCall)")
        // The cheapest cloud target at the trace's own volume.
        let atOne = try #require(analysis.scales.firstIndex(of: 1))
        let reference = try #require(analysis.targets.filter { $0.kind == "cloud" }.min { $0.monthlyCost[atOne] < $1.monthlyCost[atOne] }?.id)
        let crossover = try #require(analysis.crossovers.first { $0.cloud == reference })
        #expect(crossover.scale != nil, "on-prem never overtakes \(reference)")
        // Sensitivity covers people, CPU per call and memory per instance, ranked.
        let parameters = Set(analysis.sensitivity.map(\.parameter))
        #expect(parameters.isSuperset(of: ["people", "cpuPerCall", "memoryPerInstance", "serverPrice", "electricityPrice", "headroom"]))
        #expect(Set(analysis.ranking.map(\.parameter)) == parameters)
        for (a, b) in zip(analysis.ranking, analysis.ranking.dropFirst()) { #expect(a.decades >= b.decades) }
        #expect(analysis.sensitivity.first?.parameter == analysis.ranking.first?.parameter)
        // Dearer people never bring the crossover earlier.
        let dear = try #require(analysis.sensitivity.first { $0.parameter == "people" && $0.factor == 2 })
        let k = try #require(crossover.scale)
        if let later = dear.crossovers.first(where: { $0.cloud == reference })?.scale { #expect(later >= k * 0.9999) }
    }

    /// Licences from the profiles: an open licence costs nothing; OpenFaaS CE limits commercial use
    /// and its commercial editions publish no price (price on request, not in the total) until the
    /// deployment sets one; a profile naming no licence says it was not read.
    @Test func licenceBasisFromTheProfile() throws {
        let defaults = try OnPremInputs.defaults()
        let openfaas = try Self.catalog.profile("openfaas")
        #expect(openfaas.licence?.commercialPrice == "on-request" && openfaas.licence?.limitsCommercialUse == true)
        #expect(openfaas.sources[openfaas.licence?.source ?? ""]?.url == "https://github.com/openfaas/faas")
        let onRequest = defaults.licenceBasis(openfaas)
        #expect(onRequest.contains("price on request") && onRequest.contains("not in the total") && onRequest.contains("OpenFaaS Standard"))
        #expect(defaults.licenceBasis(try Self.catalog.profile("openwhisk")) == "Apache-2.0: no licence fee")
        #expect(defaults.licenceBasis(try Self.catalog.profile("knative")).contains("no licence read from a source"))
        let quoted = try Self.inputs("onprem:\n  licences: {usdPerMonth: 2000}\n")
        #expect(quoted.licenceBasis(openfaas).contains("costed at the deployment's onprem.licences ($2000 a month"))
        // An edition without its price (or on-request) is refused where it stands.
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Pricing/Profiles/openfaas.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("  commercialPrice: on-request\n"))
        guard case .failure(let error) = Catalog.parse(text.replacingOccurrences(of: "  commercialPrice: on-request\n", with: ""), file: "openfaas.yaml") else {
            Issue.record("an edition without a price was accepted")
            return
        }
        #expect(error.description.contains("licence.commercialPrice") && error.description.contains("on-request"))
    }
}
