import ArgumentParser
import TerminalText
import UseCases

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
        var request = Bench.GatewayRequest()
        request.requests = requests
        request.concurrency = concurrency
        request.rate = rate
        request.repetitions = repetitions
        let bench = try Bench.GatewayRun(request)
        defer { bench.stop() }
        // Each table as soon as it is measured.
        let one = try bench.oneAtATime()
        print(GatewayBenchText.oneAtATime(requests: requests, repetitions: repetitions, baseline: (one.baseline.rate, one.baseline.latencyMs),
                                          clients: one.clients.map { ($0.client, $0.rate, $0.latencyMs) }), terminator: "")
        let many = try bench.inFlight()
        print(GatewayBenchText.inFlight(concurrency: concurrency, baselineRate: many.baseline.rate, clients: many.clients.map { ($0.client, $0.rate) }),
              terminator: "")
        print(GatewayBenchText.openLoopHeading(rate: rate), terminator: "")
        for f in try bench.openLoop() {
            print(GatewayBenchText.openLoop(name: f.client, latenessP50: f.latenessP50, latenessP99: f.latenessP99, latenessMax: f.latenessMax,
                                            responseP99: f.responseP99), terminator: "")
        }
    }
}
