import ArgumentParser
import Executor
import Foundation
import Gateway
import Results
import Simulation

/// `placer execute --backend http`: the same schedule sent to a real FaaS gateway, one CSV row per call.
extension ExecuteCommand {
    func runHTTP(_ schedule: [ExecCall]) throws {
        let route = try http.chosenRoute()
        let gatewayURL = try http.parsedGateway(route)
        let options = try http.routeOptions()
        let calls = schedule.map {
            GatewayCall(index: $0.index, function: $0.function, app: $0.app, scheduledSeconds: $0.scheduledSeconds,
                        durationMs: $0.durationMs, memoryMB: $0.memoryMB)
        }
        // Every function must have a URL (a function map entry, say) before anything is sent.
        var checked = Set<String>()
        for call in calls where checked.insert(call.app + "/" + call.function).inserted {
            do { _ = try route.request(for: call, gateway: gatewayURL, options: options) } catch let error as RouteError {
                throw fail(error, Exit.badInput)
            }
        }
        if dryRun { printSchedule(schedule); return }
        guard let out else { return }

        let concurrency = http.inFlight
        let replay = GatewayReplay(gateway: gatewayURL, route: route, concurrency: concurrency, timeoutSeconds: timeout,
                                   options: options, overflow: http.overflow ?? .wait)
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
        do { try GatewayRecord.csv(calls, outcomes).write(toFile: out, atomically: true, encoding: .utf8) } catch {
            throw fail("\(out): cannot write the CSV: \(error.localizedDescription)", Exit.cannotCreate)
        }
        let target = http.routeTemplate ?? gatewayURL?.absoluteString ?? "function URLs"
        let summary = GatewaySummary(outcomes)
        if let json {
            let run: [String: JSONValue] = [
                "gateway": .string(target), "route": .string(route.rawValue), "concurrency": .int(concurrency),
                "timeoutSeconds": .fixed(timeout, 3), "seed": .string(String(seed)), "arrivals": .string(arrivals.rawValue),
                "window": window.map { .string($0) } ?? .null, "speedup": .fixed(speedup, 3), "overflow": .string((http.overflow ?? .wait).rawValue),
                "functions": .int(Set(calls.map(\.function)).count), "stopped": .raw(stop.isStopped ? "true" : "false"),
            ]
            var text = ""
            GatewayJSON.value(summary, run: run).write(into: &text)
            do { try (text + "\n").write(toFile: json, atomically: true, encoding: .utf8) } catch {
                throw fail("\(json): cannot write the summary: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        print(GatewayText.render(summary, functions: Set(calls.map(\.function)).count, target: target,
                                 route: route, concurrency: concurrency, timeout: timeout, seed: seed, arrivals: arrivals,
                                 window: window, speedup: speedup, out: out, stopped: stop.isStopped), terminator: "")
        print(GatewayText.perFunction(calls, outcomes), terminator: "")
        // Interrupted: what was measured is written, and the status says the replay is incomplete.
        if stop.isStopped { throw ExitCode(130) }
    }
}
