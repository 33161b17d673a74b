import ArgumentParser
import Foundation
import UseCases

/// `placer calibrate`: measures this machine for the on-prem targets' cold-start and overhead model.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure process cold start, warm per-invocation overhead and dispatch rate here.",
        discussion: "Writes a profile marked `observed` with the date and machine; `placer simulate --calibration FILE` uses it for on-prem targets, and `placer execute --compare-simulation --calibration FILE` for the model error.")

    @Option(name: .long, help: "Write the measured profile (YAML) here; default: standard output.") var out: String?
    @Option(name: .customLong("cold-samples"), help: "Processes started to measure the cold start.") var coldSamples = 30
    @Option(name: .customLong("warm-samples"), help: "Round trips to a warm instance.") var warmSamples = 2000
    @Option(name: .customLong("dispatch-calls"), help: "No-op invocations for the dispatch rate.") var dispatchCalls = 20_000

    func validate() throws {
        guard coldSamples > 0, warmSamples > 0, dispatchCalls > 0 else { throw ValidationError("sample counts must be positive") }
    }

    func run() throws {
        var request = Calibrate.Request(worker: workerPath(), out: out)
        request.coldSamples = coldSamples
        request.warmSamples = warmSamples
        request.dispatchCalls = dispatchCalls
        let calibration = try Calibrate.run(request)
        guard let out else { print(calibration.yaml(), terminator: ""); return }
        print(String(format: "cold start %.2f ms (p99 %.2f), warm overhead %.3f ms (p99 %.3f), dispatch %.0f invocations/s",
                     calibration.coldStartMedianMs, calibration.coldStartP99Ms, calibration.warmOverheadMedianMs,
                     calibration.warmOverheadP99Ms, calibration.dispatchPerSecond) + " → " + out)
    }
}
