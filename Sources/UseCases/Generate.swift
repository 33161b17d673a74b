import Traces

/// `placer generate`: a synthetic trace in a real format, following the published Azure 2019
/// shape; the same seed gives the same files, byte for byte (module Traces).
public enum Generate {
    /// The preset (a format), its size and seed, and the folder to write into.
    public struct Request: Sendable {
        /// One of `GeneratorPreset`'s names.
        public var preset: String
        /// Number of functions.
        public var functions: Int
        /// Number of days.
        public var days = 1
        /// Random seed.
        public var seed: UInt64 = 1
        /// The folder to write into (created if missing).
        public var out: String
        /// The first day to write (1-based), numbered as in a full trace.
        public var startDay = 1
        /// Caps each function's average invocations per day.
        public var maxDailyRate: Double?
        /// Lambda presets: the idle timeout of the simulated instances, seconds (nil: the default).
        public var idleTimeoutSeconds: Double?

        /// A request with what most callers set; the rest keep their defaults.
        public init(preset: String, functions: Int, out: String) {
            self.preset = preset
            self.functions = functions
            self.out = out
        }
    }

    /// The files written and what they hold.
    public static func run(_ request: Request) throws -> GenerationSummary {
        guard let preset = GeneratorPreset(rawValue: request.preset) else {
            throw UseCaseError.usage("unknown preset \"\(request.preset)\"; expected one of \(GeneratorPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let options = GeneratorOptions(preset: preset, functions: request.functions, days: request.days, seed: request.seed,
                                       startDay: request.startDay, maxDailyRate: request.maxDailyRate,
                                       idleTimeoutSeconds: request.idleTimeoutSeconds ?? GeneratorOptions.defaultLambdaKeepAliveSeconds)
        if request.idleTimeoutSeconds != nil, preset != .lambdaLog, preset != .lambdaInsights {
            throw UseCaseError.usage("--idle-timeout applies to the lambda-log and lambda-insights presets only")
        }
        do { try options.validate() } catch { throw UseCaseError.usage(error.message) }
        guard !request.out.isEmpty else { throw UseCaseError.usage("--out must name a folder") }
        do {
            return try TraceGenerator.generate(options, into: request.out)
        } catch {
            throw UseCaseError.cannotCreate(error.message)
        }
    }
}
