import Executor
import Foundation
import Gateway
import Testing
import UseCases

/// The gateway replay use case called directly, against the gateway double started here on 127.0.0.1.
@Suite(.serialized) struct GatewayUseCaseTests {
    /// Twelve calls of two functions, 10 ms apart.
    private static let calls = (0..<12).map {
        ExecCall(index: $0, app: "images", function: $0 % 3 == 0 ? "thumb" : "resize", scheduledSeconds: Double($0) * 0.01,
                 durationMs: 1, memoryMB: 256)
    }

    @Test func replaysEveryCallWritesTheCSVAndTheJSON() throws {
        let double = try GatewayDouble(behavior: .init(failIndices: [3]))
        defer { double.stop() }
        let dir = try scratch()
        var request = Execute.HTTPRequest()
        request.gateway = double.url.absoluteString
        request.route = .openfaas
        request.concurrency = 4
        request.timeout = 5
        request.out = dir.appendingPathComponent("out.csv").path
        request.json = dir.appendingPathComponent("out.json").path
        let plan = try Execute.prepareHTTP(request, for: Self.calls)
        #expect(plan.route == .openfaas && plan.functionCount == 2 && plan.target == double.url.absoluteString)
        let recorder = Recorder()
        let outcome = try Execute.runHTTP(request, plan: plan, progress: recorder)
        #expect(!outcome.stopped)
        #expect(outcome.outcomes.count == 12 && outcome.summary.calls == 12)
        #expect(outcome.summary.outcomes.map { "\($0.0) \($0.1)" } == ["http-500 1", "ok 11"])
        #expect(double.requests.count == 12 && double.maxInFlight <= 4)
        let messages = recorder.events.compactMap { if case .message(let text) = $0 { text } else { nil } }
        #expect(messages.first == "replaying 12 calls over 0.1 s (Ctrl-C stops and keeps what was measured)…")
        let csv = try String(contentsOfFile: try #require(request.out), encoding: .utf8).split(separator: "\n")
        #expect(csv.first.map(String.init) == GatewayRecord.header && csv.count == 13)
        let json = try String(contentsOfFile: try #require(request.json), encoding: .utf8)
        #expect(json.contains("\"schema\": \"placer.execution.http/v1\"") && json.contains("\"stopped\": false"))
    }

    @Test func aStoppedReplaySendsNothingAndSaysSo() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        var request = Execute.HTTPRequest()
        request.gateway = double.url.absoluteString
        request.route = .openfaas
        let plan = try Execute.prepareHTTP(request, for: Self.calls)
        let stop = GatewayStop()
        stop.stop()
        let outcome = try Execute.runHTTP(request, plan: plan, stop: stop)
        #expect(outcome.stopped)
        #expect(outcome.outcomes.count == 12 && outcome.outcomes.allSatisfy { $0.outcome == "not-sent" })
        #expect(double.requests.isEmpty)
    }

    @Test func routeGatewayAndFunctionMapAreCheckedBeforeAnythingIsSent() throws {
        let dir = try scratch()
        var request = Execute.HTTPRequest()
        #expect(useCaseError { _ = try Execute.prepareHTTP(request, for: Self.calls) } == UseCaseError(.usage, "give --route (openfaas, knative, openwhisk, fn, lambda-url) or --route-template"))
        request.route = .openfaas
        request.gateway = "ftp://x"
        #expect(useCaseError { _ = try Execute.prepareHTTP(request, for: Self.calls) } == UseCaseError(.usage, "--gateway: not an http(s) URL: ftp://x"))
        request.route = .lambdaURL
        request.gateway = nil
        #expect(useCaseError { _ = try Execute.prepareHTTP(request, for: Self.calls) }?.kind == .badInput)
        let map = try write("# URLs\nresize = https://r.example/\n\nthumb=https://t.example/\n", "map.txt", in: dir)
        request.functionMap = map
        let plan = try Execute.prepareHTTP(request, for: Self.calls)
        #expect(plan.gateway == nil && plan.target == "function URLs" && plan.options.functionMap.count == 2)
        request.functionMap = try write("resize=a\nresize=b\n", "twice.txt", in: dir)
        #expect(useCaseError { _ = try Execute.prepareHTTP(request, for: Self.calls) } == UseCaseError(.badInput, "\(request.functionMap ?? ""):2:1: resize is mapped twice"))
    }

    @Test func theBenchMeasuresBothClientsAgainstTheDouble() throws {
        var request = Bench.GatewayRequest()
        request.requests = 20
        request.concurrency = 2
        request.rate = 50
        request.repetitions = 1
        let bench = try Bench.GatewayRun(request)
        defer { bench.stop() }
        let one = try bench.oneAtATime()
        #expect(one.baseline.rate > 0 && one.clients.count == Bench.GatewayRun.clients.count && one.clients.allSatisfy { $0.rate > 0 })
        let many = try bench.inFlight()
        #expect(many.baseline.rate > 0 && many.clients.allSatisfy { $0.rate > 0 })
        #expect(try bench.openLoop().count == Bench.GatewayRun.clients.count)
    }
}
