import ArgumentParser
import Deployment
import Foundation
import Gateway
import Reporting
import Simulation
import TraceLoading
import Traces

extension GatewayRoute: ExpressibleByArgument {}
extension OverflowPolicy: ExpressibleByArgument {}
extension GatewayClient: ExpressibleByArgument {}

/// `placer gateway-replay`: the trace's schedule sent to a real FaaS gateway, one CSV row per call.
struct GatewayReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-replay",
        abstract: "Replay a trace's invocations against a real FaaS gateway (OpenFaaS, Knative, OpenWhisk, Fn, Lambda function URLs).",
        discussion: """
            Arrivals come from the simulator's generator (same trace and seed, same schedule). Each call is a POST \
            whose JSON body is {"durationMs":…,"index":…,"memoryMB":…}, for a synthetic function that burns that long. \
            At most --concurrency calls are in flight; each is bounded by --timeout. Writes one CSV row per call \
            (docs/gateway.md) and prints a summary. Basic auth comes from --auth or the PLACER_GATEWAY_AUTH variable.
            """)

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(help: "The gateway's URL, e.g. http://127.0.0.1:8080 (not needed for lambda-url).") var gateway: String?
    @Option(help: "openfaas, knative, openwhisk, fn or lambda-url.") var route: GatewayRoute?
    @Option(name: .customLong("route-template"), help: "A URL with {gateway}, {function}, {app}, {namespace}; replaces the route's URL.") var routeTemplate: String?
    @Option(help: "Knative or OpenWhisk namespace (default: default, or _ for OpenWhisk).") var namespace: String?
    @Option(help: "Knative domain for the Host header.") var domain = "example.com"
    @Option(help: "USER:KEY for basic auth (OpenWhisk); prefer the PLACER_GATEWAY_AUTH variable, which stays out of the process list.") var auth: String?
    @Option(name: .customLong("function-map"), help: "A file of NAME=VALUE lines: Fn function ids, or Lambda function URLs.") var functionMap: String?
    @Option(help: "Most calls in flight at once.") var concurrency = 64
    @Option(help: "Seconds a call may take before it is recorded as a timeout.") var timeout = 60.0
    @Option(help: "Divide the time between arrivals by this (durations stay as traced).") var speedup = 1.0
    @Option(help: "Part of the trace, FROM..TO from its start: 90, 90s, 15m, 2h, 1d; either side may be empty.") var window: String?
    @Option(help: "Comma-separated globs on function names (or APP/FUNCTION), and top:N for the N busiest.") var functions: String?
    @Option(help: "Seed for arrival times and durations.") var seed: UInt64 = 1
    @Option(help: "How a minute's invocations are spread: uniform, exponential or equidistant.") var arrivals: ArrivalMode = .exponential
    @Option(help: "When the concurrency bound is full: wait (send late, lateness recorded) or drop.") var overflow: OverflowPolicy = .wait
    @Option(help: "HTTP client: auto (socket for http://, urlsession for https://), socket or urlsession.") var client: GatewayClient = .auto
    @Option(help: "A deployment file: per-function memory.") var deployment: String?
    @Option(help: "Where to write the per-invocation CSV.") var out: String?
    @Option(help: "Also write the summary as JSON (placer.gateway-replay/v1, docs/gateway.md) to this file.") var json: String?
    @Flag(name: .customLong("dry-run"), help: "Print the schedule as CSV and send nothing.") var dryRun = false
    @Option(help: "Force a format for trace files.") var format: TraceFormat?
    @Flag(help: "Skip rows with bad values instead of stopping.") var skipInvalidRows = false

    func run() throws {
        guard concurrency >= 1 else { throw fail("--concurrency must be at least 1", Exit.usage) }
        guard timeout > 0, timeout.isFinite else { throw fail("--timeout must be a positive number of seconds", Exit.usage) }
        guard speedup > 0, speedup.isFinite else { throw fail("--speedup must be a positive number", Exit.usage) }
        let routeChoice = try chosenRoute()
        let gatewayURL = try parsedGateway(routeChoice)
        guard dryRun || out != nil else { throw fail("give --out FILE.csv for the per-invocation CSV (or --dry-run)", Exit.usage) }
        let span = try GatewayWindow.parse(window)
        let map = try functionMap.map(FunctionMapFile.load) ?? [:]
        let options = RouteOptions(namespace: namespace, domain: domain,
                                   basicAuth: auth ?? ProcessInfo.processInfo.environment["PLACER_GATEWAY_AUTH"],
                                   functionMap: map, template: routeTemplate)
        if let out { try checkWritable(out) }
        if let json { try checkWritable(json) }

        let plan = try loadDeployment(deployment)
        let store = try loadTrace(paths, format: format, skipInvalidRows: skipInvalidRows)
        let workload: Workload
        do {
            workload = try WorkloadLoader.load(store) { key in plan?.settings(function: key.function, app: key.app).memoryMB }
        } catch {
            throw fail("cannot read the trace: \(error)", Exit.badInput)
        }
        let selected = try FunctionSelection.parse(functions).select(workload)
        let schedule = ArrivalSchedule.calls(workload, seed: seed, mode: arrivals, from: span.lowerBound, to: span.upperBound)
            .filter { selected.contains(FunctionKey(app: $0.app, function: $0.function)) }
        guard !schedule.isEmpty else { throw fail("no invocations to replay in this window and selection", Exit.badInput) }
        let calls = schedule.enumerated().map { i, s in
            GatewayCall(index: i, function: s.function, app: s.app,
                        scheduledSeconds: (s.seconds - span.lowerBound) / speedup, durationMs: s.durationMs, memoryMB: Int(s.memoryMB.rounded()))
        }
        var checked = Set<String>()
        for call in calls where checked.insert(call.app + "/" + call.function).inserted {
            do { _ = try routeChoice.request(for: call, gateway: gatewayURL, options: options) } catch let error as RouteError {
                throw fail(error, Exit.badInput)
            }
        }
        if dryRun {
            print("invocationID,function,app,scheduled_us,requestedDuration,memory_mb")
            for c in calls {
                print("\(c.index),\(c.function),\(c.app),\(Int64((c.scheduledSeconds * 1e6).rounded())),\(Int64((c.durationMs * 1e3).rounded())),\(c.memoryMB)")
            }
            return
        }

        var replay = GatewayReplay(gateway: gatewayURL, route: routeChoice, concurrency: concurrency, timeoutSeconds: timeout,
                                   options: options, overflow: overflow)
        replay.client = client
        let stop = GatewayStop()
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler { stop.stop() }
        interrupt.resume()
        let last = calls.map(\.scheduledSeconds).max() ?? 0
        printError("replaying \(calls.count) calls over \(String(format: "%.1f", last)) s (Ctrl-C stops and keeps what was measured)…")
        let outcomes: [GatewayOutcome]
        do {
            let ticker = ProgressTicker(every: 10)
            outcomes = try replay.run(calls, stop: stop) { state in
                if ticker.due() { printError("… \(state.completed) of \(state.total) calls answered or failed, \(state.sent) sent") }
            }
        } catch let error as GatewayError {
            throw fail(error, Exit.failure)
        } catch let error as RouteError {
            throw fail(error, Exit.badInput)
        }
        interrupt.cancel()
        if let out {
            do { try GatewayRecord.csv(calls, outcomes).write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw fail("\(out): cannot write the CSV: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        let target = routeTemplate ?? gatewayURL?.absoluteString ?? "function URLs"
        let summary = GatewaySummary(outcomes)
        if let json {
            let run: [String: JSONValue] = [
                "gateway": .string(target), "route": .string(routeChoice.rawValue), "concurrency": .int(concurrency),
                "timeoutSeconds": .fixed(timeout, 3), "seed": .string(String(seed)), "arrivals": .string(arrivals.rawValue),
                "window": window.map { .string($0) } ?? .null, "speedup": .fixed(speedup, 3), "overflow": .string(overflow.rawValue),
                "functions": .int(Set(calls.map(\.function)).count), "stopped": .raw(stop.isStopped ? "true" : "false"),
            ]
            var text = ""
            GatewayJSON.value(summary, run: run).write(into: &text)
            do { try (text + "\n").write(toFile: json, atomically: true, encoding: .utf8) } catch {
                throw fail("\(json): cannot write the summary: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        print(GatewayText.render(summary, functions: Set(calls.map(\.function)).count, target: target,
                                 route: routeChoice, concurrency: concurrency, timeout: timeout, seed: seed, arrivals: arrivals,
                                 window: window, speedup: speedup, out: out, stopped: stop.isStopped), terminator: "")
        print(GatewayText.perFunction(calls, outcomes), terminator: "")
        // Interrupted: what was measured is written, and the status says the replay is incomplete.
        if stop.isStopped { throw ExitCode(130) }
    }

    private func chosenRoute() throws -> GatewayRoute {
        if let route { return route }
        if routeTemplate != nil { return .template }
        throw fail("give --route (openfaas, knative, openwhisk, fn, lambda-url) or --route-template", Exit.usage)
    }

    private func parsedGateway(_ route: GatewayRoute) throws -> URL? {
        guard let gateway else {
            if route == .lambdaURL || (routeTemplate.map { !$0.hasPrefix("/") && !$0.contains("{gateway}") } ?? false) { return nil }
            throw fail("give --gateway URL (e.g. http://127.0.0.1:8080)", Exit.usage)
        }
        guard let url = URL(string: gateway), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
            throw fail("--gateway: not an http(s) URL: \(gateway)", Exit.usage)
        }
        return url
    }

    /// Fails before the replay, not after it, when the CSV cannot be written there.
    private func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: dir) else {
            throw fail("\(path): cannot write here (no such folder, or not writable)", Exit.cannotCreate)
        }
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

/// `--window FROM..TO`: seconds from the trace's start, with optional units s, m, h, d.
enum GatewayWindow {
    static func parse(_ text: String?) throws -> Range<Double> {
        guard let text else { return 0..<Double.infinity }
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else { throw fail("--window: expected FROM..TO (e.g. 10m..20m), got \(text)", Exit.usage) }
        let from = try parts[0].isEmpty ? 0 : seconds(parts[0], text)
        let to = try parts[1].isEmpty ? Double.infinity : seconds(parts[1], text)
        guard from < to else { throw fail("--window: FROM must be before TO in \(text)", Exit.usage) }
        return from..<to
    }

    /// `90`, `90s`, `15m`, `2h`, `1d`, or a sum such as `10h30m`.
    static func seconds(_ value: String, _ whole: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let text = value.trimmingCharacters(in: .whitespaces)
        func problem() -> ExitCode { fail("--window: not a time: \(value) in \(whole) (use 90, 90s, 15m, 2h, 1d or 10h30m)", Exit.usage) }
        if let n = Double(text) {
            guard n.isFinite, n >= 0 else { throw problem() }
            return n
        }
        var total = 0.0, number = ""
        for character in text {
            if let unit = units[character] {
                guard let n = Double(number), n.isFinite, n >= 0 else { throw problem() }
                total += n * unit
                number = ""
            } else {
                number.append(character)
            }
        }
        guard number.isEmpty, !text.isEmpty else { throw problem() }
        return total
    }
}

/// `--functions`: globs on function names (or APP/FUNCTION) and `top:N`.
struct FunctionSelection {
    var globs: [String] = []
    var top: Int?

    static func parse(_ text: String?) throws -> FunctionSelection {
        var selection = FunctionSelection()
        guard let text else { return selection }
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item.hasPrefix("top:") {
                guard let n = Int(item.dropFirst(4)), n > 0 else { throw fail("--functions: top:N needs a positive N, got \(item)", Exit.usage) }
                selection.top = n
            } else {
                selection.globs.append(item)
            }
        }
        return selection
    }

    /// The selected functions: those matching any glob (all when there is none), then the
    /// busiest `top` of them (ties by app and name, so the choice is reproducible).
    func select(_ workload: Workload) throws -> Set<FunctionKey> {
        let all = workload.apps.flatMap(\.functions)
        var chosen = all
        if !globs.isEmpty {
            for glob in globs where !all.contains(where: { Self.matches(glob, $0.key) }) {
                throw fail("--functions: no function matches \(glob)", Exit.usage)
            }
            chosen = all.filter { f in globs.contains { Self.matches($0, f.key) } }
        }
        if let top {
            chosen = chosen.map { ($0, $0.calls.count) }
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : ($0.0.key.app, $0.0.key.function) < ($1.0.key.app, $1.0.key.function) }
                .prefix(top).map(\.0)
        }
        return Set(chosen.map(\.key))
    }

    static func matches(_ glob: String, _ key: FunctionKey) -> Bool {
        Glob.matches(glob, key.function) || Glob.matches(glob, key.app + "/" + key.function)
    }
}

/// `--function-map FILE`: `NAME=VALUE` lines (`#` comments, blank lines ignored).
enum FunctionMapFile {
    static func load(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw fail("\(path): cannot read the function map", Exit.badInput)
        }
        var map: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { throw fail("\(path):\(n + 1):1: expected NAME=VALUE", Exit.badInput) }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces), value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !value.isEmpty else { throw fail("\(path):\(n + 1):1: expected NAME=VALUE", Exit.badInput) }
            guard map[name] == nil else { throw fail("\(path):\(n + 1):1: \(name) is mapped twice", Exit.badInput) }
            map[name] = value
        }
        return map
    }
}

/// The summary as JSON: sorted keys, fixed decimals (µs resolution for times in ms).
enum GatewayJSON {
    static let schema = "placer.gateway-replay/v1"

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

/// The terminal summary of a gateway replay.
enum GatewayText {
    /// The busiest functions (at most 10): calls, failures, response p50 and p99.
    static func perFunction(_ calls: [GatewayCall], _ outcomes: [GatewayOutcome]) -> String {
        var byFunction: [String: [GatewayOutcome]] = [:]
        for (call, outcome) in zip(calls, outcomes) { byFunction[call.app + "/" + call.function, default: []].append(outcome) }
        guard byFunction.count > 1 else { return "" }
        let busiest = byFunction.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }.prefix(10)
        var lines = ["", Format.pad("function (busiest \(busiest.count) of \(byFunction.count))", 36) + Format.padLeft("calls", 8)
                        + Format.padLeft("not ok", 8) + Format.padLeft("p50 ms", 10) + Format.padLeft("p99 ms", 10)]
        for (key, list) in busiest {
            let summary = GatewaySummary(list)
            let function = String(key[key.index(after: key.firstIndex(of: "/") ?? key.startIndex)...])
            let name = function.count > 34 ? String(function.prefix(16)) + "…" + String(function.suffix(16)) : function
            lines.append(Format.pad(name, 36) + Format.padLeft(String(list.count), 8)
                         + Format.padLeft(String(list.filter { $0.outcome != "ok" }.count), 8)
                         + Format.padLeft(String(format: "%.1f", summary.responseP50), 10) + Format.padLeft(String(format: "%.1f", summary.responseP99), 10))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ s: GatewaySummary, functions: Int, target: String, route: GatewayRoute, concurrency: Int, timeout: Double,
                       seed: UInt64, arrivals: ArrivalMode, window: String?, speedup: Double, out: String?, stopped: Bool) -> String {
        func ms(_ v: Double) -> String { String(format: "%.1f", v) }
        var lines = ["Replayed \(s.calls) calls of \(functions) functions against \(target) (\(route.rawValue) route), concurrency \(concurrency), timeout \(Format.number(timeout)) s, seed \(seed), \(arrivals.rawValue) arrivals"]
        if stopped { lines.append("stopped by Ctrl-C: calls not sent are recorded as not-sent") }
        if window != nil || speedup != 1 {
            var line = "window \(window ?? "whole trace")"
            if speedup != 1 {
                line += ", speedup \(Format.number(speedup)): arrivals \(Format.number(speedup))× denser, durations unchanged, so the offered load is \(Format.number(speedup))× the trace's"
            }
            lines.append(line)
        }
        lines.append("outcomes: " + s.outcomes.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        if !s.statuses.isEmpty { lines.append("HTTP status: " + s.statuses.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) }
        lines.append("response ms (answered calls): p50 \(ms(s.responseP50)), p95 \(ms(s.responseP95)), p99 \(ms(s.responseP99))")
        lines.append("lateness ms against the schedule: p50 \(ms(s.latenessP50)), p99 \(ms(s.latenessP99)), max \(ms(s.latenessMax)); \(s.waitedForSlot) calls found all \(concurrency) slots busy")
        lines.append(String(format: "elapsed %.1f s, %.1f calls/s", s.elapsedSeconds, s.elapsedSeconds > 0 ? Double(s.calls) / s.elapsedSeconds : 0))
        if let out { lines.append("wrote \(out)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
