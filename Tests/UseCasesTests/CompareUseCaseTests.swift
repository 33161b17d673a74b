import Compare
import Foundation
import TerminalText
import Testing
import UseCases

// Compare, lock-in, execute's schedule and price called directly.

@Suite struct CompareUseCaseTests {
    @Test func twoResultsComparedAgainstThresholds() throws {
        let dir = try scratch()
        let base = try write(try ReplayUseCaseTests.resultJSON(in: dir), "base.json", in: dir)
        // HEAD: the same trace with every function at 1 GB.
        let deployment = try write("functions:\n  - match: \"*\"\n    memoryMB: 1024\n", "head.yaml", in: dir)
        let head = try write(try ReplayUseCaseTests.resultJSON(in: dir, deployment: deployment), "head.json", in: dir)

        var request = CompareResults.Request(base: base, head: head)
        request.thresholds.costIncrease = [try Bound.parse("0%", allowed: [.percent, .usd], option: "--fail-on-cost-increase")]
        let compared = try CompareResults.run(request)
        let text = try #require(compared.text)
        #expect(text.contains("256 → 1,024"), "\(text)")
        #expect(!compared.written)
        #expect(compared.checks.count == 1)

        // The same result on both sides: nothing material, and --only-if-changed says nothing at all.
        var same = CompareResults.Request(base: base, head: base)
        same.onlyIfChanged = true
        same.out = dir.appendingPathComponent("stale.md").path
        try "an earlier comment".write(toFile: same.out!, atomically: true, encoding: .utf8)
        let quiet = try CompareResults.run(same)
        #expect(quiet.text == nil && quiet.breached.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: same.out!), "no output means no file")

        // A deployment file as a side is simulated over the trace.
        var simulated = CompareResults.Request(base: base, head: deployment, trace: [dir.appendingPathComponent("calls.csv").path])
        simulated.targets = ["aws-lambda-x86"]
        simulated.format = .json
        #expect(try CompareResults.run(simulated).text?.hasPrefix("{") == true)
    }

    @Test func compareMistakesHaveTheirKinds() throws {
        let dir = try scratch()
        let base = try write(try ReplayUseCaseTests.resultJSON(in: dir), "base.json", in: dir)
        let yaml = try write("targets: [aws-lambda-x86]\n", "head.yaml", in: dir)
        let noTrace = try #require(useCaseError { _ = try CompareResults.run(CompareResults.Request(base: base, head: yaml)) })
        #expect(noTrace == UseCaseError(.usage, "HEAD \(yaml) is a deployment file: give --trace to simulate it over (or pass a result JSON)"))
        let absent = dir.appendingPathComponent("absent.json").path
        let missing = try #require(useCaseError { _ = try CompareResults.run(CompareResults.Request(base: absent, head: base)) })
        #expect(missing == UseCaseError(.badInput, "\(absent): cannot read this file"))
    }

    @Test func lockInGuessesTheCurrentTargetAndJudgesTheCandidates() throws {
        let recorder = Recorder()
        let report = try LockInCheck.run(LockInCheck.Request(paths: [azureFixture], targets: ["knative", "openfaas"]), progress: recorder)
        #expect(recorder.notes == ["current target taken as azure-consumption (the trace is Azure's); --current to change"])
        #expect(report.text().contains("Lock-in score per function"))
        let wrong = try #require(useCaseError { _ = try LockInCheck.run(LockInCheck.Request(paths: [azureFixture], targets: ["knative-z"])) })
        #expect(wrong.kind == .usage)
    }

    @Test func executeSchedulesTheSameCallsForTheSameSeedAndChecksFirst() throws {
        let dir = try scratch()
        var request = Execute.ScheduleRequest(paths: [try twoFunctionTrace(in: dir)])
        request.dryRun = true
        request.functions = "busiest:1"
        request.window = "0..10m"
        let one = try Execute.schedule(request), two = try Execute.schedule(request)
        #expect(one.calls == two.calls && !one.calls.isEmpty)
        #expect(one.functionCount == 1 && Set(one.calls.map(\.function)) == ["b"])
        #expect(one.calls.allSatisfy { $0.scheduledSeconds < 600 })
        request.window = "10..5"
        #expect(useCaseError { _ = try Execute.schedule(request) } == UseCaseError(.usage, "--window: FROM must be before TO in 10..5"))
        request.window = nil
        request.dryRun = false
        #expect(useCaseError { _ = try Execute.schedule(request) }?.message == "give --out FILE.csv for the per-invocation CSV (or --dry-run)")
        request.out = "/proc/placer-no-such/calls.csv"
        #expect(useCaseError { _ = try Execute.schedule(request) }?.kind == .cannotCreate)
        #expect(try ReplayWindow.parse("10h..10h30m") == (36_000, 37_800))
    }

    @Test func priceBillsASteadyWorkload() throws {
        let priced = try Price.run(Price.Request(target: "aws-lambda-x86", invocations: 1_000_000, durationMs: 100, memoryMB: 128))
        #expect(priced.bill.total >= 0 && priced.shape.memoryMB == 128)
        let unknown = try #require(useCaseError { _ = try Price.run(Price.Request(target: "nowhere", invocations: 1, durationMs: 1, memoryMB: 128)) })
        #expect(unknown.kind == .usage)
        #expect(try CatalogLookup.show("openfaas", catalog: nil).kind == .onprem)
        #expect(useCaseError { _ = try CatalogLookup.show("nowhere", catalog: nil) }?.kind == .usage)
    }

    @Test func catalogShowSaysWhoseColdStartsATargetDrawsAs() throws {
        let arm = CatalogText.show(try CatalogLookup.show("aws-lambda-arm64", catalog: nil))
        #expect(arm.contains("\ncold starts drawn as: aws-lambda-x86 (the same random numbers: "))
        #expect(!CatalogText.show(try CatalogLookup.show("aws-lambda-x86", catalog: nil)).contains("drawn as"))
    }

    @Test func priceBillsTheEgressItIsGiven() throws {
        // Lambda: 100 GB out free, then $0.09 a GB (the profile's figures); 150 GB costs 50 × 0.09.
        var request = Price.Request(target: "aws-lambda-x86", invocations: 0, durationMs: 0, memoryMB: 128)
        request.egressGB = 150
        let priced = try Price.run(request)
        #expect(priced.bill.quantities.egressGB == 150)
        #expect(priced.bill.egress == 50 * Decimal(string: "0.09")!)
        #expect(priced.bill.total == priced.bill.egress)
        request.egressGB = 0
        #expect(try Price.run(request).bill.egress == 0)
        for bad in [-1, .infinity, .nan, 2e9] {
            request.egressGB = bad
            #expect(useCaseError { _ = try Price.run(request) }?.kind == .usage, "\(bad)")
        }
    }
}
