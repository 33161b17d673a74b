import Formatting
import Foundation
import Gateway
import Simulation

/// The terminal summary of a gateway replay (`placer execute --backend http`).
public enum GatewayText {
    /// What the summary's first lines tell about the run.
    public struct Run: Sendable {
        /// Functions among the calls.
        public var functions: Int
        /// The template, the gateway, or "function URLs".
        public var target: String
        public var route: GatewayRoute
        public var concurrency: Int
        /// Seconds after which a call is recorded as a timeout.
        public var timeout: Double
        public var seed: UInt64
        public var arrivals: ArrivalMode
        /// `--window`, as given.
        public var window: String?
        public var speedup: Double
        /// The CSV written, if any.
        public var out: String?
        /// Stopped by Ctrl-C.
        public var stopped: Bool

        public init(functions: Int, target: String, route: GatewayRoute, concurrency: Int, timeout: Double, seed: UInt64,
                    arrivals: ArrivalMode, window: String?, speedup: Double, out: String?, stopped: Bool) {
            self.functions = functions
            self.target = target
            self.route = route
            self.concurrency = concurrency
            self.timeout = timeout
            self.seed = seed
            self.arrivals = arrivals
            self.window = window
            self.speedup = speedup
            self.out = out
            self.stopped = stopped
        }
    }

    /// The busiest functions (at most 10): calls, failures, response p50 and p99; empty for one function.
    public static func perFunction(_ calls: [GatewayCall], _ outcomes: [GatewayOutcome]) -> String {
        var byFunction: [String: [GatewayOutcome]] = [:]
        for (call, outcome) in zip(calls, outcomes) { byFunction[call.app + "/" + call.function, default: []].append(outcome) }
        guard byFunction.count > 1 else { return "" }
        let busiest = byFunction.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }.prefix(10)
        var lines = ["", Columns.pad("function (busiest \(busiest.count) of \(byFunction.count))", 36) + Columns.padLeft("calls", 8)
                        + Columns.padLeft("not ok", 8) + Columns.padLeft("p50 ms", 10) + Columns.padLeft("p99 ms", 10)]
        for (key, list) in busiest {
            let summary = GatewaySummary(list)
            let function = String(key[key.index(after: key.firstIndex(of: "/") ?? key.startIndex)...])
            let name = function.count > 34 ? String(function.prefix(16)) + "…" + String(function.suffix(16)) : function
            lines.append(Columns.pad(name, 36) + Columns.padLeft(String(list.count), 8)
                         + Columns.padLeft(String(list.filter { $0.outcome != "ok" }.count), 8)
                         + Columns.padLeft(String(format: "%.1f", summary.responseP50), 10) + Columns.padLeft(String(format: "%.1f", summary.responseP99), 10))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run, its outcomes and statuses, response and lateness percentiles, the pace achieved.
    public static func render(_ s: GatewaySummary, _ run: Run) -> String {
        func ms(_ v: Double) -> String { String(format: "%.1f", v) }
        func number(_ v: Double) -> String { Numbers.number(v, .significant) }
        var lines = ["Replayed \(s.calls) calls of \(run.functions) functions against \(run.target) (\(run.route.rawValue) route), concurrency \(run.concurrency), timeout \(number(run.timeout)) s, seed \(run.seed), \(run.arrivals.rawValue) arrivals"]
        if run.stopped { lines.append("stopped by Ctrl-C: calls not sent are recorded as not-sent") }
        if run.window != nil || run.speedup != 1 {
            var line = "window \(run.window ?? "whole trace")"
            if run.speedup != 1 {
                let speedup = number(run.speedup)
                line += ", speedup \(speedup): arrivals \(speedup)× denser, durations unchanged, so the offered load is \(speedup)× the trace's"
            }
            lines.append(line)
        }
        lines.append("outcomes: " + s.outcomes.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        if !s.statuses.isEmpty { lines.append("HTTP status: " + s.statuses.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) }
        lines.append("response ms (answered calls): p50 \(ms(s.responseP50)), p95 \(ms(s.responseP95)), p99 \(ms(s.responseP99))")
        lines.append("lateness ms against the schedule: p50 \(ms(s.latenessP50)), p99 \(ms(s.latenessP99)), max \(ms(s.latenessMax)); \(s.waitedForSlot) calls found all \(run.concurrency) slots busy")
        lines.append(String(format: "elapsed %.1f s, %.1f calls/s", s.elapsedSeconds, s.elapsedSeconds > 0 ? Double(s.calls) / s.elapsedSeconds : 0))
        if let out = run.out { lines.append("wrote \(out)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `placer bench gateway`'s tables: each client beside the bare socket baseline.
public enum GatewayBenchText {
    /// One request at a time: each client's rate, latency, its rate against the baseline's and
    /// the latency it adds.
    public static func oneAtATime(requests: Int, repetitions: Int, baseline: (rate: Double, latencyMs: Double),
                                  clients: [(name: String, rate: Double, latencyMs: Double)]) -> String {
        var lines = ["Gateway client against the double on 127.0.0.1, \(requests) requests, median of \(repetitions)",
                     "One request at a time                        rate     latency   rate vs baseline",
                     row("bare socket client (baseline)", String(format: "%.0f req/s", baseline.rate), String(format: "%.3f ms", baseline.latencyMs), "1.00 x")]
        for client in clients {
            lines.append(row(client.name, String(format: "%.0f req/s", client.rate), String(format: "%.3f ms", client.latencyMs),
                             String(format: "%.2f x", client.rate / baseline.rate)))
        }
        for client in clients {
            lines.append(String(format: "  added client latency, %@: %.3f ms per request (median)", client.name, client.latencyMs - baseline.latencyMs))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `concurrency` requests in flight: each client's rate against the baseline's.
    public static func inFlight(concurrency: Int, baselineRate: Double, clients: [(name: String, rate: Double)]) -> String {
        var lines = ["\(concurrency) requests in flight", row("bare socket clients (baseline)", String(format: "%.0f req/s", baselineRate), "", "1.00 x")]
        for client in clients {
            lines.append(row(client.name, String(format: "%.0f req/s", client.rate), "", String(format: "%.2f x", client.rate / baselineRate)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The open loop's heading.
    public static func openLoopHeading(rate: Double) -> String {
        String(format: "Open loop at %.0f calls/s for 2 s, up to 64 in flight", rate) + "\n"
    }

    /// One client's start lateness and response p99 in the open loop, ms.
    public static func openLoop(name: String, latenessP50: Double, latenessP99: Double, latenessMax: Double, responseP99: Double) -> String {
        String(format: "  %@: start lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms; response p99 %.3f ms",
               name, latenessP50, latenessP99, latenessMax, responseP99) + "\n"
    }

    /// A client, its rate, its latency (may be empty) and its ratio to the baseline, in columns.
    static func row(_ label: String, _ value: String, _ latency: String, _ ratio: String) -> String {
        "  " + label.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - value.count)) + value
            + String(repeating: " ", count: max(0, 12 - latency.count)) + latency + "   " + ratio
    }
}
