import Foundation
import Testing
@testable import Pricing

/// Numbers in profiles are read whole and range-checked; a YAML file cannot expand past its
/// node budget; usage that would overflow `Int64` is refused, not wrapped or trapped.
@Suite struct InputBoundsTests {
    @Test func aDecimalIsReadWholeOrNotAtAll() {
        for bad in ["0.2.0.5", "1.2.3", "1e", "1e+", "--1", "1-2", ".", "", "e5", "1e100000", "0x10", "1 2", "12abc"] {
            #expect(ProfileReader.decimal(bad) == nil, "\(bad)")
        }
        let good: [(String, String)] = [("0.2", "0.2"), ("20", "20"), ("-0.5", "-0.5"), ("+3", "3"), ("1e6", "1000000"),
                                        ("2.5E-3", "0.0025"), ("1_000_000", "1000000"), (".5", "0.5"), ("5.", "5")]
        for (text, value) in good {
            #expect(ProfileReader.decimal(text) == Decimal(string: value), "\(text)")
        }
    }

    @Test func anAliasBombStopsAtTheNodeBudget() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        // 10^10 nodes once expanded; refused after the budget's worth of copying.
        #expect(throws: YAMLSyntaxError.self) { try YAMLTree.parse(yaml, maxNodes: 10_000) }
        do { _ = try YAMLTree.parse(yaml, maxNodes: 10_000) } catch {
            #expect("\(error)".contains("more than 10000 nodes") && "\(error)".contains("PLACER_MAX_YAML_NODES"))
        }
        // A document within the budget, aliases and all, reads as before.
        let small = try YAMLTree.parse("a: &x [1, 2]\nb: *x\n", maxNodes: 7)
        #expect(small["b"] == small["a"])
        #expect(throws: YAMLSyntaxError.self) { try YAMLTree.parse("a: &x [1, 2]\nb: *x\n", maxNodes: 6) }
    }

    @Test func aCountAboveInt32IsRefusedInAProfile() throws {
        let url = try #require(Catalog.bundledDirectory).appendingPathComponent("aws-lambda-x86.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("perInstanceConcurrency"))
        let catalog = try Catalog.bundled()
        let overridden = { (value: String) throws -> Catalog in
            try catalog.overriding("aws-lambda-x86", with: try YAMLTree.parse("limits: {perInstanceConcurrency: \(value)}"),
                                   origin: "placer.yaml", read: "2026-12-04")
        }
        #expect(throws: (any Error).self) { try overridden("3000000000") }
        #expect(throws: (any Error).self) { try overridden("2.5") }
        _ = try overridden("2147483647")
    }

    @Test func usageThatWouldOverflowIsRefused() throws {
        let profile = try Catalog.bundled().profile("aws-lambda-x86")
        var recorder = try UsageRecorder(profile: profile)
        let shape = try recorder.shape(memoryMB: 128)
        recorder.invocations(Int64.max / 2, durationMs: 1000, shape: shape)
        #expect(recorder.summary.overflowed)
        #expect(throws: PricingError.self) { try BillingEngine.price(recorder.summary, on: profile) }
        var long = try UsageRecorder(profile: profile)
        long.invocations(1, durationMs: 1e16, shape: shape)
        #expect(long.summary.overflowed, "a duration past 31 years is not billed as a wrapped figure")
        var fine = try UsageRecorder(profile: profile)
        fine.invocations(1_000_000, durationMs: 1000, shape: shape)
        #expect(!fine.summary.overflowed)
        #expect(!(fine.summary + fine.summary).overflowed)
        #expect((recorder.summary + fine.summary).overflowed)
    }
}
