import Foundation

/// What became of one invocation, from either backend; a backend leaves what it cannot measure nil.
public struct InvocationRecord: Sendable, Equatable {
    /// The kinds of outcome; anything but `ok` is a failed invocation.
    public enum Outcome: String, Sendable, CaseIterable {
        case ok
        /// The function answered with an error.
        case error
        /// Killed after running past the timeout.
        case timeout
        /// Went over its memory limit.
        case memory
        /// Died of a signal mid-invocation.
        case crash
        /// Exited mid-invocation.
        case exit
        /// Wrote something that is not the protocol.
        case garbage
        /// Its instance could not be started or never became ready.
        case startFailed
        /// The replay was stopped (Ctrl-C) while it ran.
        case interrupted
        /// HTTP backend: the gateway refused or failed it.
        case rejected
    }

    public var index: Int
    public var app: String
    public var function: String
    /// Instance number (0, 1, … in order of start); nil when not known (HTTP).
    public var instance: Int?
    public var scheduledSeconds: Double
    /// When it was handed to an instance (or sent), seconds from the replay's start.
    public var startedSeconds: Double?
    public var requestedDurationMs: Double
    public var memoryMB: Int
    /// Nil when the backend cannot tell.
    public var cold: Bool?
    /// The instance's start until ready, for the invocation that started it.
    public var initMs: Double?
    /// From handing it over to its answer.
    public var executionMs: Double?
    /// From its scheduled start to its answer: what a caller waited.
    public var responseMs: Double?
    public var cpuMs: Double?
    /// Peak resident set of the instance up to the answer, MB.
    public var peakRSSMB: Double?
    /// HTTP status, HTTP backend only.
    public var status: Int?
    public var outcome: Outcome
    public var reason: String

    public init(index: Int, app: String, function: String, instance: Int? = nil, scheduledSeconds: Double,
                startedSeconds: Double? = nil, requestedDurationMs: Double, memoryMB: Int, cold: Bool? = nil,
                initMs: Double? = nil, executionMs: Double? = nil, responseMs: Double? = nil, cpuMs: Double? = nil,
                peakRSSMB: Double? = nil, status: Int? = nil, outcome: Outcome, reason: String = "") {
        self.index = index
        self.app = app
        self.function = function
        self.instance = instance
        self.scheduledSeconds = scheduledSeconds
        self.startedSeconds = startedSeconds
        self.requestedDurationMs = requestedDurationMs
        self.memoryMB = memoryMB
        self.cold = cold
        self.initMs = initMs
        self.executionMs = executionMs
        self.responseMs = responseMs
        self.cpuMs = cpuMs
        self.peakRSSMB = peakRSSMB
        self.status = status
        self.outcome = outcome
        self.reason = reason
    }

    /// Start lateness: how long after its scheduled time it was handed over (queueing included).
    public var latenessMs: Double? { startedSeconds.map { ($0 - scheduledSeconds) * 1000 } }
}

/// The per-invocation CSV. Columns named as the In-Vitro loader names them where they mean the
/// same (`invocationID`, `instance`, `startTime`, `requestedDuration`, `responseTime`,
/// `actualDuration`, `actualMemoryUsage`, `functionTimeout`; times in µs, memory in MiB), then
/// Placer's own (milliseconds). Empty cells: not measured by this backend.
public enum InvocationCSV {
    public static let columns = [
        "invocationID", "function", "app", "instance", "startTime", "requestedDuration", "responseTime", "actualDuration",
        "actualMemoryUsage", "functionTimeout",
        "scheduledMs", "startedMs", "latenessMs", "cold", "initMs", "cpuMs", "memoryMB", "httpStatus", "outcome", "reason",
    ]

    /// The file's text, rows in invocation order. `startUnixMicros` is the replay's start on the
    /// wall clock (In-Vitro's `startTime` is a Unix time in µs).
    public static func render(_ records: [InvocationRecord], startUnixMicros: Int64) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for r in records.sorted(by: { $0.index < $1.index }) {
            func us(_ ms: Double?) -> String { ms.map { String(Int64(($0 * 1000).rounded())) } ?? "" }
            func ms(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "" }
            let start = r.startedSeconds.map { String(startUnixMicros + Int64(($0 * 1e6).rounded())) } ?? ""
            let cells = [
                String(r.index), field(r.function), field(r.app), r.instance.map(String.init) ?? "", start,
                us(r.requestedDurationMs), us(r.responseMs), us(r.executionMs),
                r.peakRSSMB.map { String(format: "%.1f", $0) } ?? "", r.outcome == .timeout ? "true" : "false",
                ms(r.scheduledSeconds * 1000), ms(r.startedSeconds.map { $0 * 1000 }), ms(r.latenessMs),
                r.cold.map { $0 ? "true" : "false" } ?? "", ms(r.initMs), ms(r.cpuMs), String(r.memoryMB),
                r.status.map(String.init) ?? "", r.outcome.rawValue, field(r.reason),
            ]
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Writes the file whole (through a temporary beside it), so it is never left half-written.
    public static func write(_ records: [InvocationRecord], startUnixMicros: Int64, to path: String) throws {
        try render(records, startUnixMicros: startUnixMicros).write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
