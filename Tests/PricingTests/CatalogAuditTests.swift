import Foundation
import Testing
@testable import Pricing

// `placer catalog audit`'s library half: ages from the last confirmation, what is stale, and how
// far a figure moves a bill when halved and doubled — checked by hand on Lambda's prices.

private let catalog: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()

/// A month of Lambda x86 use at 1 GB: 10 M requests of 1 s each (10 M GB-s).
private func lambdaMonth() throws -> UsageSummary {
    let p = try catalog.profile("aws-lambda-x86")
    var recorder = try UsageRecorder(profile: p, days: 30)
    let shape = try recorder.shape(memoryMB: 1024)
    recorder.invocations(10_000_000, durationMs: 1000, shape: shape)
    return recorder.summary
}

@Test func agesCountFromTheLastCheckAndNeverCheckedIsStale() throws {
    #expect(try CatalogAudit.days(from: "2026-11-29", to: "2026-12-04") == 5)
    #expect(try CatalogAudit.days(from: "2024-02-28", to: "2024-03-01") == 2, "a leap year")
    #expect(throws: PricingError.self) { try CatalogAudit.days(from: "2026-13-01", to: "2026-12-04") }
    let rows = try CatalogAudit.rows(catalog, asOf: "2026-12-04", staleAfterDays: 365)
    #expect(rows.count == catalog.ids.compactMap { catalog.profiles[$0]?.figures.count }.reduce(0, +))
    // Lambda's request price was re-checked on 2026-12-04: age 0, not stale.
    let request = try #require(rows.first { $0.owner == "aws-lambda-x86" && $0.path == "billing.requestPrice" })
    #expect(request.ageDays == 0 && !request.stale && request.source.confidence == .provider)
    // Its vCPU coupling was read on 2026-11-29 and never re-checked: age 5, stale.
    let cpu = try #require(rows.first { $0.owner == "aws-lambda-x86" && $0.path == "billing.cpu.memoryPerVCPU" })
    #expect(cpu.ageDays == 5 && cpu.stale)
    // A year on, a figure checked on 2026-12-04 is stale by age alone.
    let later = try CatalogAudit.rows(catalog, asOf: "2027-12-05", staleAfterDays: 365)
    #expect(try #require(later.first { $0.owner == "aws-lambda-x86" && $0.path == "billing.requestPrice" }).stale)
    // Oldest first.
    #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.ageDays >= $1.ageDays })
}

@Test func halvingAndDoublingAPriceMovesTheBillByHand() throws {
    let p = try catalog.profile("aws-lambda-x86")
    let usage = try lambdaMonth()
    // By hand: 10 M GB-s − 400,000 free = 9.6 M GB-s × $0.0000166667 = $160.00032; requests
    // 9 M × $0.20/M = $1.80. Halving the request price saves $0.90; doubling costs $1.80.
    let base = try BillingEngine.price(usage, on: p).total
    #expect(base == Decimal(string: "161.80032")!)
    var row = try #require(try CatalogAudit.rows(catalog, asOf: "2028-01-01", staleAfterDays: 365)
        .first { $0.owner == p.id && $0.path == "billing.requestPrice" })
    #expect(row.stale)
    let swings = try CatalogAudit.swings([row], profile: p, usage: usage, options: PricingOptions())
    #expect(swings.count == 1)
    #expect(swings[0].halved == Decimal(string: "-0.9")! && swings[0].doubled == Decimal(string: "1.8")!)
    // The base memory price is the first tier's: both move together (the reader requires it).
    row.path = "billing.memoryPrice"
    let memory = try CatalogAudit.swings([row], profile: p, usage: usage, options: PricingOptions())
    #expect(memory[0].halved == Decimal(string: "-80.00016")! && memory[0].doubled == Decimal(string: "160.00032")!)
}

@Test func onlyBillingFiguresAreReBilled() throws {
    #expect(FigureScaling.isRebillable("billing.requestPrice"))
    #expect(FigureScaling.isRebillable("billing.memoryTiers[1].price"))
    #expect(FigureScaling.isRebillable("billing.freeGrant.memory"))
    #expect(!FigureScaling.isRebillable("billing.durationRounding"), "rounding shapes the usage as it is recorded")
    #expect(!FigureScaling.isRebillable("billing.memory.min"))
    #expect(!FigureScaling.isRebillable("keepAlive.idle"), "keep-alive needs a replay")
    #expect(!FigureScaling.isRebillable("coldStart.median"))
    // A doubled tier start that overtakes the next tier is refused with the reader's reason.
    let p = try catalog.profile("aws-lambda-x86")
    #expect(throws: CatalogError.self) { _ = try FigureScaling.scaled(p, path: "billing.memoryTiers[1].from", by: 3) }
    let scaled = try FigureScaling.scaled(p, path: "billing.memoryTiers[2].price", by: 2)
    #expect(scaled.billing?.memoryTiers[2].price.value == Decimal(string: "0.0000266668")!)
    #expect(scaled.billing?.memoryTiers[1].price.value == p.billing?.memoryTiers[1].price.value)
}
