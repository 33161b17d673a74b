import ArgumentParser
import Foundation
import Traces
import UseCases

/// `placer calibrate`: measures this machine for the on-prem targets' cold-start and overhead
/// model, or (`--from`) fits a target's keep-alive and cold start to a team's own trace.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure process cold start here, or fit a target's keep-alive and cold start to a trace's observed cold starts (--from).",
        discussion: """
            Without --from: writes a profile marked `observed` with the date and machine; `placer simulate --calibration FILE` uses \
            it for on-prem targets, and `placer execute --compare-simulation --calibration FILE` for the model error. \
            With --from TRACE --target ID: fits the target's idle timeout and cold-start distribution to the cold starts the \
            trace observed (Lambda's Init Duration, or a `cold` column) and writes an override marked `observed`; \
            `placer simulate|advise --calibration FILE` applies it and reports its error on the trace's own calls (docs/calibration.md).
            """)

    @Option(name: .long, help: "Write the measured profile or the fit (YAML) here; default: standard output.") var out: String?
    @Option(name: .long, help: "A trace (files, folders or a database) whose calls say which were cold: fit --target to it.") var from: [String] = []
    @Option(name: .long, help: "With --from: the target whose keep-alive and cold start are fitted (e.g. aws-lambda-x86).") var target: String?
    @Option(name: .long, help: "With --from: a folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(help: "With --from: force a format for trace files.") var format: TraceFormat?
    @Option(name: .customLong("cold-samples"), help: "Processes started to measure the cold start.") var coldSamples = 30
    @Option(name: .customLong("warm-samples"), help: "Round trips to a warm instance.") var warmSamples = 2000
    @Option(name: .customLong("dispatch-calls"), help: "No-op invocations for the dispatch rate.") var dispatchCalls = 20_000

    func validate() throws {
        guard coldSamples > 0, warmSamples > 0, dispatchCalls > 0 else { throw ValidationError("sample counts must be positive") }
        if from.isEmpty, target != nil { throw ValidationError("--target needs --from TRACE (the trace to fit it to)") }
        if !from.isEmpty, target == nil { throw ValidationError("--from needs --target ID (the target whose keep-alive is fitted)") }
        if from.isEmpty, catalog != nil || format != nil { throw ValidationError("--catalog and --format apply with --from only") }
    }

    func run() throws {
        if let target, !from.isEmpty { return try fit(target) }
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

    private func fit(_ target: String) throws {
        var request = CalibrateFromTrace.Request(paths: from, target: target, out: out)
        request.catalog = catalog
        request.format = format
        let fit = try CalibrateFromTrace.run(request, progress: TerminalProgress())
        guard let out else { print(fit.yaml(), terminator: ""); return }
        print(fit.summary + " → " + out)
    }
}
