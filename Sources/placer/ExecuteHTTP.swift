import ArgumentParser
import Dispatch
import Executor
import Foundation
import Gateway
import Simulation
import TerminalText
import UseCases

/// `placer execute --backend http`: the same schedule sent to a real FaaS gateway, one CSV row per call.
extension ExecuteCommand {
    func runHTTP(_ schedule: [ExecCall]) throws {
        var request = http.request
        request.timeout = timeout
        request.out = out
        request.json = json
        request.seed = seed
        request.arrivals = arrivals
        request.window = window
        request.speedup = speedup
        // Every function must have a URL (a function map entry, say) before anything is sent.
        let plan = try Execute.prepareHTTP(request, for: schedule)
        if dryRun { printSchedule(schedule); return }
        guard let out else { return }

        // Ctrl-C stops the replay; what was measured is kept.
        let stop = GatewayStop()
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler { stop.stop() }
        interrupt.resume()
        let outcome = try Execute.runHTTP(request, plan: plan, stop: stop, progress: TerminalProgress())
        interrupt.cancel()
        let run = GatewayText.Run(functions: plan.functionCount, target: plan.target, route: plan.route, concurrency: request.concurrency,
                                  timeout: timeout, seed: seed, arrivals: arrivals, window: window, speedup: speedup, out: out,
                                  stopped: outcome.stopped)
        print(GatewayText.render(outcome.summary, run), terminator: "")
        print(GatewayText.perFunction(outcome.calls, outcome.outcomes), terminator: "")
        // Interrupted: what was measured is written, and the status says the replay is incomplete.
        if outcome.stopped { throw ExitCode(130) }
    }
}
