/// Reads a CloudWatch Logs Insights CSV export of Lambda REPORT fields:
/// `@timestamp,@duration,@billedDuration,@memorySize,@maxMemoryUsed` (memory in bytes), optionally
/// `@initDuration`, and `@log` (`account:/aws/lambda/NAME`) naming the function; without `@log`
/// the file name does. `@timestamp` is when the REPORT line was written: the invocation's end.
/// A `cpu_total_time` column (Lambda Insights' per-invocation CPU time in ms, user plus system,
/// joined to the REPORT fields by the user's query) is the call's CPU demand, as `cpu_ms` is in
/// Placer's CSV.
final class LambdaInsightsReader: RowReader {
    private let context: ReaderContext
    /// Optional columns by name.
    private var c: [String: Int] = [:]
    private var stampColumn = 0, durationColumn = 1
    private var clock: TraceClock = .epoch

    init(context: ReaderContext) { self.context = context }

    func header(_ row: borrowing CSVRow) throws {
        let columns = try row.columns(required: ["@timestamp", "@duration"], allowUnknown: true)
        (stampColumn, durationColumn) = (columns.required[0], columns.required[1])
        c = columns.optional
    }

    func row(_ row: borrowing CSVRow) throws {
        let stamp = Substring(row.string(stampColumn))
        let end: Double
        if let seconds = Timestamps.epochSeconds(iso: stamp) {
            end = seconds
        } else if let millis = Double(stamp), millis > 1e11 {
            end = millis / 1000  // epoch milliseconds
        } else {
            throw RowProblem(column: stampColumn + 1, reason: "bad timestamp", message: "@timestamp \"\(stamp.prefix(40))\" is not a date-time")
        }
        let r = context.ranges
        _ = try r.epochSeconds(end, column: stampColumn + 1, "@timestamp")
        let duration = try r.duration(row.required(durationColumn, "@duration"), column: durationColumn + 1, "@duration")
        let initMs = try c["@initDuration"].flatMap { i in try row.number(i, "@initDuration", optional: true).map { try r.duration($0, column: i + 1, "@initDuration") } }
        // Insights reports bytes of decimal megabytes: AWS's own example query divides by 1000 twice.
        let megabyte = 1_000_000.0
        let record = Invocation(
            startSeconds: end - (duration + (initMs ?? 0)) / 1000, durationMs: duration,
            memoryMB: try c["@memorySize"].flatMap { i in try row.number(i, "@memorySize", optional: true).map { try r.memory($0 / megabyte, column: i + 1, "@memorySize") } },
            maxMemoryMB: try c["@maxMemoryUsed"].flatMap { i in try row.number(i, "@maxMemoryUsed", optional: true).map { try r.memory($0 / megabyte, column: i + 1, "@maxMemoryUsed") } },
            initMs: initMs,
            cpuMs: try c["cpu_total_time"].flatMap { i in try row.number(i, "cpu_total_time", optional: true).map { try r.duration($0, column: i + 1, "cpu_total_time") } },
            billedMs: try c["@billedDuration"].flatMap { i in try row.number(i, "@billedDuration", optional: true).map { try r.duration($0, column: i + 1, "@billedDuration") } },
            // With the column, an empty @initDuration is a warm call, as on the REPORT line.
            cold: c["@initDuration"] == nil ? nil : initMs != nil)
        let name = c["@log"].map { LambdaLogReader.functionName(inLogGroup: row.string($0)) } ?? nil
        let function = name ?? context.stem
        try context.sink.invocation(FunctionKey(app: function, function: function), record)
    }

    func describe(_ summary: inout ReadSummary) {
        summary.kind = "invocations"
        summary.clock = clock
    }
}
