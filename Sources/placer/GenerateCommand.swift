import ArgumentParser
import Traces
import UseCases

/// `placer generate`: writes a synthetic trace in a real format, with the published Azure shape.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Writes a synthetic trace in a real format, following the published Azure 2019 shape.",
        discussion: """
            Presets: \(GeneratorPreset.allCases.map(\.rawValue).joined(separator: ", ")). \
            The same seed gives the same files, byte for byte.
            """)

    @Option(help: "The format to write: \(GeneratorPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: String

    @Option(help: "Number of functions.")
    var functions: Int

    @Option(help: "Number of days.")
    var days: Int = 1

    @Option(help: "Random seed (a non-negative integer).")
    var seed: UInt64 = 1

    @Option(help: "The folder to write into (created if missing).")
    var out: String

    @Option(help: "The first day to write (1-based), numbered as in a full trace.")
    var startDay: Int = 1

    @Option(help: "Caps each function's average invocations per day (keeps per-invocation samples small).")
    var maxDailyRate: Double?

    @Option(name: .customLong("idle-timeout"), help: "lambda-log, lambda-insights: seconds an idle instance is kept (default 600); a call that finds none is a cold start with Init Duration.")
    var idleTimeout: Double?

    func run() throws {
        var request = Generate.Request(preset: preset, functions: functions, out: out)
        request.days = days
        request.seed = seed
        request.startDay = startDay
        request.maxDailyRate = maxDailyRate
        request.idleTimeoutSeconds = idleTimeout
        let summary = try Generate.run(request)
        print("""
            wrote \(summary.files.count) file\(summary.files.count == 1 ? "" : "s") (\(summary.bytes) bytes) to \(out): \
            \(summary.functions) functions in \(summary.apps) apps, \(summary.invocations) invocations\
            \(summary.coldStarts > 0 ? ", \(summary.coldStarts) cold starts" : "")
            """)
    }
}
