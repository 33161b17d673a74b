import Dispatch
import Foundation
import Gateway

extension Bench {
    /// `placer bench gateway`: what the HTTP backend's client (AsyncHTTPClient through
    /// GatewayReplay) costs, against a bare socket client, both talking to the gateway double on
    /// 127.0.0.1 in the same run, so that the ratios hold on a loaded machine.
    public struct GatewayRequest: Sendable {
        /// Requests per measurement.
        public var requests = 2000
        /// Requests in flight for the throughput measurement.
        public var concurrency = 8
        /// Calls per second of the open-loop lateness measurement (for 2 s).
        public var rate = 500.0
        /// Repetitions; medians are reported.
        public var repetitions = 3

        public init() {}
    }

    /// One client's medians, one request at a time.
    public struct GatewaySequential: Sendable {
        /// The client measured.
        public var client: String
        /// Requests per second.
        public var rate: Double
        /// Latency per request, ms.
        public var latencyMs: Double
    }

    /// One client's median rate with many requests in flight.
    public struct GatewayParallel: Sendable {
        /// The client measured.
        public var client: String
        /// Requests per second.
        public var rate: Double
    }

    /// One client's medians of an open-loop replay: start lateness and response p99, ms.
    public struct GatewayOpenLoop: Sendable {
        /// The client measured.
        public var client: String
        /// Start lateness against the schedule, ms.
        public var latenessP50: Double, latenessP99: Double, latenessMax: Double
        /// Response time p99, ms.
        public var responseP99: Double
    }

    /// The gateway bench's three measurements against one gateway double, taken one after the
    /// other so that a front end can show each as it is done. `stop()` stops the double.
    public final class GatewayRun: Sendable {
        /// The clients measured against the bare socket baseline.
        public static let clients = ["AsyncHTTPClient (GatewayReplay)"]

        private let request: GatewayRequest
        private let double: GatewayDouble

        /// Starts the gateway double on 127.0.0.1 (it answers at once); the double's and the
        /// replay's own errors pass through as they are.
        public init(_ request: GatewayRequest) throws {
            self.request = request
            double = try GatewayDouble()
        }

        /// Stops the gateway double.
        public func stop() { double.stop() }

        private var sampleBody: Data { GatewayCall(index: 0, function: "bench", app: "bench", scheduledSeconds: 0, durationMs: 0, memoryMB: 128).body }

        private var sampleBurst: [GatewayCall] {
            (0..<request.requests).map { GatewayCall(index: $0, function: "bench", app: "bench", scheduledSeconds: 0, durationMs: 0, memoryMB: 128) }
        }

        /// One request at a time: the bare client (the baseline) first, then each client.
        public func oneAtATime() throws -> (baseline: GatewaySequential, clients: [GatewaySequential]) {
            let body = sampleBody, burst = sampleBurst
            var bareLatency: [Double] = [], bareRate: [Double] = []
            var latency = Array(repeating: [Double](), count: Self.clients.count), rates = latency
            for _ in 0..<request.repetitions {
                let client = try BareHTTPClient(port: double.port)
                var each: [Double] = []
                let start = Self.now()
                for _ in 0..<request.requests {
                    let t = Self.now()
                    guard try client.post(path: "/function/bench", body: body) == 200 else { throw UseCaseError.failure("bench: the double did not answer 200") }
                    each.append((Self.now() - t) * 1000)
                }
                bareRate.append(Double(request.requests) / (Self.now() - start))
                bareLatency.append(Bench.median(each))
                for k in Self.clients.indices {
                    let (rate, outcomes) = try replay(burst, concurrency: 1)
                    rates[k].append(rate)
                    latency[k].append(Bench.median(outcomes.map(\.responseMs)))
                }
            }
            let baseline = GatewaySequential(client: "bare socket client (baseline)", rate: Bench.median(bareRate), latencyMs: Bench.median(bareLatency))
            let clients = Self.clients.enumerated().map { k, name in GatewaySequential(client: name, rate: Bench.median(rates[k]), latencyMs: Bench.median(latency[k])) }
            return (baseline, clients)
        }

        /// `concurrency` requests in flight: bare clients on as many threads (the baseline), then each client.
        public func inFlight() throws -> (baseline: GatewayParallel, clients: [GatewayParallel]) {
            let body = sampleBody, burst = sampleBurst
            var bareParallel: [Double] = []
            var parallel = Array(repeating: [Double](), count: Self.clients.count)
            let concurrency = request.concurrency
            let perThread = max(1, request.requests / concurrency)
            for _ in 0..<request.repetitions {
                let clients = try (0..<concurrency).map { _ in try BareHTTPClient(port: double.port) }
                let failures = Counter()
                let start = Self.now()
                DispatchQueue.concurrentPerform(iterations: concurrency) { i in
                    for _ in 0..<perThread where (try? clients[i].post(path: "/function/bench", body: body)) != 200 { failures.add() }
                }
                bareParallel.append(Double(perThread * concurrency) / (Self.now() - start))
                guard failures.value == 0 else { throw UseCaseError.failure("bench: bare client requests failed") }
                for k in Self.clients.indices { parallel[k].append(try replay(burst, concurrency: concurrency).0) }
            }
            let baseline = GatewayParallel(client: "bare socket clients (baseline)", rate: Bench.median(bareParallel))
            return (baseline, Self.clients.enumerated().map { k, name in GatewayParallel(client: name, rate: Bench.median(parallel[k])) })
        }

        /// Calls at `rate` for 2 s, up to 64 in flight: how late each client sends them.
        public func openLoop() throws -> [GatewayOpenLoop] {
            let rate = request.rate
            let paced = (0..<Int(rate * 2)).map {
                GatewayCall(index: $0, function: "bench", app: "bench", scheduledSeconds: Double($0) / rate, durationMs: 0, memoryMB: 128)
            }
            return try Self.clients.map { name in
                var p50: [Double] = [], p99: [Double] = [], worst: [Double] = [], response99: [Double] = []
                for _ in 0..<request.repetitions {
                    let summary = GatewaySummary(try replay(paced, concurrency: 64).1)
                    p50.append(summary.latenessP50); p99.append(summary.latenessP99); worst.append(summary.latenessMax)
                    response99.append(summary.responseP99)
                }
                return GatewayOpenLoop(client: name, latenessP50: Bench.median(p50), latenessP99: Bench.median(p99), latenessMax: Bench.median(worst),
                                       responseP99: Bench.median(response99))
            }
        }

        /// Rate (calls per second, first due to last answer) and outcomes of one replay; every call must succeed.
        private func replay(_ calls: [GatewayCall], concurrency: Int) throws -> (Double, [GatewayOutcome]) {
            let replay = GatewayReplay(gateway: double.url, route: .openfaas, concurrency: concurrency, timeoutSeconds: 10)
            let begin = Self.now()
            let outcomes = try replay.run(calls)
            let rate = Double(calls.count) / (Self.now() - begin)
            guard outcomes.allSatisfy({ $0.outcome == "ok" }) else { throw UseCaseError.failure("bench: some calls failed") }
            return (rate, outcomes)
        }

        private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    }
}

/// A thread-safe count.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
