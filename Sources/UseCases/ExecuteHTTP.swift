import Dispatch
import Executor
import Foundation
import Gateway
import Results
import Simulation

/// `placer execute --backend http`: the same schedule sent to a real FaaS gateway (module
/// Gateway, docs/gateway.md), one CSV row per call.
extension Execute {
    /// Where the gateway is, how a function name becomes a request, and how the replay runs.
    public struct HTTPRequest: Sendable {
        /// The gateway's URL (not needed for lambda-url, or an absolute template).
        public var gateway: String?
        /// The route (nil: the template route when a template is given).
        public var route: GatewayRoute?
        /// A URL with {gateway}, {function}, {app}, {namespace}; replaces the route's URL.
        public var routeTemplate: String?
        /// Knative or OpenWhisk namespace.
        public var namespace: String?
        /// Knative domain for the Host header (nil: example.com).
        public var domain: String?
        /// USER:KEY for basic auth (nil: the PLACER_GATEWAY_AUTH variable).
        public var auth: String?
        /// A file of NAME=VALUE lines: Fn function ids, or Lambda function URLs.
        public var functionMap: String?
        /// Most calls in flight at once.
        public var concurrency = 64
        /// When the concurrency bound is full (nil: wait).
        public var overflow: OverflowPolicy?
        /// Record a call as a timeout after this many seconds.
        public var timeout: Double = 120
        /// The per-call CSV.
        public var out: String?
        /// Where the summary JSON (placer.execution.http/v1) is written (nil: not written).
        public var json: String?
        /// For the summary: the schedule's seed, arrivals, window and speed-up.
        public var seed: UInt64 = 1
        /// How a minute's invocations are spread.
        public var arrivals: ArrivalMode = .exponential
        /// `--window FROM..TO`, as given.
        public var window: String?
        /// The factor the time between arrivals is divided by.
        public var speedup: Double = 1
        /// The environment, for PLACER_GATEWAY_AUTH.
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init() {}
    }

    /// An HTTP replay checked and ready: every function has a URL.
    public struct HTTPPlan: Sendable {
        /// The route requests are made for.
        public var route: GatewayRoute
        /// The gateway's URL; nil where the route's URLs are whole.
        public var gateway: URL?
        /// Namespace, domain, auth, function map and template.
        public var options: RouteOptions
        /// The calls, in the order they are made.
        public var calls: [GatewayCall]
        /// What the summary names as the target: the template, the gateway, or "function URLs".
        public var target: String
        /// Functions among the calls.
        public var functionCount: Int { Set(calls.map(\.function)).count }
    }

    /// Chooses the route, reads the function map and checks that every function has a URL,
    /// before anything is sent.
    public static func prepareHTTP(_ request: HTTPRequest, for calls: [ExecCall]) throws -> HTTPPlan {
        let route = try chosenRoute(request)
        let gateway = try parsedGateway(request, route)
        let options = RouteOptions(namespace: request.namespace, domain: request.domain ?? "example.com",
                                   basicAuth: request.auth ?? request.environment["PLACER_GATEWAY_AUTH"],
                                   functionMap: try request.functionMap.map(FunctionMapFile.load) ?? [:], template: request.routeTemplate)
        let gatewayCalls = calls.map {
            GatewayCall(index: $0.index, function: $0.function, app: $0.app, scheduledSeconds: $0.scheduledSeconds,
                        durationMs: $0.durationMs, memoryMB: $0.memoryMB)
        }
        var checked = Set<String>()
        for call in gatewayCalls where checked.insert(call.app + "/" + call.function).inserted {
            do { _ = try route.request(for: call, gateway: gateway, options: options) } catch let error as RouteError {
                throw UseCaseError.badInput(error.description)
            }
        }
        let target = request.routeTemplate ?? gateway?.absoluteString ?? "function URLs"
        return HTTPPlan(route: route, gateway: gateway, options: options, calls: gatewayCalls, target: target)
    }

    /// What an HTTP replay measured.
    public struct HTTPOutcome: Sendable {
        /// The calls, in order, and what became of each.
        public var calls: [GatewayCall]
        public var outcomes: [GatewayOutcome]
        /// Their summary.
        public var summary: GatewaySummary
        /// The replay was stopped before every call was sent (calls not sent are recorded as not-sent).
        public var stopped: Bool
    }

    /// Replays the calls against the gateway until done or until `stop` is stopped, then writes
    /// the CSV and, if asked, the JSON. Progress: a line before the replay and one every 10 s.
    public static func runHTTP(_ request: HTTPRequest, plan: HTTPPlan, stop: GatewayStop = GatewayStop(),
                               progress: some ProgressObserver = IgnoringProgress()) throws -> HTTPOutcome {
        let calls = plan.calls
        let overflow = request.overflow ?? .wait
        let replay = GatewayReplay(gateway: plan.gateway, route: plan.route, concurrency: request.concurrency, timeoutSeconds: request.timeout,
                                   options: plan.options, overflow: overflow)
        let last = calls.map(\.scheduledSeconds).max() ?? 0
        progress.observe(.message("replaying \(calls.count) calls over \(String(format: "%.1f", last)) s (Ctrl-C stops and keeps what was measured)…"))
        let outcomes: [GatewayOutcome]
        do {
            let ticker = ProgressTicker(every: 10)
            outcomes = try replay.run(calls, stop: stop) { state in
                if ticker.due() { progress.observe(.message("… \(state.completed) of \(state.total) calls answered or failed, \(state.sent) sent")) }
            }
        } catch let error as GatewayError {
            throw UseCaseError.failure(error.description)
        } catch let error as RouteError {
            throw UseCaseError.badInput(error.description)
        }
        let stopped = stop.isStopped
        if let out = request.out { try Outputs.write(GatewayRecord.csv(calls, outcomes), to: out, what: "the CSV") }
        let summary = GatewaySummary(outcomes)
        if let json = request.json {
            let run: [String: JSONValue] = [
                "gateway": .string(plan.target), "route": .string(plan.route.rawValue), "concurrency": .int(request.concurrency),
                "timeoutSeconds": .fixed(request.timeout, 3), "seed": .string(String(request.seed)), "arrivals": .string(request.arrivals.rawValue),
                "window": request.window.map { .string($0) } ?? .null, "speedup": .fixed(request.speedup, 3), "overflow": .string(overflow.rawValue),
                "functions": .int(plan.functionCount), "stopped": .raw(stopped ? "true" : "false"),
            ]
            var text = ""
            GatewayJSON.value(summary, run: run).write(into: &text)
            try Outputs.write(text + "\n", to: json, what: "the summary")
        }
        return HTTPOutcome(calls: calls, outcomes: outcomes, summary: summary, stopped: stopped)
    }

    /// The request's route, or the template route when only a template is given.
    static func chosenRoute(_ request: HTTPRequest) throws -> GatewayRoute {
        if let route = request.route { return route }
        if request.routeTemplate != nil { return .template }
        throw UseCaseError.usage("give --route (openfaas, knative, openwhisk, fn, lambda-url) or --route-template")
    }

    /// The gateway as a URL; nil where the route's URLs are whole (lambda-url, an absolute template).
    static func parsedGateway(_ request: HTTPRequest, _ route: GatewayRoute) throws -> URL? {
        guard let gateway = request.gateway else {
            if route == .lambdaURL || (request.routeTemplate.map { !$0.hasPrefix("/") && !$0.contains("{gateway}") } ?? false) { return nil }
            throw UseCaseError.usage("give --gateway URL (e.g. http://127.0.0.1:8080)")
        }
        guard let url = URL(string: gateway), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
            throw UseCaseError.usage("--gateway: not an http(s) URL: \(gateway)")
        }
        return url
    }
}

/// Says when another progress line is due (thread-safe).
final class ProgressTicker: @unchecked Sendable {
    private let lock = NSLock()
    private let interval: Double
    private var next: Double

    init(every seconds: Double) {
        interval = seconds
        next = Double(DispatchTime.now().uptimeNanoseconds) / 1e9 + seconds
    }

    func due() -> Bool {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        lock.lock(); defer { lock.unlock() }
        guard now >= next else { return false }
        next = now + interval
        return true
    }
}

/// `--function-map FILE`: `NAME=VALUE` lines (`#` comments, blank lines ignored).
enum FunctionMapFile {
    static func load(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UseCaseError.badInput("\(path): cannot read the function map")
        }
        var map: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { throw UseCaseError.badInput("\(path):\(n + 1):1: expected NAME=VALUE") }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces), value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !value.isEmpty else { throw UseCaseError.badInput("\(path):\(n + 1):1: expected NAME=VALUE") }
            guard map[name] == nil else { throw UseCaseError.badInput("\(path):\(n + 1):1: \(name) is mapped twice") }
            map[name] = value
        }
        return map
    }
}

/// The summary as JSON: sorted keys, fixed decimals (µs resolution for times in ms).
enum GatewayJSON {
    static let schema = "placer.execution.http/v1"

    static func value(_ s: GatewaySummary, run: [String: JSONValue]) -> JSONValue {
        .object([
            "schema": .string(schema),
            "run": .object(run),
            "calls": .int(s.calls),
            "outcomes": .object(Dictionary(uniqueKeysWithValues: s.outcomes.map { ($0.0, JSONValue.int($0.1)) })),
            "statuses": .object(Dictionary(uniqueKeysWithValues: s.statuses.map { (String($0.0), JSONValue.int($0.1)) })),
            "responseMs": .object(["p50": .fixed(s.responseP50, 3), "p95": .fixed(s.responseP95, 3), "p99": .fixed(s.responseP99, 3)]),
            "latenessMs": .object(["p50": .fixed(s.latenessP50, 3), "p99": .fixed(s.latenessP99, 3), "max": .fixed(s.latenessMax, 3)]),
            "waitedForSlot": .int(s.waitedForSlot),
            "elapsedSeconds": .fixed(s.elapsedSeconds, 3),
        ])
    }
}
