import ArgumentParser
import Foundation
import Gateway

/// `placer gateway-double`: the tests' stand-in gateway, for trying `gateway-replay` without a cluster.
struct GatewayDoubleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-double",
        abstract: "Serve a stand-in FaaS gateway on 127.0.0.1 until Ctrl-C, for trying gateway-replay without a cluster.",
        discussion: """
            Answers every route gateway-replay sends (OpenFaaS /function/NAME, OpenWhisk, Fn, Knative by Host, templates) \
            with 200, after sleeping the request's durationMs × --delay-scale. On Ctrl-C it prints how many requests \
            it received and the most it handled at once.
            """)

    @Option(help: "Port to listen on (0: any free one).") var port = 8080
    @Option(name: .customLong("delay-scale"), help: "Sleep durationMs × this before answering.") var delayScale = 1.0
    @Option(name: .customLong("fail"), help: "Comma-separated call indices to answer with 500.") var failIndices: String?

    func run() throws {
        guard (0...65_535).contains(port) else { throw fail("--port must be 0–65535", Exit.usage) }
        guard delayScale >= 0, delayScale.isFinite else { throw fail("--delay-scale must be zero or more", Exit.usage) }
        var failing = Set<Int>()
        for item in (failIndices ?? "").split(separator: ",") {
            guard let n = Int(item.trimmingCharacters(in: .whitespaces)) else { throw fail("--fail: not an index: \(item)", Exit.usage) }
            failing.insert(n)
        }
        let double: GatewayDouble
        do { double = try GatewayDouble(port: port, behavior: .init(delayScale: delayScale, failIndices: failing)) } catch {
            throw fail("\(error) (port \(port))", Exit.failure)
        }
        print("gateway double listening on \(double.url.absoluteString) (Ctrl-C stops)")
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig)
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        double.stop()
        print("received \(double.requests.count) requests on \(double.connectionCount) connections, at most \(double.maxInFlight) at once")
    }
}
