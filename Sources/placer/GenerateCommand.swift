import ArgumentParser
import Traces
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    func run() throws {
        // Checked here rather than in `validate()` so that a bad value is one line, not a usage dump.
        guard let preset = GeneratorPreset(rawValue: preset) else {
            throw fail("unknown preset \"\(self.preset)\"; expected one of \(GeneratorPreset.allCases.map(\.rawValue).joined(separator: ", "))", Exit.usage)
        }
        let options = GeneratorOptions(preset: preset, functions: functions, days: days, seed: seed, startDay: startDay,
                                       maxDailyRate: maxDailyRate)
        do { try options.validate() } catch { throw fail(error.message, Exit.usage) }
        guard !out.isEmpty else { throw fail("--out must name a folder", Exit.usage) }
        let summary: GenerationSummary
        do {
            summary = try TraceGenerator.generate(options, into: out)
        } catch {
            throw fail(error.message, Exit.cannotCreate)
        }
        print("""
            wrote \(summary.files.count) file\(summary.files.count == 1 ? "" : "s") (\(summary.bytes) bytes) to \(out): \
            \(summary.functions) functions in \(summary.apps) apps, \(summary.invocations) invocations
            """)
    }
}
