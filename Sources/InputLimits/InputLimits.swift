import Foundation

/// How much a file from outside may make Placer take: bytes per trace row, fields per row, the
/// ranges of durations, memory, per-minute counts and a trace's span, the nodes a YAML file may
/// expand to, and the nesting and string sizes of a result JSON.
///
/// Each limit has an environment variable that raises (or lowers) it; errors name the variable.
/// The defaults sit far above anything a real trace, deployment or result holds (see the
/// README's "Limits") and far below what would exhaust this machine.
public struct InputLimits: Sendable, Equatable {
    /// Bytes in one trace row (a line, or a quoted field's lines): a longer one is refused
    /// before it is buffered.
    public var maxRowBytes = 1 << 20
    /// Fields in one trace row (Azure 2019 rows have 1,444; Huawei's a column per function).
    public var maxFieldsPerRow = 20_000
    /// The longest invocation duration (also init and CPU time), ms: one day.
    public var maxDurationMs = 86_400_000.0
    /// The most memory one function or app may use, MB (1 TiB).
    public var maxMemoryMB = 1_048_576.0
    /// The most calls of one function in one minute (Int32 bounds the store's per-minute counts).
    public var maxCallsPerMinute = 100_000_000
    /// The longest a trace may span, days: a timestamp further from the trace's start is refused
    /// (replay allocates per minute of the span).
    public var maxTraceDays = 400
    /// Nodes a YAML file may hold once its aliases are expanded (an alias bomb expands to billions).
    public var maxYAMLNodes = 200_000
    /// Nesting depth of a result JSON.
    public var maxJSONDepth = 64
    /// Bytes in one string of a result JSON.
    public var maxJSONStringBytes = 1 << 20
    /// Bytes of one result JSON.
    public var maxJSONBytes = 256 << 20

    public init() {}

    /// The built-in limits.
    public static let standard = InputLimits()

    /// One limit's environment variable, for messages: "(PLACER_MAX_ROW_BYTES raises it)".
    public enum Name: String, CaseIterable, Sendable {
        case rowBytes = "PLACER_MAX_ROW_BYTES"
        case fieldsPerRow = "PLACER_MAX_FIELDS_PER_ROW"
        case durationMs = "PLACER_MAX_DURATION_MS"
        case memoryMB = "PLACER_MAX_MEMORY_MB"
        case callsPerMinute = "PLACER_MAX_CALLS_PER_MINUTE"
        case traceDays = "PLACER_MAX_TRACE_DAYS"
        case yamlNodes = "PLACER_MAX_YAML_NODES"
        case jsonDepth = "PLACER_MAX_JSON_DEPTH"
        case jsonStringBytes = "PLACER_MAX_JSON_STRING_BYTES"
        case jsonBytes = "PLACER_MAX_JSON_BYTES"

        /// The words a message appends: "(limit set by PLACER_MAX_ROW_BYTES)".
        public var hint: String { "(the limit is set by \(rawValue))" }
    }

    /// The largest value a variable may set: the types behind each limit (Int32 minutes and
    /// counts, the stack behind JSON nesting) bound them.
    static func ceiling(_ name: Name) -> Double {
        switch name {
        case .rowBytes, .jsonStringBytes, .jsonBytes: return Double(1 << 40)
        case .fieldsPerRow: return 100_000_000
        case .durationMs: return 1e12                       // 31 years
        case .memoryMB: return 1e12
        case .callsPerMinute: return Double(Int32.max)
        case .traceDays: return Double(Int32.max / 1440 - 1)
        case .yamlNodes: return 1e9
        case .jsonDepth: return 512                          // what Foundation's parser accepts
        }
    }

    /// A limit variable that is set but cannot be used.
    public struct EnvironmentError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The standard limits with every `PLACER_MAX_*` variable in `environment` applied; a value
    /// that is not a whole number from 1 to the limit's ceiling is an error naming the variable.
    public static func from(environment: [String: String]) throws(EnvironmentError) -> InputLimits {
        var limits = InputLimits()
        for name in Name.allCases {
            guard let text = environment[name.rawValue] else { continue }
            let ceiling = ceiling(name)
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1, Double(value) <= ceiling else {
                throw EnvironmentError(description: "\(name.rawValue)=\(text.prefix(40)) is not a whole number from 1 to \(Int(ceiling))")
            }
            switch name {
            case .rowBytes: limits.maxRowBytes = value
            case .fieldsPerRow: limits.maxFieldsPerRow = value
            case .durationMs: limits.maxDurationMs = Double(value)
            case .memoryMB: limits.maxMemoryMB = Double(value)
            case .callsPerMinute: limits.maxCallsPerMinute = value
            case .traceDays: limits.maxTraceDays = value
            case .yamlNodes: limits.maxYAMLNodes = value
            case .jsonDepth: limits.maxJSONDepth = value
            case .jsonStringBytes: limits.maxJSONStringBytes = value
            case .jsonBytes: limits.maxJSONBytes = value
            }
        }
        return limits
    }

    /// The limits this process runs with: the standard ones, raised by `PLACER_MAX_*` variables.
    /// The `placer` executable checks the variables first (`from(environment:)`, exit 64); a
    /// library caller whose variable is unusable gets the standard limits.
    public static let current: InputLimits = (try? from(environment: ProcessInfo.processInfo.environment)) ?? .standard
}
