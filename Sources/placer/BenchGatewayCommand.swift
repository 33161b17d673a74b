import ArgumentParser
import Foundation
import Gateway

/// `placer bench gateway`: what the HTTP backend's client (AsyncHTTPClient through GatewayReplay)
/// costs, against a bare socket client, both talking to the gateway double on 127.0.0.1 in the
/// same run, so that the ratios hold on a loaded machine.
struct BenchGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Requests per second and added client latency of the HTTP backend against the gateway double.",
        discussion: """
            Starts the gateway double on 127.0.0.1 (answers at once) and reports, as medians of REPETITIONS runs: \
            one request at a time and CONCURRENCY at once, through a bare keep-alive socket client (the baseline) \
            and through GatewayReplay (AsyncHTTPClient); then an open-loop replay at RATE calls/s \
            for 2 s: how late calls leave against their schedule.
            """)

    @Option(help: "Requests per measurement.") var requests = 2000
    @Option(help: "Requests in flight for the throughput measurement.") var concurrency = 8
    @Option(help: "Calls per second of the open-loop lateness measurement.") var rate = 500.0
    @Option(help: "Repetitions; medians are reported.") var repetitions = 3

    func validate() throws {
        guard requests > 0, concurrency > 0, rate > 0, repetitions > 0 else {
            throw ValidationError("--requests, --concurrency, --rate and --repetitions must be positive")
        }
    }

    func run() throws {
        let double = try GatewayDouble()
        defer { double.stop() }
        let body = GatewayCall(index: 0, function: "bench", app: "bench", scheduledSeconds: 0, durationMs: 0, memoryMB: 128).body
        let burst = (0..<requests).map { GatewayCall(index: $0, function: "bench", app: "bench", scheduledSeconds: 0, durationMs: 0, memoryMB: 128) }

        // One at a time: per-request latency and rate.
        let kinds = ["AsyncHTTPClient (GatewayReplay)"]
        var bareLatency: [Double] = [], bareRate: [Double] = []
        var latency = Array(repeating: [Double](), count: kinds.count), rates = latency
        for _ in 0..<repetitions {
            let client = try BareHTTPClient(port: double.port)
            var each: [Double] = []
            let start = Self.now()
            for _ in 0..<requests {
                let t = Self.now()
                guard try client.post(path: "/function/bench", body: body) == 200 else { throw fail("bench: the double did not answer 200", Exit.failure) }
                each.append((Self.now() - t) * 1000)
            }
            bareRate.append(Double(requests) / (Self.now() - start))
            bareLatency.append(median(each))
            for k in kinds.indices {
                let (rate, outcomes) = try replay(burst, concurrency: 1, double)
                rates[k].append(rate)
                latency[k].append(median(outcomes.map(\.responseMs)))
            }
        }
        print("Gateway client against the double on 127.0.0.1, \(requests) requests, median of \(repetitions)")
        print("One request at a time                        rate     latency   rate vs baseline")
        print(row("bare socket client (baseline)", String(format: "%.0f req/s", median(bareRate)), String(format: "%.3f ms", median(bareLatency)), "1.00 x"))
        for (k, kind) in kinds.enumerated() {
            print(row(kind, String(format: "%.0f req/s", median(rates[k])), String(format: "%.3f ms", median(latency[k])),
                      String(format: "%.2f x", median(rates[k]) / median(bareRate))))
        }
        for (k, kind) in kinds.enumerated() {
            print(String(format: "  added client latency, %@: %.3f ms per request (median)", kind, median(latency[k]) - median(bareLatency)))
        }

        // Many at once.
        var bareParallel: [Double] = []
        var parallel = Array(repeating: [Double](), count: kinds.count)
        let perThread = max(1, requests / concurrency)
        for _ in 0..<repetitions {
            let clients = try (0..<concurrency).map { _ in try BareHTTPClient(port: double.port) }
            let failures = Counter()
            let start = Self.now()
            DispatchQueue.concurrentPerform(iterations: concurrency) { i in
                for _ in 0..<perThread where (try? clients[i].post(path: "/function/bench", body: body)) != 200 { failures.add() }
            }
            bareParallel.append(Double(perThread * concurrency) / (Self.now() - start))
            guard failures.value == 0 else { throw fail("bench: bare client requests failed", Exit.failure) }
            for k in kinds.indices { parallel[k].append(try replay(burst, concurrency: concurrency, double).0) }
        }
        print("\(concurrency) requests in flight")
        print(row("bare socket clients (baseline)", String(format: "%.0f req/s", median(bareParallel)), "", "1.00 x"))
        for (k, kind) in kinds.enumerated() {
            print(row(kind, String(format: "%.0f req/s", median(parallel[k])), "", String(format: "%.2f x", median(parallel[k]) / median(bareParallel))))
        }

        // Open loop: calls at a fixed rate, lateness against the schedule.
        let count = Int(rate * 2)
        let paced = (0..<count).map { GatewayCall(index: $0, function: "bench", app: "bench", scheduledSeconds: Double($0) / rate, durationMs: 0, memoryMB: 128) }
        print(String(format: "Open loop at %.0f calls/s for 2 s, up to 64 in flight", rate))
        for kind in kinds {
            var p50: [Double] = [], p99: [Double] = [], worst: [Double] = [], response99: [Double] = []
            for _ in 0..<repetitions {
                let summary = GatewaySummary(try replay(paced, concurrency: 64, double).1)
                p50.append(summary.latenessP50); p99.append(summary.latenessP99); worst.append(summary.latenessMax)
                response99.append(summary.responseP99)
            }
            print(String(format: "  %@: start lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms; response p99 %.3f ms",
                         kind, median(p50), median(p99), median(worst), median(response99)))
        }
    }

    /// Rate (calls per second, first due to last answer) and outcomes of one replay; every call must succeed.
    private func replay(_ calls: [GatewayCall], concurrency: Int, _ double: GatewayDouble) throws -> (Double, [GatewayOutcome]) {
        let replay = GatewayReplay(gateway: double.url, route: .openfaas, concurrency: concurrency, timeoutSeconds: 10)
        let begin = Self.now()
        let outcomes = try replay.run(calls)
        let rate = Double(calls.count) / (Self.now() - begin)
        guard outcomes.allSatisfy({ $0.outcome == "ok" }) else { throw fail("bench: some calls failed", Exit.failure) }
        return (rate, outcomes)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private func row(_ label: String, _ value: String, _ latency: String, _ ratio: String) -> String {
        "  " + label.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - value.count)) + value
            + String(repeating: " ", count: max(0, 12 - latency.count)) + latency + "   " + ratio
    }
}

/// A thread-safe count.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
