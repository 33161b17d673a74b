import Foundation
@testable import FuzzTargets
import Testing

/// The harness's own promise: it tells a clean refusal from a broken one.
@Suite struct FuzzOutcomeTests {
    @Test func aMessageOverSeveralLinesIsAViolation() {
        #expect(FuzzOutcome.refusal("x.csv:1:1: bad") == .refused("x.csv:1:1: bad"))
        for broken in ["x.csv:1:1: bad\nsecond line", "bad\r", ""] {
            guard case .violation = FuzzOutcome.refusal(broken) else { Issue.record("\(broken.debugDescription) passed"); continue }
        }
    }

    @Test func everyTargetHasSeedsAndADictionary() {
        let fuzz = FuzzRegressionTests.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fuzz")
        for target in FuzzTarget.all {
            let seeds = (try? FileManager.default.contentsOfDirectory(atPath: fuzz.appendingPathComponent("corpus/\(target.name)").path)) ?? []
            #expect(!seeds.isEmpty, "fuzz/corpus/\(target.name) has no seeds")
            #expect(FileManager.default.fileExists(atPath: fuzz.appendingPathComponent("dict/\(target.name).dict").path),
                    "fuzz/dict/\(target.name).dict is missing")
        }
    }

    /// A seed is a valid input: each must be accepted, so the fuzzer starts from the parser's depths.
    @Test(arguments: FuzzTarget.all.map(\.name))
    func seedsAreAccepted(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = FuzzRegressionTests.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fuzz/corpus/\(name)")
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let outcome = target.run(try [UInt8](Data(contentsOf: folder.appendingPathComponent(file))))
            #expect(outcome == .accepted, "fuzz/corpus/\(name)/\(file): \(outcome)")
        }
    }
}
