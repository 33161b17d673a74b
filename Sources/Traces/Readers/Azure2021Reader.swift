/// Reads the Azure Functions 2021 per-invocation trace (Zhang et al., SOSP 2021):
/// `app,func,end_timestamp,duration`, both times in seconds; start = end − duration.
final class Azure2021Reader: RowReader {
    private let context: ReaderContext
    private var app = 0, function = 1, end = 2, duration = 3

    init(context: ReaderContext) { self.context = context }

    func header(_ row: borrowing CSVRow) throws {
        let columns = try row.columns(required: ["app", "func", "end_timestamp", "duration"]).required
        (app, function, end, duration) = (columns[0], columns[1], columns[2], columns[3])
    }

    func row(_ row: borrowing CSVRow) throws {
        guard !row.isEmpty(app) else { throw RowProblem(column: app + 1, reason: "missing value", message: "app is empty") }
        guard !row.isEmpty(function) else { throw RowProblem(column: function + 1, reason: "missing value", message: "func is empty") }
        let endSeconds = try context.ranges.relativeSeconds(row.required(end, "end_timestamp"), column: end + 1, "end_timestamp")
        let seconds = try context.ranges.duration(row.required(duration, "duration") * 1000, column: duration + 1, "duration") / 1000
        let key = FunctionKey(app: row.string(app), function: row.string(function))
        try context.sink.invocation(key, Invocation(startSeconds: endSeconds - seconds, durationMs: seconds * 1000))
    }

    func describe(_ summary: inout ReadSummary) {
        summary.kind = "invocations"
        summary.clock = .relative
    }
}
