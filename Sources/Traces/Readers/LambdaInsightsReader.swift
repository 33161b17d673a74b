/// Reads a CloudWatch Logs Insights CSV export of Lambda REPORT fields:
/// `@timestamp,@duration,@billedDuration,@memorySize,@maxMemoryUsed` (memory in bytes), optionally
/// `@initDuration`, and `@log` (`account:/aws/lambda/NAME`) naming the function; without `@log`
/// the file name does. `@timestamp` is when the REPORT line was written: the invocation's end.
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
        let duration = try row.required(durationColumn, "@duration")
        let initMs = try c["@initDuration"].flatMap { try row.number($0, "@initDuration", optional: true) }
        // Insights reports bytes of decimal megabytes: AWS's own example query divides by 1000 twice.
        let megabyte = 1_000_000.0
        let record = Invocation(
            startSeconds: end - (duration + (initMs ?? 0)) / 1000, durationMs: duration,
            memoryMB: try c["@memorySize"].flatMap { try row.number($0, "@memorySize", optional: true) }.map { $0 / megabyte },
            maxMemoryMB: try c["@maxMemoryUsed"].flatMap { try row.number($0, "@maxMemoryUsed", optional: true) }.map { $0 / megabyte },
            initMs: initMs,
            billedMs: try c["@billedDuration"].flatMap { try row.number($0, "@billedDuration", optional: true) },
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
