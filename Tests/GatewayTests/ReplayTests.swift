import Foundation
import Testing
@testable import Gateway

private func calls(_ n: Int, every seconds: Double = 0, durationMs: Double = 5, function: String = "resize", app: String = "images") -> [GatewayCall] {
    (0..<n).map { GatewayCall(index: $0, function: function, app: app, scheduledSeconds: Double($0) * seconds, durationMs: durationMs, memoryMB: 256) }
}

/// Against the gateway double on 127.0.0.1: routes, the encoding of a path, the concurrency bound
/// and the pool, timeouts, failures.
@Suite(.serialized) struct ReplayTests {
    @Test func eachRouteSendsItsPlatformsRequest() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        let call = [GatewayCall(index: 7, function: "resize", app: "images", scheduledSeconds: 0, durationMs: 12.5, memoryMB: 512)]
        let cases: [(GatewayRoute, RouteOptions, String, [String: String])] = [
            (.openfaas, RouteOptions(), "/function/resize", [:]),
            (.knative, RouteOptions(), "/", ["host": "resize.default.example.com"]),
            (.knative, RouteOptions(namespace: "prod", domain: "fn.example.org"), "/", ["host": "resize.prod.fn.example.org"]),
            (.openwhisk, RouteOptions(basicAuth: "user:key"), "/api/v1/namespaces/_/actions/resize?blocking=true&result=true",
             ["authorization": "Basic " + Data("user:key".utf8).base64EncodedString()]),
            (.openwhisk, RouteOptions(namespace: "guest"), "/api/v1/namespaces/guest/actions/resize?blocking=true&result=true", [:]),
            (.fn, RouteOptions(), "/t/images/resize", [:]),
            (.fn, RouteOptions(functionMap: ["resize": "01HFNID"]), "/invoke/01HFNID", [:]),
            (.lambdaURL, RouteOptions(functionMap: ["resize": double.url.absoluteString + "/"]), "/", [:]),
            (.template, RouteOptions(template: "/custom/{app}/{function}"), "/custom/images/resize", [:]),
        ]
        for (i, (route, options, target, headers)) in cases.enumerated() {
            let outcomes = try GatewayReplay(gateway: route == .lambdaURL ? nil : double.url, route: route, concurrency: 1,
                                             timeoutSeconds: 5, options: options).run(call)
            #expect(outcomes.map(\.outcome) == ["ok"], "\(route)")
            let got = try #require(double.requests.count == i + 1 ? double.requests.last : nil, "\(route): one request each")
            #expect(got.method == "POST")
            #expect(got.target == target, "\(route)")
            for (name, value) in headers { #expect(got.headers[name] == value, "\(route) \(name)") }
            #expect(got.headers["content-type"] == "application/json")
            #expect(String(decoding: got.body, as: UTF8.self) == "{\"durationMs\":12.500,\"index\":7,\"memoryMB\":512}")
            if route != .template && route != .lambdaURL { #expect(got.function == (route == .fn && !options.functionMap.isEmpty ? "01HFNID" : "resize"), "\(route)") }
        }
    }

    /// A function name is one path segment, percent-encoded as RFC 3986 says (section 3.3: `/`, `?`,
    /// `#`, space, `%` and non-ASCII are encoded; unreserved characters and sub-delims stay), and it
    /// goes on the wire encoded: the double records the request target it read.
    @Test func aFunctionNameGoesOnTheWirePercentEncoded() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        let names = [("a b/c", "a%20b%2Fc"), ("ünï", "%C3%BCn%C3%AF"), ("50%", "50%25"), ("x?y#z", "x%3Fy%23z"), ("k-8_s.v~1", "k-8_s.v~1")]
        for (i, (name, encoded)) in names.enumerated() {
            let call = [GatewayCall(index: i, function: name, app: "images", scheduledSeconds: 0, durationMs: 1, memoryMB: 128)]
            let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 5).run(call)
            #expect(outcomes.map(\.outcome) == ["ok"], "\(name)")
            #expect(double.requests.last?.target == "/function/" + encoded, "\(name)")
            #expect(double.requests.last?.function == name)
        }
        // The same in a template's path, for the app too.
        let templated = [GatewayCall(index: 9, function: "a b/c", app: "x y", scheduledSeconds: 0, durationMs: 1, memoryMB: 128)]
        let outcomes = try GatewayReplay(gateway: double.url, route: .template, concurrency: 1, timeoutSeconds: 5,
                                         options: RouteOptions(template: "/custom/{app}/{function}")).run(templated)
        #expect(outcomes.map(\.outcome) == ["ok"])
        #expect(double.requests.last?.target == "/custom/x%20y/a%20b%2Fc")
    }

    @Test func aMissingMapEntryFailsBeforeAnythingIsSent() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        #expect(throws: RouteError.self) {
            _ = try GatewayReplay(gateway: nil, route: .lambdaURL, concurrency: 1, timeoutSeconds: 1).run(calls(1))
        }
        #expect(double.requests.isEmpty)
    }

    @Test func neverMoreThanTheBoundInFlight() throws {
        let double = try GatewayDouble(behavior: .init(delayScale: 1))
        defer { double.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 4, timeoutSeconds: 5)
            .run(calls(24, durationMs: 40))
        #expect(outcomes.allSatisfy { $0.outcome == "ok" })
        #expect(double.maxInFlight == 4)
        // The pool opens no more connections than the bound (and the reachability probe one).
        #expect(double.connectionCount <= 5)
        // All 24 were due at once: 20 found the four slots busy, and left late.
        #expect(outcomes.filter(\.waitedForSlot).count == 20)
        #expect(outcomes.filter(\.waitedForSlot).allSatisfy { $0.latenessMs >= 30 })
        #expect(outcomes.allSatisfy { $0.responseMs >= 40 })
    }

    @Test func dropPolicyRecordsTooManyInFlight() throws {
        let double = try GatewayDouble(behavior: .init(delayScale: 1))
        defer { double.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 5, overflow: .drop)
            .run(calls(3, durationMs: 200))
        #expect(outcomes.map(\.outcome) == ["ok", "too-many-in-flight", "too-many-in-flight"])
        #expect(double.requests.count == 1)
    }

    @Test func aHangingCallTimesOutAndTheRestGoOn() throws {
        let double = try GatewayDouble(behavior: .init(hangIndices: [1]))
        defer { double.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 2, timeoutSeconds: 0.3).run(calls(3, every: 0.01))
        #expect(outcomes.map(\.outcome) == ["ok", "timeout", "ok"])
        #expect(outcomes[1].status == nil)
        #expect(outcomes[1].responseMs >= 290)
    }

    @Test func serverErrorsAreCountedByStatus() throws {
        let double = try GatewayDouble(behavior: .init(failIndices: [0, 2]))
        defer { double.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 2, timeoutSeconds: 5).run(calls(4))
        #expect(outcomes.map(\.outcome) == ["http-500", "ok", "http-500", "ok"])
        #expect(outcomes.map(\.status) == [500, 200, 500, 200])
        let summary = GatewaySummary(outcomes)
        #expect(summary.outcomes.map(\.0) == ["http-500", "ok"])
        #expect(summary.statuses.map(\.1) == [2, 2])
    }

    @Test func anUnreachableGatewayIsOneClearError() throws {
        let double = try GatewayDouble()
        let port = double.port
        double.stop()
        do {
            _ = try GatewayReplay(gateway: URL(string: "http://127.0.0.1:\(port)"), route: .openfaas, concurrency: 1, timeoutSeconds: 1).run(calls(2))
            Issue.record("expected an error")
        } catch let error as GatewayError {
            #expect(error.description == "cannot reach gateway http://127.0.0.1:\(port): connection refused")
        }
    }

    @Test func refusedMidRunIsRecordedPerCall() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        var replay = GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 2)
        replay.checkReachability = false
        double.refuseConnections()
        let outcomes = try replay.run(calls(2))
        #expect(outcomes.map(\.outcome) == ["connection-refused", "connection-refused"])
    }

    @Test func callsLeaveOnScheduleOverOneKeptAliveConnection() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        // Eight slots, but one call at a time (each answered long before the next is due): the warm
        // connection is reused rather than eight opened.
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 8, timeoutSeconds: 5).run(calls(6, every: 0.1))
        #expect(outcomes.allSatisfy { $0.outcome == "ok" && $0.startedSeconds >= $0.scheduledSeconds })
        // The reachability probe is one connection; every call then shares one more.
        #expect(Set(double.requests.map(\.connection)).count == 1)
        #expect(double.requests.map(\.index).sorted { ($0 ?? -1) < ($1 ?? -1) } == Array(0..<6))
    }

    @Test func aStopLeavesTheRestUnsent() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        let stop = GatewayStop()
        stop.stop()
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 1).run(calls(2), stop: stop)
        #expect(outcomes.map(\.outcome) == ["not-sent", "not-sent"])
        #expect(double.requests.isEmpty)
    }

    @Test func chunkedAnswersAreReadWhole() throws {
        let double = try GatewayDouble(behavior: .init(chunked: true))
        defer { double.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 5).run(calls(5))
        #expect(outcomes.map(\.outcome) == Array(repeating: "ok", count: 5))
        #expect(outcomes.allSatisfy { $0.bytes == "{\"function\":\"resize\",\"ok\":true}".utf8.count })
        #expect(Set(double.requests.map(\.connection)).count == 1)
    }

    @Test func aKeptAliveConnectionTheGatewayClosedIsReplaced() throws {
        let double = try GatewayDouble(behavior: .init(dropKeptAlive: true))
        defer { double.stop() }
        // The double closes each connection after its answer without saying so (as a gateway whose
        // idle timeout fired). A call sent in the instant before the client sees the close is lost
        // (a POST is not retried), so the calls are 250 ms apart: time enough on a loaded machine
        // for the close to reach the pool (20 ms was not, with the test suite running beside it).
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 5).run(calls(4, every: 0.25))
        #expect(outcomes.map(\.outcome) == Array(repeating: "ok", count: 4))
        #expect(double.requests.count == 4)
    }

    @Test func aStopIsSeenDuringALongGapBeforeTheNextCall() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        let stop = GatewayStop()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { stop.stop() }
        let outcomes = try GatewayReplay(gateway: double.url, route: .openfaas, concurrency: 1, timeoutSeconds: 5)
            .run(calls(2, every: 30), stop: stop)
        #expect(outcomes.map(\.outcome) == ["ok", "not-sent"])
    }

    @Test func csvHasOneRowPerCallWithLoaderColumns() throws {
        let cs = [GatewayCall(index: 0, function: "a,b", app: "x", scheduledSeconds: 1.5, durationMs: 2.25, memoryMB: 128)]
        let os = [GatewayOutcome(index: 0, scheduledSeconds: 1.5, startedSeconds: 1.501, responseMs: 3.5, status: 500, outcome: "http-500", bytes: 10)]
        let text = GatewayRecord.csv(cs, os)
        #expect(text == GatewayRecord.header + "\n0,\"a,b\",x,128,1500000,1501000,1000,2250,3500,500,http-500,false,false,false,10,\n")
    }

    /// HdrHistogram at three significant digits: exact to the µs below 2.048 ms, at most 0.1 % above
    /// the nearest-rank value beyond, the maximum exact, 0 when nothing was answered.
    @Test func percentilesKeepAThousandthOfTheValue() {
        func answered(_ ms: [Double]) -> [GatewayOutcome] {
            ms.enumerated().map { GatewayOutcome(index: $0.offset, scheduledSeconds: 0, startedSeconds: $0.element / 1000,
                                                 responseMs: $0.element, status: 200, outcome: "ok") }
        }
        let wide = GatewaySummary(answered((1...100).map { Double($0) * 10 }))  // 10 ms … 1 s
        for (got, exact) in [(wide.responseP50, 500.0), (wide.responseP95, 950), (wide.responseP99, 990), (wide.latenessP50, 500), (wide.latenessP99, 990)] {
            #expect(got >= exact && got <= exact * 1.001, "\(got) for \(exact)")
        }
        #expect(wide.latenessMax == 1000)
        let small = GatewaySummary(answered([0.137, 1.5, 2.047, 0.25]))
        #expect(small.responseP50 == 0.25)
        #expect(small.responseP99 == 2.047)
        let long = GatewaySummary(answered([900_000, 3_600_000]))  // 15 min and an hour
        #expect(long.responseP50 >= 900_000 && long.responseP50 <= 900_000 * 1.001)
        #expect(long.latenessMax == 3_600_000)
        let none = GatewaySummary([GatewayOutcome(index: 0, scheduledSeconds: 0, startedSeconds: 0, responseMs: 0, status: nil, outcome: "not-sent")])
        #expect(none.responseP99 == 0 && none.latenessP99 == 0 && none.latenessMax == 0)
    }
}
