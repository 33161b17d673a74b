import Foundation
import Testing
@testable import Pricing

// MARK: - Helpers

private let catalog: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()

private func profile(_ id: String) throws -> Profile { try catalog.profile(id) }

/// Rounds to cents the way a bill shows them.
private func cents(_ d: Decimal) -> Decimal {
    var value = d, result = Decimal()
    NSDecimalRound(&result, &value, 2, .plain)
    return result
}

private func dec(_ text: String) -> Decimal { Decimal(string: text)! }

/// Prices `count` identical invocations on `profile`.
private func bill(_ p: Profile, invocations: Int64, durationMs: Double, memoryMB: Int, vcpu: Decimal? = nil,
                  days: Decimal = 30, options: PricingOptions = PricingOptions()) throws -> CostBreakdown {
    var recorder = try UsageRecorder(profile: p, days: days)
    let shape = try recorder.shape(memoryMB: memoryMB, vcpu: vcpu)
    recorder.invocations(invocations, durationMs: durationMs, shape: shape)
    return try BillingEngine.price(recorder.summary, on: p, options: options)
}

/// A profile document with one field changed, as text, for the broken-catalog tests.
private func brokenLambda(_ replace: String, with replacement: String) throws -> String {
    let url = try #require(Catalog.bundledDirectory)
    let text = try String(contentsOf: url.appendingPathComponent("aws-lambda-x86.yaml"), encoding: .utf8)
    #expect(text.contains(replace), "fixture text to replace is missing: \(replace)")
    return text.replacingOccurrences(of: replace, with: replacement)
}

private func issues(_ text: String, file: String = "broken.yaml") -> [ProfileIssue] {
    switch Catalog.parse(text, file: file) {
    case .success: return []
    case .failure(.invalid(let found)): return found.issues
    case .failure(let other): return [ProfileIssue(file: file, line: 0, path: "", message: other.description)]
    }
}

/// A figure spelled across blank lines (YAML keeps them as line breaks) is quoted in its issue with
/// the breaks escaped, so each issue stays on one line (a fuzz finding:
/// Tests/FuzzRegressionTests/Fixtures/profile/).
@Test func anIssueQuotingAValueWithLineBreaksIsOneLine() throws {
    let text = try brokenLambda("memoryPrice: {value: 0.0000166667,", with: "memoryPrice: {value: \"0.0000\n\n\n166667\",")
    let found = issues(text)
    let issue = try #require(found.first { $0.message.hasPrefix("expected a number") })
    #expect(issue.message.contains("\n"), "the value keeps its line breaks: \(issue.message)")
    #expect(issue.description.hasSuffix("expected a number, found '0.0000\\n\\n166667'"), "\(issue.description)")
    #expect(found.allSatisfy { !$0.description.contains("\n") })
}

/// `coldStart.drawsAs` names the target whose random numbers a profile's cold starts are drawn
/// from (the simulation's common random numbers): a target id, or an issue at its line.
@Test func aProfileDrawsItsColdStartsAsAnotherTargetByItsId() throws {
    #expect(try profile("aws-lambda-arm64").coldStart?.drawsAs == "aws-lambda-x86")
    #expect(try profile("aws-lambda-x86").coldStart?.drawsAs == nil)
    let text = try brokenLambda("  p99: {value: 1000, unit: ms, source: aws-coldstart}\n",
                                with: "  p99: {value: 1000, unit: ms, source: aws-coldstart}\n  drawsAs: AWS Lambda\n")
    let found = issues(text)
    let issue = try #require(found.first { $0.path == "coldStart.drawsAs" })
    #expect(issue.message == "a target id is lower-case letters, digits and '-', found 'AWS Lambda'")
    #expect(issue.line > 0)
}

// MARK: - Published worked examples

/// AWS Lambda pricing page, Example 1: 512 MB, 3 M invocations a month, 1 s each.
/// 1,500,000 GB-s − 400,000 free = 1,100,000 GB-s; 3 M − 1 M free = 2 M requests × $0.20/M = $0.40.
///
/// The page multiplies by $0.00001667 and says $18.34 (1,100,000 × 0.00001667 = 18.337), total
/// $18.74. AWS actually bills $0.0000166667 per GB-s (the page rounded the price to 4 significant
/// digits), which gives 18.33337 → $18.33, total $18.73. The cent is the page's rounding, not
/// ours; the second test reproduces the page exactly by overriding the price with its figure.
@Test func awsWorkedExampleAtTheBilledPrice() throws {
    let b = try bill(profile("aws-lambda-x86"), invocations: 3_000_000, durationMs: 1000, memoryMB: 512)
    #expect(b.quantities.memoryGBSeconds == 1_500_000)
    #expect(cents(b.compute) == dec("18.33"))
    #expect(cents(b.requests) == dec("0.40"))
    #expect(cents(b.total) == dec("18.73"))
    #expect(b.compute == dec("1100000") * dec("0.0000166667"))
}

@Test func awsWorkedExampleAtThePagesRoundedPrice() throws {
    let overridden = try catalog.overriding("aws-lambda-x86",
        with: YAMLTree.parse("billing:\n  memoryPrice: 0.00001667\n  memoryTiers: []\n"), origin: "test", read: "2026-11-29")
    let p = try overridden.profile("aws-lambda-x86")
    let b = try bill(p, invocations: 3_000_000, durationMs: 1000, memoryMB: 512)
    #expect(cents(b.compute) == dec("18.34"))
    #expect(cents(b.total) == dec("18.74"))
    // The override is traced: its figure names the override source, which is marked assumed.
    #expect(p.billing?.memoryPrice.source == "override")
    #expect(p.sources["override"]?.confidence == .assumed)
}

/// Azure Consumption, 3 M executions of 1 s at (observed) 1.5 GB: 4,500,000 − 400,000 GB-s ×
/// $0.000016 = $65.60; 2 M executions × $0.20/M = $0.40; $66.00 (modal.com's worked example,
/// May 2025, whose table misprints the sum as "$65.50 + $0.40").
@Test func azureConsumptionWorkedExample() throws {
    let b = try bill(profile("azure-consumption"), invocations: 3_000_000, durationMs: 1000, memoryMB: 1536)
    #expect(b.quantities.memoryGBSeconds == 4_500_000)
    #expect(cents(b.compute) == dec("65.60"))
    #expect(cents(b.requests) == dec("0.40"))
    #expect(cents(b.total) == dec("66.00"))
}

/// Cloud Functions 1st gen pricing page's first example: 128 MB / 200 MHz, 10 M invocations of
/// 300 ms. 375,000 GB-s (inside the 400,000 free), 600,000 − 200,000 GHz-s × $0.00001 = $4.00,
/// 8 M invocations × $0.40/M = $3.20; $7.20. (Recalled from the page, not re-read: see the
/// profile's gcf-memory source.)
@Test func cloudFunctionsGen1WorkedExample() throws {
    let b = try bill(profile("gcf-gen1"), invocations: 10_000_000, durationMs: 300, memoryMB: 128)
    #expect(b.quantities.memoryGBSeconds == 375_000)
    #expect(b.quantities.cpuSeconds == 600_000)
    #expect(cents(b.compute) == dec("4.00"))
    #expect(cents(b.requests) == dec("3.20"))
    #expect(cents(b.total) == dec("7.20"))
}

// MARK: - Rounding rules at their edges

@Test(arguments: [
    ("aws-lambda-x86", 0.999, 1), ("aws-lambda-x86", 1.0, 1), ("aws-lambda-x86", 1.001, 2),
    ("aws-lambda-x86", 0.1 * 3000, 300),            // 300.00000000000006 ms of float noise is 300 ms
    ("gcf-gen1", 100.0, 100), ("gcf-gen1", 100.001, 200), ("gcf-gen1", 260.0, 300), ("gcf-gen1", 1.0, 100),
    ("cloud-run", 200.0, 200), ("cloud-run", 200.5, 300),
    ("azure-consumption", 1.0, 100), ("azure-consumption", 99.999, 100), ("azure-consumption", 100.0, 100),
    ("azure-consumption", 100.2, 101),
] as [(String, Double, Int64)])
func durationRounding(target: String, durationMs: Double, billed: Int64) throws {
    let recorder = try UsageRecorder(profile: profile(target))
    #expect(recorder.billedMs(durationMs) == billed)
}

@Test(arguments: [(1, 128), (128, 128), (129, 256), (1000, 1024), (1535, 1536), (1536, 1536), (1537, 1536), (4096, 1536)])
func azureObservedMemoryRoundsUpTo128AndCaps(observed: Int, billed: Int) throws {
    let recorder = try UsageRecorder(profile: profile("azure-consumption"))
    #expect(try recorder.shape(memoryMB: observed).memoryMB == billed)
}

@Test func gen1MemoryTakesTheNextTierAndItsCPU() throws {
    let recorder = try UsageRecorder(profile: profile("gcf-gen1"))
    let shape = try recorder.shape(memoryMB: 200)
    #expect(shape.memoryMB == 256)
    #expect(shape.vcpu == dec("0.167"))
    #expect(shape.ghz == dec("0.4"))
    #expect(try recorder.shape(memoryMB: 2048).ghz == dec("2.4"))
    #expect(throws: PricingError.self) { try recorder.shape(memoryMB: 8193) }
    // A 256 MB tier bills 0.4 GHz: 1 s costs 0.25 GB-s and 0.4 GHz-s.
    let b = try bill(profile("gcf-gen1"), invocations: 1, durationMs: 1000, memoryMB: 256, options: PricingOptions(freeTier: false))
    #expect(b.compute == dec("0.25") * dec("0.0000025") + dec("0.4") * dec("0.00001"))
}

@Test func lambdaMemoryRangeAndCPUCoupling() throws {
    let recorder = try UsageRecorder(profile: profile("aws-lambda-x86"))
    #expect(try recorder.shape(memoryMB: 1769).vcpu == 1)
    #expect(try recorder.shape(memoryMB: 3538).vcpu == 2)
    #expect(try recorder.shape(memoryMB: 128).memoryMB == 128)
    #expect(throws: PricingError.self) { try recorder.shape(memoryMB: 127) }
    #expect(throws: PricingError.self) { try recorder.shape(memoryMB: 10_241) }
}

/// Rounding is per invocation, not on the average: 1,000 invocations of 101 ms on a 100 ms
/// target bill 200 ms each, not 101 ms × 1,000 rounded once.
@Test func roundingIsPerInvocationNotOnTheAverage() throws {
    let b = try bill(profile("gcf-gen1"), invocations: 1000, durationMs: 101, memoryMB: 1024, options: PricingOptions(freeTier: false))
    #expect(b.quantities.memoryGBSeconds == 1000 * dec("0.2"))
}

// MARK: - Tiers, free grants, projection

@Test func lambdaTiersApplyToTheAccountTotalAcrossFunctions() throws {
    let p = try profile("aws-lambda-x86")
    // Two 1,024 MB functions: 4 B and 3 B GB-s. Neither alone leaves tier 1; together they do.
    var a = try UsageRecorder(profile: p), b = try UsageRecorder(profile: p)
    let shape = try a.shape(memoryMB: 1024)
    a.invocations(4_000_000, durationMs: 1_000_000, shape: shape)
    b.invocations(3_000_000, durationMs: 1_000_000, shape: shape)
    let options = PricingOptions(freeTier: false)
    let total = try BillingEngine.price(a.summary + b.summary, on: p, options: options)
    #expect(total.quantities.memoryGBSeconds == 7_000_000_000)
    let expected = dec("6000000000") * dec("0.0000166667") + dec("1000000000") * dec("0.000015")
    #expect(total.compute == expected)
    let separately = try BillingEngine.price(a.summary, on: p, options: options).compute
        + BillingEngine.price(b.summary, on: p, options: options).compute
    #expect(separately > total.compute)
}

@Test(arguments: [(Decimal(6_000_000_000), Decimal(0)), (Decimal(6_000_000_001), Decimal(1)), (Decimal(15_000_000_000), Decimal(9_000_000_000))])
func lambdaTierEdge(gbs: Decimal, aboveFirstTier: Decimal) throws {
    let p = try profile("aws-lambda-x86")
    let billing = try #require(p.billing)
    let cost = BillingEngine.tieredCost(upTo: gbs, billing)
    #expect(cost == (gbs - aboveFirstTier) * dec("0.0000166667") + aboveFirstTier * dec("0.000015"))
}

/// A 15-day trace of 3.5 B GB-s is a 7 B GB-s month: the tier boundary is crossed only after
/// projection, and the free grant applies once to the month.
@Test func shortTraceIsProjectedBeforeTiersAndFreeGrants() throws {
    let p = try profile("aws-lambda-x86")
    let b = try bill(p, invocations: 3_500_000, durationMs: 1_000_000, memoryMB: 1024, days: 15)
    #expect(b.quantities.memoryGBSeconds == 7_000_000_000)
    #expect(b.quantities.requests == 7_000_000)
    let expected = (dec("6000000000") - 400_000) * dec("0.0000166667") + dec("1000000000") * dec("0.000015")
    #expect(b.compute == expected)
    #expect(b.requests == 6_000_000 * dec("0.0000002"))
    #expect(b.notes.contains { $0.contains("projected") })
}

@Test(arguments: ["aws-lambda-x86", "aws-lambda-arm64", "azure-consumption", "azure-flex", "gcf-gen1", "cloud-run", "oci-functions"])
func freeGrantLargerThanUsageCostsNothing(target: String) throws {
    let p = try profile(target)
    let b = try bill(p, invocations: 1000, durationMs: 120, memoryMB: 512)
    #expect(b.total == 0)
    let gross = try bill(p, invocations: 1000, durationMs: 120, memoryMB: 512, options: PricingOptions(freeTier: false))
    #expect(gross.total > 0)
    #expect(b.freeGrantCredit == gross.total)
}

/// Usage exactly at Lambda's monthly free grants (1 M requests, 400,000 GB-s) costs nothing;
/// one more call costs exactly its own request and GB-s, with the whole grant still credited.
@Test func freeGrantsExactlyAtTheirLimit() throws {
    let p = try profile("aws-lambda-x86")
    // 1,000,000 calls of 800 ms at 512 MB: 400,000 GB-s.
    let at = try bill(p, invocations: 1_000_000, durationMs: 800, memoryMB: 512)
    #expect(at.quantities.requests == 1_000_000)
    #expect(at.quantities.memoryGBSeconds == 400_000)
    #expect(at.total == 0)
    #expect(at.freeGrantCredit == dec("0.2") + 400_000 * dec("0.0000166667"))
    let over = try bill(p, invocations: 1_000_001, durationMs: 800, memoryMB: 512)
    #expect(over.requests == dec("0.0000002"))
    #expect(over.compute == dec("0.4") * dec("0.0000166667"))
    #expect(over.freeGrantCredit == at.freeGrantCredit)
    // One call fewer: still nothing, and the credit is only what was used.
    let under = try bill(p, invocations: 999_999, durationMs: 800, memoryMB: 512)
    #expect(under.total == 0)
    #expect(under.freeGrantCredit == at.freeGrantCredit - dec("0.0000002") - dec("0.4") * dec("0.0000166667"))
}

/// Egress, where usage records it: per GB of 2^30 bytes after the 100 GB free grant, at the
/// profile's price; exactly 100 GB is free.
@Test func egressIsBilledPerGBAfterItsFreeGrant() throws {
    let p = try profile("aws-lambda-x86")
    func egress(_ bytes: Int64) throws -> CostBreakdown {
        var recorder = try UsageRecorder(profile: p, days: 30)
        recorder.egress(bytes: bytes)
        return try BillingEngine.price(recorder.summary, on: p, options: PricingOptions())
    }
    let gb: Int64 = 1 << 30
    let at = try egress(100 * gb)
    #expect(at.quantities.egressGB == 100)
    #expect(at.egress == 0 && at.total == 0)
    #expect(at.freeGrantCredit == 100 * dec("0.09"))
    let over = try egress(101 * gb)
    #expect(over.egress == dec("0.09"))
    #expect(over.total == dec("0.09"))
    #expect(try egress(0).quantities.egressGB == 0)
}

@Test func noFreeTierBillsEverything() throws {
    let b = try bill(profile("aws-lambda-x86"), invocations: 3_000_000, durationMs: 1000, memoryMB: 512,
                     options: PricingOptions(freeTier: false))
    #expect(b.compute == 1_500_000 * dec("0.0000166667"))
    #expect(b.requests == dec("0.6"))
    #expect(b.freeGrantCredit == 0)
}

// MARK: - Init, provisioned, instance-based, discounts, regions

@Test func lambdaBillsInitAsOneRoundedDurationAzureDoesNot() throws {
    let lambda = try profile("aws-lambda-x86")
    var r = try UsageRecorder(profile: lambda)
    let shape = try r.shape(memoryMB: 1024)
    r.invocations(1, durationMs: 10.4, shape: shape, initMs: 250.3)
    // run 10.4 → 11 ms; together 260.7 → 261 ms, so the init share is 250 ms.
    #expect(r.summary.executionMs[shape] == 11)
    #expect(r.summary.initMs[shape] == 250)
    #expect(r.summary.coldStarts == 1)
    let b = try BillingEngine.price(r.summary, on: lambda, options: PricingOptions(freeTier: false))
    #expect(b.initialization == dec("0.25") * dec("0.0000166667"))

    var az = try UsageRecorder(profile: profile("azure-consumption"))
    az.invocations(1, durationMs: 10, shape: try az.shape(memoryMB: 128), initMs: 2000)
    #expect(az.summary.initMs.isEmpty)
    #expect(az.summary.coldStarts == 1)
}

@Test func lambdaProvisionedConcurrencyHasNoFreeTierAndRoundsTo5Minutes() throws {
    let p = try profile("aws-lambda-x86")
    var r = try UsageRecorder(profile: p)
    let shape = try r.shape(memoryMB: 1024)
    try r.provisioned(environments: 2, heldMs: 60_001, shape: shape)   // just over a minute → 5 min each
    #expect(r.summary.provisionedMs[shape] == Int64(600_000))
    let b = try BillingEngine.price(r.summary, on: p)
    #expect(b.provisioned == 600 * dec("0.0000041667"))
    #expect(b.total == b.provisioned)
}

@Test func cloudRunRequestAndInstanceBasedBilling() throws {
    let request = try profile("cloud-run")
    let b = try bill(request, invocations: 10_000_000, durationMs: 200, memoryMB: 512, vcpu: 1)
    // 2,000,000 vCPU-s − 180,000 free; 1,000,000 GiB-s − 360,000 free; 8 M requests.
    #expect(b.compute == 1_820_000 * dec("0.000024") + 640_000 * dec("0.0000025"))
    #expect(b.requests == 8_000_000 * dec("0.0000004"))

    let instanceCatalog = try catalog.overriding("cloud-run", with: YAMLTree.parse("billing: {mode: instance}"), origin: "test", read: "2026-11-29")
    let instance = try instanceCatalog.profile("cloud-run")
    var r = try UsageRecorder(profile: instance)
    let shape = try r.shape(memoryMB: 1024, vcpu: 1)
    r.instance(lifetimeMs: 30 * 86_400_000, shape: shape)   // one instance all month
    r.invocations(5_000_000, durationMs: 0, shape: shape)
    let ib = try BillingEngine.price(r.summary, on: instance, options: PricingOptions(freeTier: false))
    #expect(ib.requests == 0)
    #expect(ib.compute == 2_592_000 * dec("0.000018") + 2_592_000 * dec("0.000002"))
}

@Test func discountAndRegionMultiplier() throws {
    let overridden = try catalog.overriding("aws-lambda-x86", with: YAMLTree.parse("""
        billing:
          regions:
            eu-central-1: {value: 1.2, unit: x}
        """), origin: "test", read: "2026-11-29")
    let p = try overridden.profile("aws-lambda-x86")
    let base = try bill(p, invocations: 3_000_000, durationMs: 1000, memoryMB: 512)
    let eu = try bill(p, invocations: 3_000_000, durationMs: 1000, memoryMB: 512, options: PricingOptions(region: "eu-central-1"))
    #expect(eu.total == base.total * dec("1.2"))
    let discounted = try bill(p, invocations: 3_000_000, durationMs: 1000, memoryMB: 512, options: PricingOptions(discountPercent: 10))
    #expect(discounted.discount == base.total / 10)
    #expect(discounted.total == base.total - base.total / 10)
    #expect(throws: PricingError.self) {
        try bill(p, invocations: 1, durationMs: 1, memoryMB: 512, options: PricingOptions(region: "mars-1"))
    }
}

@Test func onPremTargetsAreNotPricedPerUse() throws {
    #expect(throws: PricingError.notPricedPerUse(target: "openfaas")) { try UsageRecorder(profile: profile("openfaas")) }
}

// MARK: - Catalog contents

@Test func bundledCatalogHasEveryTargetWithSourcedFigures() throws {
    let expected = ["aws-lambda-x86", "aws-lambda-arm64", "azure-consumption", "azure-flex", "gcf-gen1", "cloud-run",
                    "oci-functions", "openwhisk", "openfaas", "knative", "fn", "openlambda", "nuclio", "fission", "ironfunctions"]
    #expect(Set(catalog.ids) == Set(expected))
    for id in expected {
        let p = try profile(id)
        #expect(!p.figures.isEmpty, "\(id) has no figures")
        for entry in p.figures {
            let source = try #require(p.sources[entry.figure.source], "\(id).\(entry.path) has no source")
            #expect(source.url.hasPrefix("https://") || source.url.hasPrefix("docs/"), "\(id): \(source.url)")
            #expect(source.read.count == 10)
            if let day = source.checked.date { #expect(day >= source.read, "\(id): checked \(day) before read \(source.read)") }
        }
        if p.kind == .cloud {
            #expect(p.billing != nil && p.pricesAsOf != nil, "\(id) lacks billing or its date")
        }
    }
    let iron = try profile("ironfunctions")
    #expect(iron.status.state == .abandoned)
    #expect(iron.status.successor == "fn")
    #expect(catalog.profiles[iron.status.successor ?? ""] != nil)
}

// MARK: - Broken catalog files

@Test func missingPriceIsRejectedWithItsKeyPath() throws {
    let text = try brokenLambda("  requestPrice: {value: 0.20, unit: USD/1M-requests, source: aws-pricing}\n", with: "")
    let found = issues(text)
    #expect(found.contains { $0.path == "billing.requestPrice" && $0.message == "missing" })
    #expect(found.first?.description.hasPrefix("broken.yaml:") == true)
}

@Test func negativePriceIsRejected() throws {
    let text = try brokenLambda("requestPrice: {value: 0.20,", with: "requestPrice: {value: -0.20,")
    let found = issues(text)
    #expect(found.contains { $0.path == "billing.requestPrice.value" && $0.message.contains("negative") })
}

@Test func unknownFieldIsRejected() throws {
    let text = try brokenLambda("  mode: request\n", with: "  mode: request\n  memoryPrise: 3\n")
    let found = issues(text)
    let issue = try #require(found.first { $0.path == "billing.memoryPrise" })
    #expect(issue.message.contains("unknown field"))
    #expect(issue.line > 0)
}

@Test func wrongUnitIsRejected() throws {
    let text = try brokenLambda("memoryPrice: {value: 0.0000166667, unit: USD/GB-s", with: "memoryPrice: {value: 0.0000166667, unit: USD/ms")
    let found = issues(text)
    let issue = try #require(found.first { $0.path == "billing.memoryPrice.unit" })
    #expect(issue.message.contains("USD/GB-s"))
    #expect(issue.message.contains("'USD/ms'"))
    // A unit of the wrong dimension is as wrong as an unknown one.
    let seconds = try brokenLambda("durationRounding: {value: 1, unit: ms", with: "durationRounding: {value: 1, unit: GB-s")
    #expect(issues(seconds).contains { $0.path == "billing.durationRounding.unit" })
}

@Test func undefinedSourceBadDateAndBadYAMLAreRejected() throws {
    let text = try brokenLambda("source: aws-whitepaper}", with: "source: nowhere}")
    #expect(issues(text).contains { $0.message.contains("'nowhere' is not defined") })
    let date = try brokenLambda("pricesAsOf: 2026-11-29", with: "pricesAsOf: 29/11/2026")
    #expect(issues(date).contains { $0.path == "pricesAsOf" })
    guard case .failure(.unreadable) = Catalog.parse("billing: [unclosed", file: "x.yaml") else {
        Issue.record("invalid YAML was accepted")
        return
    }
}

@Test func catalogFolderOverridesAndReportsEveryBrokenFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("placer-catalog-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let cheaper = try brokenLambda("requestPrice: {value: 0.20,", with: "requestPrice: {value: 0.10,")
    try cheaper.write(to: dir.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
    let replaced = try catalog.adding(directory: dir)
    #expect(replaced.profiles["aws-lambda-x86"]?.billing?.requestPrice.value == dec("0.10"))
    #expect(replaced.ids.count == catalog.ids.count)

    try "schema: placer.profile/v1\nid: x\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    #expect {
        try catalog.adding(directory: dir)
    } throws: { error in
        guard case CatalogError.invalid(let found) = error else { return false }
        return found.issues.allSatisfy { $0.file == "bad.yaml" } && found.issues.contains { $0.path == "name" }
    }
}

// MARK: - Deployment overrides

@Test func deploymentTargetsCarryOverridesAndDiscounts() throws {
    let deployment = try YAMLTree.parse("""
        targets:
          - aws-lambda-x86
          - id: openfaas
            keepAlive: {policy: fixed-idle, idle: {value: 15, unit: min}}
          - id: azure-consumption
            discount: 12%
            billing:
              memoryPrice: 0.000014
        """)
    let list = try TargetSelection.list(in: deployment, file: "placer.yaml")
    #expect(list.map(\.id) == ["aws-lambda-x86", "openfaas", "azure-consumption"])
    #expect(list[2].discountPercent == 12)
    var c = catalog
    for item in list { if let o = item.override { c = try c.overriding(item.id, with: o, origin: "placer.yaml", read: "2026-11-29") } }
    let faas = try c.profile("openfaas")
    #expect(faas.keepAlive.policy == .fixedIdle)
    #expect(faas.keepAlive.idle?.canonical == 900_000)
    #expect(faas.keepAlive.idle?.source == "override")
    #expect(try c.profile("azure-consumption").billing?.memoryPrice.value == dec("0.000014"))
    // An override that breaks the schema is reported against both files.
    #expect {
        try catalog.overriding("openfaas", with: YAMLTree.parse("keepAlive: {idel: 3}"), origin: "placer.yaml", read: "2026-11-29")
    } throws: { error in
        "\(error)".contains("openfaas.yaml + overrides from placer.yaml") && "\(error)".contains("keepAlive.idel")
    }
}

@Test func deploymentOverridesAcceptShortDurations() throws {
    // DESIGN.md's spelling: `keepAlive: {policy: fixed, idle: 600s}`, and 10m, 1h, 250ms alike.
    for (text, ms) in [("600s", 600_000), ("10m", 600_000), ("1h", 3_600_000), ("250ms", 250), ("1.5 min", 90_000)] {
        let c = try catalog.overriding("aws-lambda-x86", with: YAMLTree.parse("keepAlive: {policy: fixed, idle: \(text)}"),
                                       origin: "placer.yaml", read: "2026-11-29")
        let k = try c.profile("aws-lambda-x86").keepAlive
        #expect(k.policy == .fixedIdle, "\(text)")
        #expect(k.idle?.canonical == Decimal(ms), "\(text)")
        #expect(k.idle?.source == "override", "\(text)")
    }
    // A policy that had no idle time gets one from the short form too.
    let faas = try catalog.overriding("openfaas", with: YAMLTree.parse("keepAlive: {policy: fixed-idle, idle: 15m}"),
                                      origin: "placer.yaml", read: "2026-11-29")
    #expect(try faas.profile("openfaas").keepAlive.idle?.canonical == 900_000)
    // A unit of the wrong kind, or an unknown one, is still an error naming the field.
    for bad in ["600GB", "10 fortnights"] {
        #expect {
            try catalog.overriding("aws-lambda-x86", with: YAMLTree.parse("keepAlive: {policy: fixed, idle: \(bad)}"),
                                   origin: "placer.yaml", read: "2026-11-29")
        } throws: { error in "\(error)".contains("keepAlive.idle") }
    }
}

// MARK: - Invariants over seeded random usage

/// SplitMix64, so a failing seed can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test func billsAreNonNegativeMonotoneAndAdditiveInUsage() throws {
    let targets = ["aws-lambda-x86", "aws-lambda-arm64", "azure-consumption", "azure-flex", "gcf-gen1", "cloud-run", "oci-functions"]
    for seed in UInt64(1)...40 {
        var rng = SeededGenerator(state: seed)
        let p = try profile(targets[Int(seed) % targets.count])
        var r1 = try UsageRecorder(profile: p), r2 = try UsageRecorder(profile: p)
        let shape = try r1.shape(memoryMB: Int.random(in: 512...3008, using: &rng))
        let n1 = Int64.random(in: 0...20_000_000, using: &rng), n2 = Int64.random(in: 0...20_000_000, using: &rng)
        r1.invocations(n1, durationMs: Double.random(in: 0...5000, using: &rng), shape: shape)
        r2.invocations(n2, durationMs: Double.random(in: 0...5000, using: &rng), shape: shape)
        let a = try BillingEngine.price(r1.summary, on: p), both = try BillingEngine.price(r1.summary + r2.summary, on: p)
        #expect(a.total >= 0, "seed \(seed)")
        #expect(both.total >= a.total, "seed \(seed): more usage cost less")
        let noFree = try BillingEngine.price(r1.summary + r2.summary, on: p, options: PricingOptions(freeTier: false))
        // Both ways: the credit is exactly what the grant took off, to a billionth of a dollar
        // (Decimal division by 1,000 and 1,024 can leave a last digit).
        let gap = noFree.total - both.total - both.freeGrantCredit
        #expect(abs(gap) <= dec("0.000000001"), "seed \(seed): free-grant credit does not explain the difference (\(gap))")
        #expect(try BillingEngine.price(r1.summary, on: p).json() == a.json(), "seed \(seed): not deterministic")
    }
}

/// Accounts' bills added up (`BillingEngine.summed`): every line, storage included.
struct AccountBillTests {
    @Test func summedBillsAddEveryLine() throws {
        var a = CostBreakdown(target: "t", usageDays: 30)
        a.compute = 1; a.requests = 2; a.initialization = 3; a.provisioned = 4; a.egress = 5; a.storage = 6
        a.freeGrantCredit = 7; a.discount = 8; a.total = 21
        var b = a
        b.storage = 10; b.total = 25
        let sum = try BillingEngine.summed([a, b])
        #expect((sum.compute, sum.requests, sum.initialization, sum.provisioned, sum.egress) == (2, 4, 6, 8, 10))
        #expect((sum.storage, sum.freeGrantCredit, sum.discount, sum.total) == (16, 14, 16, 46))
        #expect(sum.notes.last == "billed as 2 accounts, each with its own free grants and volume tiers; their bills are summed")
        #expect(try BillingEngine.summed([a]) == a)
        #expect(throws: PricingError.self) { try BillingEngine.summed([]) }
    }
}
