import Foundation
import Gateway
import Results
import Simulation

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
