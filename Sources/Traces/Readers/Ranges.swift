import InputLimits

/// The ranges a trace's numbers must fall in, checked where each is read so that nothing
/// downstream (minute indices in `Int32`, per-minute bins, sums of milliseconds) can overflow.
/// Each bound is an `InputLimits` figure a user can raise; the message names its variable.
struct Ranges {
    let limits: InputLimits

    /// The latest epoch time accepted: 9999-12-31T23:59:59Z, the last ISO-8601 four-digit year.
    static let latestEpochSeconds = 253_402_300_799.0

    /// A duration (execution, init, CPU, billed), ms.
    @inline(__always) func duration(_ ms: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        if ms.isFinite && ms <= limits.maxDurationMs { return ms }  // the rule; `within` says why not
        return try within(ms, limits.maxDurationMs, column: column, name, unit: "ms", .durationMs)
    }

    /// Memory of a function or an app, MB.
    @inline(__always) func memory(_ mb: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        if mb.isFinite && mb <= limits.maxMemoryMB { return mb }
        return try within(mb, limits.maxMemoryMB, column: column, name, unit: "MB", .memoryMB)
    }

    /// Seconds since the trace's start: at most the longest span a trace may have. (The limit's
    /// words are built only for the message: per call they cost a tenth of an ingest.)
    @inline(__always) func relativeSeconds(_ seconds: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        if seconds.isFinite && seconds <= Double(limits.maxTraceDays) * 86_400 { return seconds }
        return try within(seconds, Double(limits.maxTraceDays) * 86_400, column: column, name, unit: "s", .traceDays,
                   what: "\(limits.maxTraceDays) days after the trace's start")
    }

    /// An epoch time, seconds: from 1970 to the year 9999 (how far apart a trace's times may be is
    /// checked when it is replayed).
    func epochSeconds(_ seconds: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        guard seconds.isFinite, seconds >= 0, seconds <= Self.latestEpochSeconds else {
            throw RowProblem(column: column, reason: "number out of range",
                             message: "\(name) is outside 1970-01-01 to 9999-12-31")
        }
        return seconds
    }

    /// A count of calls in one minute.
    func callsPerMinute(_ count: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        try within(count, Double(limits.maxCallsPerMinute), column: column, name, unit: "calls", .callsPerMinute)
    }

    /// A per-minute value of another metric (delay, CPU…), stored as a 32-bit whole number.
    func storedValue(_ value: Double, column: Int, _ name: String) throws(RowProblem) -> Double {
        guard value.isFinite, abs(value) <= Double(Int32.max) else {
            throw RowProblem(column: column, reason: "number out of range", message: "\(name) is \(value), beyond what a per-minute value may hold (±\(Int32.max))")
        }
        return value
    }

    /// A trace day (Azure 2019's `dNN`): at most the longest span a trace may have.
    func day(_ day: Int) -> Bool { day >= 1 && day <= limits.maxTraceDays }

    private func within(_ value: Double, _ bound: Double, column: Int, _ name: String, unit: String,
                        _ limit: InputLimits.Name, what: @autoclosure () -> String? = nil) throws(RowProblem) -> Double {
        guard value.isFinite, value <= bound else {
            let shown = value.isFinite && abs(value) < 1e15 ? Self.plain(value) : "\(value)"
            throw RowProblem(column: column, reason: "number out of range", message: """
                \(name) is \(shown) \(unit), above the limit of \(what() ?? "\(Self.plain(bound)) \(unit)") \(limit.hint)
                """)
        }
        return value
    }

    /// A number without a trailing `.0`.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
