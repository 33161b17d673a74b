import Foundation
import Results
import Simulation
import TerminalText
import Testing
import UseCases

// Simulate, place, advise and report called directly: the sections they add, the plans, the
// same bytes for the same inputs, and the kind of every mistake.

@Suite struct ReplayUseCaseTests {
    private static let targets = ["aws-lambda-x86", "azure-consumption", "knative"]

    @Test func simulateIsDeterministicAndCarriesLockInAndMemory() throws {
        let dir = try scratch()
        let trace = try twoFunctionTrace(in: dir)
        let one = try SimulationRun.run(SimulationRequest(paths: [trace], targets: Self.targets))
        let two = try SimulationRun.run(SimulationRequest(paths: [trace], targets: Self.targets, workers: 1))
        #expect(one.result.json() == two.result.json(), "same inputs and seed, same bytes, whatever the threads")
        #expect(one.result.targets.map(\.id) == Self.targets)
        #expect(one.result.sections["memory"] != nil)
        // The terminal's table: a row per target, the on-prem one without a bill.
        let table = SimulationText.render(one.result).split(separator: "\n")
        #expect(table.first == "Replayed 2 functions over 0.03 days (seed 1, exponential arrivals)")
        #expect(table.contains { $0.hasPrefix("knative ") && $0.hasSuffix(" on-prem") })
        // Lock-in and compliance per function and simulated target.
        let doc = try ResultDocument.parse(Data(one.result.json().utf8), file: "r.json")
        let functions = doc.root["lockIn"]?["functions"]?.array ?? []
        #expect(functions.count == 2)
        for function in functions {
            #expect(Set(function["lockIn"]?.object?.keys.map { $0 } ?? []) == Set(Self.targets))
            #expect(function["compliance"]?.array?.count == 3)
        }
    }

    @Test func simulateMistakesAreUsageErrors() throws {
        let dir = try scratch()
        let trace = try twoFunctionTrace(in: dir)
        let unknown = try #require(useCaseError { _ = try SimulationRun.run(SimulationRequest(paths: [trace], targets: ["aws-lambda-z80"])) })
        #expect(unknown.kind == .usage)
        let none = try #require(useCaseError { _ = try SimulationRun.run(SimulationRequest(paths: [trace])) })
        #expect(none == UseCaseError(.usage, "give at least one --target (see `placer catalog list`), or a --deployment with targets"))
    }

    @Test func placeComparesNamedPlansAndRecommendsAFeasibleOne() throws {
        let request = Place.Request(paths: [azureFixture], targets: ["aws-lambda-x86", "azure-consumption"], onPrem: "openfaas", workers: 2)
        let recorder = Recorder()
        let placed = try Place.run(request, progress: recorder)
        #expect(placed.decision.options.map(\.id) == ["stay", "fewest-moves", "one-provider", "cheapest"])
        #expect(placed.decision.options.last?.plan.algorithm == "exact")
        let recommended = try #require(placed.decision.options.first { $0.id == placed.decision.recommended })
        #expect(recommended.feasible)
        #expect(placed.decision.choice?.plan.functions.allSatisfy { !$0.reason.isEmpty } == true)
        let breakEven = try #require(placed.breakEven)
        #expect(breakEven.scales.count == 10 && breakEven.crossovers.count == 2)
        // The result carries both as sections; the same request on one thread gives the same bytes.
        #expect(placed.run.result.sections["placement"] != nil && placed.run.result.sections["breakEven"] != nil)
        var single = request
        single.workers = 1
        #expect(try Place.run(single).run.result.json() == placed.run.result.json())
        #expect(recorder.notes.contains("current target taken as azure-consumption (the trace is Azure's); --current to change"))
    }

    @Test func placeMistakesHaveTheirKinds() throws {
        let dir = try scratch()
        let broken = try write("onprem:\n  server:\n    cores: 64\n    priceUSD: cheap\n", "placer.yaml", in: dir)
        let input = try #require(useCaseError { _ = try Place.run(Place.Request(paths: [azureFixture], deployment: broken, targets: ["aws-lambda-x86"])) })
        #expect(input.kind == .badInput && input.message.hasPrefix("\(broken):4: onprem.server.priceUSD: expected a number"), "\(input.message)")
        let cloud = try #require(useCaseError { _ = try Place.run(Place.Request(paths: [azureFixture], onPrem: "aws-lambda-x86")) })
        #expect(cloud.kind == .usage && cloud.message.hasPrefix("--onprem aws-lambda-x86 is a cloud target"))
        let horizon = try #require(useCaseError { _ = try Place.decisionInputs(horizonMonths: 0, dayRateUSD: nil) })
        #expect(horizon == UseCaseError(.usage, "--horizon 0: expected months from 1 to 600"))
    }

    @Test func adviseWritesWhatReportRendersAgain() throws {
        let dir = try scratch()
        let trace = repository.appendingPathComponent("datasets/lambda-log").path
        var request = Advise.Request(paths: [trace], targets: ["aws-lambda-x86", "aws-lambda-arm64", "openfaas"],
                                     out: dir.appendingPathComponent("lambda.md").path)
        request.workers = 1
        let recorder = Recorder()
        let advised = try Advise.run(request, progress: recorder)
        #expect(advised.json == dir.appendingPathComponent("lambda.json").path)
        #expect(recorder.steps.first == "Replaying the trace on 3 targets")
        #expect(recorder.steps.contains("Placing each function (cloud or a cluster of openfaas)"))
        #expect(advised.document.root["placement"]?["options"]?.array?.isEmpty == false)
        #expect(advised.document.root["placement"]?["recommended"]?.string != nil)
        #expect(advised.document.root["keepAlive"]?["policies"]?.array?.count == 3)
        #expect(advised.document.root["profiles"]?.array?.count == 3)
        // Same inputs and seed, same JSON bytes, whatever the threads.
        var second = request
        second.out = dir.appendingPathComponent("second.md").path
        second.workers = 2
        let again = try Advise.run(second)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again.json)) == Data(contentsOf: URL(fileURLWithPath: advised.json)))

        // Rendering the written JSON again gives the same markdown and charts, byte for byte.
        let elsewhere = try scratch()
        let rendered = try RenderReport.run(result: advised.json, out: elsewhere.appendingPathComponent("lambda.md").path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: rendered.report)) == Data(contentsOf: URL(fileURLWithPath: advised.report)))
        #expect(rendered.charts.map { ($0 as NSString).lastPathComponent } == advised.charts.map { ($0 as NSString).lastPathComponent })
        let markdown = try String(contentsOfFile: rendered.report, encoding: .utf8)
        #expect(markdown.contains("\n## Verdict\n") && markdown.contains("| plan | what it does | USD / month | saving / month |"))
    }

    /// Every on-prem platform simulated gets a cost of ownership with the whole trace on it, each
    /// with its own control plane, and the report's targets table costs them all.
    @Test func adviseCostsEveryOnPremPlatform() throws {
        let dir = try scratch()
        let trace = repository.appendingPathComponent("datasets/lambda-log").path
        let onPrem = ["openfaas", "knative", "openwhisk", "openlambda"]
        var request = Advise.Request(paths: [trace], targets: ["aws-lambda-arm64"] + onPrem, out: dir.appendingPathComponent("all.md").path)
        request.workers = 1
        let advised = try Advise.run(request)
        let costs = advised.document.root["onPremCosts"]?["targets"]?.array ?? []
        #expect(costs.compactMap { $0["target"]?.string } == onPrem)
        for c in costs {
            #expect((c["monthlyCost"]?["total"]?.double ?? 0) > 0, "\(c["target"]?.string ?? "?")")
            #expect(c["basis"]?["cpu"]?.string?.isEmpty == false && c["basis"]?["site"]?.string?.isEmpty == false)
        }
        let planes = Set(costs.compactMap { $0["controlPlane"]?["memoryMB"]?.double })
        #expect(planes.count == onPrem.count, "each platform's own control plane")
        let markdown = try String(contentsOfFile: advised.report, encoding: .utf8)
        #expect(!markdown.contains("not computed") && !markdown.contains("Not costed"))
        #expect(markdown.contains("What the on-prem costs rest on:"))
    }

    @Test func reportMistakesHaveTheirKinds() throws {
        let dir = try scratch()
        let broken = try write("{\"schema\": \"placer.result/v1\", ", "broken.json", in: dir)
        let input = try #require(useCaseError { _ = try RenderReport.run(result: broken, out: nil) })
        #expect(input.kind == .badInput && input.message.hasPrefix("\(broken): ") && input.message.contains("not valid JSON"))
        let good = try write(try Self.resultJSON(in: dir), "good.json", in: dir)
        let name = try #require(useCaseError { _ = try RenderReport.run(result: good, out: dir.appendingPathComponent("r.txt").path) })
        #expect(name == UseCaseError(.usage, "--out \(dir.appendingPathComponent("r.txt").path): the report's name must end in .md"))
        let unwritable = try #require(useCaseError { _ = try RenderReport.run(result: good, out: "/proc/placer-no-such/x.md") })
        #expect(unwritable.kind == .cannotCreate && unwritable.message.hasPrefix("cannot write /proc/placer-no-such/x.md"))
        let advise = try #require(useCaseError { _ = try Advise.run(Advise.Request(paths: [good], out: "x.txt")) })
        #expect(advise.kind == .usage)
    }

    /// A small simulation's result JSON.
    static func resultJSON(in dir: URL, targets: [String] = ["aws-lambda-x86"], deployment: String? = nil) throws -> String {
        try SimulationRun.run(SimulationRequest(paths: [try twoFunctionTrace(in: dir)], targets: targets, deployment: deployment)).result.json()
    }
}
