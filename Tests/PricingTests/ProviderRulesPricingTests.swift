import Foundation
import Testing
@testable import Pricing

/// Fixed memory sizes, Flex's billing unit, region prices and the choice among compliant
/// regions, and plan status: each against the provider's figures, worked by hand.
struct ProviderRulesPricingTests {
    static let catalog: Catalog = {
        do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
    }()

    static func profile(_ id: String) throws -> Profile { try catalog.profile(id) }

    static func cents(_ d: Decimal) -> Decimal {
        var value = d, result = Decimal()
        NSDecimalRound(&result, &value, 2, .plain)
        return result
    }

    static func bill(_ id: String, invocations: Int64, durationMs: Double, memoryMB: Int,
                     options: PricingOptions = PricingOptions()) throws -> CostBreakdown {
        let p = try profile(id)
        var recorder = try UsageRecorder(profile: p)
        recorder.invocations(invocations, durationMs: durationMs, shape: try recorder.shape(memoryMB: memoryMB))
        return try BillingEngine.price(recorder.summary, on: p, options: options)
    }

    @Test(arguments: [("azure-flex", 512, 512), ("azure-flex", 513, 2048), ("azure-flex", 2048, 2048), ("azure-flex", 2049, 4096),
                      ("oci-functions", 128, 128), ("oci-functions", 200, 256), ("oci-functions", 1500, 2048),
                      ("oci-functions", 2500, 3072), ("oci-functions", 3072, 3072)] as [(String, Int, Int)])
    func memoryRoundsUpToTheNextAllowedSize(id: String, asked: Int, billed: Int) throws {
        let recorder = try UsageRecorder(profile: try Self.profile(id))
        #expect(try recorder.shape(memoryMB: asked).memoryMB == billed)
    }

    @Test(arguments: [(0.5, 1000), (1.0, 1000), (999.9, 1000), (1000.0, 1000), (1000.001, 1100), (1234.0, 1300), (2000.0, 2000)]
          as [(Double, Int64)])
    func flexBillsAtLeast1000MsThen100MsSteps(ms: Double, billed: Int64) throws {
        let recorder = try UsageRecorder(profile: try Self.profile("azure-flex"))
        #expect(recorder.billedMs(ms) == billed)
    }

    /// Flex on demand, 2,048 MB, 3 M executions of 1 s: 6,000,000 GB-s − 100,000 free at
    /// $0.000026 = $153.40; 3 M − 250,000 executions at $0.40/M = $1.10; $154.50. Short calls
    /// pay the minimum: the same count at 50 ms is billed as 1,000 ms each, the same bill.
    @Test func flexOnDemandByHand() throws {
        let b = try Self.bill("azure-flex", invocations: 3_000_000, durationMs: 1000, memoryMB: 2048)
        #expect(b.quantities.memoryGBSeconds == 6_000_000)
        #expect(Self.cents(b.compute) == Decimal(string: "153.40"))
        #expect(Self.cents(b.requests) == Decimal(string: "1.10"))
        #expect(Self.cents(b.total) == Decimal(string: "154.50"))
        let short = try Self.bill("azure-flex", invocations: 3_000_000, durationMs: 50, memoryMB: 2048)
        #expect(short.total == b.total)
    }

    /// AWS's Example 1 (512 MB, 3 M calls of 1 s) in Milan, at the Price List's eu-south-1 prices:
    /// 1,100,000 GB-s × $0.0000195172 = $21.47; 2 M requests × $0.23/M = $0.46; $21.93 (17 % above
    /// us-east-1's $18.73).
    @Test func lambdaInMilanCostsMore() throws {
        let b = try Self.bill("aws-lambda-x86", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                              options: PricingOptions(region: "eu-south-1"))
        #expect(b.region == "eu-south-1")
        #expect(b.compute == Decimal(1_100_000) * Decimal(string: "0.0000195172")!)
        #expect(Self.cents(b.requests) == Decimal(string: "0.46"))
        #expect(Self.cents(b.total) == Decimal(string: "21.93"))
        #expect(b.notes.contains { $0.contains("Europe (Milan) prices") })
        // A region the profile offers at us-east-1's prices says so.
        let ireland = try Self.bill("aws-lambda-x86", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                                    options: PricingOptions(region: "eu-west-1"))
        #expect(Self.cents(ireland.total) == Decimal(string: "18.73"))
        #expect(ireland.notes.contains { $0.contains("billed at us-east-1 prices") })
    }

    /// Google's 1st gen example (128 MB, 10 M calls of 300 ms) in a tier-2 region: 375,000 GB-s
    /// under the free 400,000; 600,000 − 200,000 GHz-s × $0.000014 = $5.60; 8 M × $0.40/M = $3.20;
    /// $8.80 against tier 1's $7.20.
    @Test func cloudFunctionsTier2() throws {
        let b = try Self.bill("gcf-gen1", invocations: 10_000_000, durationMs: 300, memoryMB: 128,
                              options: PricingOptions(region: "europe-west3"))
        #expect(Self.cents(b.compute) == Decimal(string: "5.60"))
        #expect(Self.cents(b.total) == Decimal(string: "8.80"))
        let tier1 = try Self.bill("gcf-gen1", invocations: 10_000_000, durationMs: 300, memoryMB: 128,
                                  options: PricingOptions(region: "europe-west1"))
        #expect(Self.cents(tier1.total) == Decimal(string: "7.20"))
    }

    @Test func cheapestCompliantRegionIsBilledAndNamed() throws {
        // Allowed: Milan and Frankfurt; Frankfurt is at us-east-1's prices, so it is chosen.
        let b = try Self.bill("aws-lambda-x86", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                              options: PricingOptions(regionCandidates: ["eu-south-1", "eu-central-1"]))
        #expect(b.region == "eu-central-1")
        #expect(Self.cents(b.total) == Decimal(string: "18.73"))
        #expect(b.notes.contains { $0.contains("cheapest of the 2 regions") })
        // Only Milan allowed: Milan's prices, whatever is cheaper elsewhere.
        let milan = try Self.bill("aws-lambda-x86", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                                  options: PricingOptions(regionCandidates: ["eu-south-1"]))
        #expect(milan.region == "eu-south-1" && Self.cents(milan.total) == Decimal(string: "21.93"))
        // An explicit region wins over the candidates; none at all bills the profile's own.
        let asked = try Self.bill("aws-lambda-x86", invocations: 1, durationMs: 1, memoryMB: 512,
                                  options: PricingOptions(region: "eu-south-1", regionCandidates: ["eu-central-1"]))
        #expect(asked.region == "eu-south-1")
        #expect(try Self.bill("aws-lambda-x86", invocations: 1, durationMs: 1, memoryMB: 512).region == "us-east-1")
        #expect(try Self.bill("aws-lambda-x86", invocations: 1, durationMs: 1, memoryMB: 512).json().contains("\"region\": \"us-east-1\""))
    }

    @Test func regionsThatBillAlikeAreNotCalledCheapest() throws {
        // Azure's profile lists no price of its own for these regions: they bill at eastus prices,
        // so the first listed is named and the note says there was nothing to choose by price.
        let tie = try Self.bill("azure-consumption", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                                options: PricingOptions(regionCandidates: ["westeurope", "francecentral"]))
        #expect(tie.region == "westeurope")
        #expect(tie.notes.contains { $0.contains("all of the 2 regions the requirements allow (westeurope, francecentral) bill alike") })
        #expect(!tie.notes.contains { $0.contains("is the cheapest of") })
        // Lambda's Milan costs more than Frankfurt: a real choice, named the cheapest.
        let lambda = try Self.bill("aws-lambda-x86", invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                                   options: PricingOptions(regionCandidates: ["eu-south-1", "eu-central-1"]))
        #expect(lambda.notes.contains { $0.contains("region eu-central-1 is the cheapest of the 2 regions") })
    }

    @Test func consumptionIsLegacyAndItsLinuxVariantRetires() throws {
        let status = try Self.profile("azure-consumption").status
        #expect(status.state == .legacy)
        #expect(status.since == "2025-09-30" && status.retires == "2028-09-30" && status.successor == "azure-flex")
        #expect(status.retiresOnly == "Linux apps", "Windows Consumption has no retirement date")
        #expect(status.summary?.hasPrefix("legacy since 2025-09-30, retires 2028-09-30, successor azure-flex: ") == true)
        #expect(try Self.profile("azure-flex").status.summary == nil)
        #expect(try Self.profile("azure-consumption").billing?.durationBasis == .activeInstance)
        #expect(try Self.profile("azure-flex").billing?.durationBasis == .activeInstance)
    }

    static func issues(_ text: String) -> [String] {
        switch Catalog.parse(text, file: "p.yaml") {
        case .success: return []
        case .failure(.invalid(let found)): return found.issues.map(\.description)
        case .failure(let other): return [other.description]
        }
    }

    static func flexText(_ replace: String, _ replacement: String) throws -> String {
        let url = try #require(Catalog.bundledDirectory)
        let text = try String(contentsOf: url.appendingPathComponent("azure-flex.yaml"), encoding: .utf8)
        #expect(text.contains(replace), "fixture text to replace is missing: \(replace)")
        return text.replacingOccurrences(of: replace, with: replacement)
    }

    @Test func badRulesAreRejectedWithTheirKeyPath() throws {
        #expect(Self.issues(try Self.flexText("id: azure-flex", "id: azure-flex")).isEmpty)
        let sizes = Self.issues(try Self.flexText("values: [512, 2048, 4096]", "values: [512, 4096, 2048]"))
        #expect(sizes.contains { $0.contains("billing.memory.sizesMB.values[2]: sizes must be positive and ascending") })
        let ends = Self.issues(try Self.flexText("values: [512, 2048, 4096]", "values: [1024, 2048, 4096]"))
        #expect(ends.contains { $0.contains("billing.memory.sizesMB: the smallest and largest sizes must be min and max") })
        let rows = Self.issues(try Self.flexText("- {memoryMB: 2048, requests: 16}", "- {memoryMB: 256, requests: 16}"))
        #expect(rows.contains { $0.contains("limits.concurrencyByMemory.rows[1].memoryMB: rows must be in ascending memory order") })
        let basis = Self.issues(try Self.flexText("durationBasis: active-instance", "durationBasis: per-call"))
        #expect(basis.contains { $0.contains("billing.durationBasis: expected one of execution, active-instance") })
        let group = Self.issues(try Self.flexText("  egressPrice: {value: 0.087", """
              regionPrices:
                - {label: tier 2, regions: [eastus2], source: flex-plan, cpuPrice: {value: 1, unit: USD/vCPU-s, source: flex-plan}}
              egressPrice: {value: 0.087
            """))
        #expect(group.contains { $0.contains("billing.regionPrices: tier 2 prices CPU, which the profile's own region does not") })
        let legacy = Self.issues(try Self.flexText("status: {state: active}", "status: {state: legacy, since: 2026-01-01}"))
        #expect(legacy.contains { $0.contains("status.source: a legacy target's status needs the source that says so") })
        let part = Self.issues(try Self.flexText("status: {state: active}", "status: {state: active, retiresOnly: Linux apps}"))
        #expect(part.contains { $0.contains("status.retiresOnly: names what retires, so it needs status.retires") }, "\(part)")
    }

    /// Lambda ephemeral storage: 3 M calls of 1 s at 512 MB with 10,240 MB of /tmp: the 9,728 MB
    /// above the free 512 MB × 3,000,000 s = 28,500,000 GB-s × $0.0000000309 = $0.88065, no free
    /// grant; at 512 MB nothing is added.
    @Test func lambdaBillsEphemeralStorageAbove512MB() throws {
        let p = try Self.profile("aws-lambda-x86")
        var recorder = try UsageRecorder(profile: p)
        recorder.invocations(3_000_000, durationMs: 1000, shape: try recorder.shape(memoryMB: 512))
        recorder.storage(mb: 10_240, billedMs: 3_000_000_000)
        let b = try BillingEngine.price(recorder.summary, on: p)
        #expect(b.quantities.storageGBSeconds == 28_500_000)
        #expect(b.storage == Decimal(string: "0.88065"))
        #expect(Self.cents(b.total) == Decimal(string: "19.61"))
        var included = try UsageRecorder(profile: p)
        included.storage(mb: 512, billedMs: 3_000_000_000)
        #expect(included.summary.storageMs.isEmpty)
        // A target that does not bill storage records none.
        var azure = try UsageRecorder(profile: try Self.profile("azure-flex"))
        azure.storage(mb: 10_240, billedMs: 1000)
        #expect(azure.summary.storageMs.isEmpty)
    }

    @Test func newAccountIsADeploymentKey() throws {
        let doc = try YAMLTree.parse("""
            targets:
              - {id: aws-lambda-x86, account: new}
              - {id: aws-lambda-arm64, account: established, discount: 5}
            """)
        let selections = try TargetSelection.list(in: doc, file: "d.yaml")
        #expect(selections[0].newAccount && selections[0].override == nil)
        #expect(!selections[1].newAccount && selections[1].discountPercent == 5)
        #expect(try Self.profile("aws-lambda-x86").limits.newAccountConcurrency?.value == 10)
        let bad = try YAMLTree.parse("targets:\n  - {id: aws-lambda-x86, account: fresh}\n")
        #expect(throws: CatalogError.self) { try TargetSelection.list(in: bad, file: "d.yaml") }
    }
}
