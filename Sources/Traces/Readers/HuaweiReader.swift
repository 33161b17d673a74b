/// Reads Huawei Cloud 2023 wide files (Joosen et al., SoCC 2023): `day,time,0,1,…,N-1`, one row
/// per minute or second, one column per function, `NaN` for no data. The metric comes from the
/// folder (`requests_minute/` → invocations, `function_delay_minute/` → function_delay, …).
///
/// Values are gathered per function for one hour of rows at a time, so memory stays bounded by
/// 60 × N values whatever the file's length. Several rows in one minute (per-second files) are
/// summed for request counts and averaged for other metrics.
///
/// The private set's resource files (sir-lab/data-release, `README_data_release_2023.md`) are
/// read the same way: `cpu_usage_minute/` and `memory_usage_minute/` hold a percentage of the
/// allocated CPU or memory used, averaged over the function's pods (so 0–100),
/// `cpu_limit_minute/` the CPU allocated to all its pods, `memory_limit_minute/` their memory (MB)
/// and `instances_minute/` their number. The store turns usage × limit into each call's CPU time.
final class HuaweiReader: RowReader {
    private let context: ReaderContext
    private let metric: String
    private var keys: [FunctionKey] = []
    private var sums: [[Double]] = []
    private var rowsInMinute: [[Int32]] = []
    private var minutes: [[Int32]] = []
    private var hour: Int32 = -1
    private var lastDay = 0
    private var sawNaN = false

    init(context: ReaderContext) {
        self.context = context
        metric = Self.metric(folder: context.parentFolder)
    }

    /// `requests_minute` → `invocations`; `function_delay_minute` → `function_delay`.
    static func metric(folder: String) -> String {
        var name = folder
        for suffix in ["_minute", "_second"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        if name.isEmpty || name == "requests" { return "invocations" }
        return name
    }

    var isCount: Bool { metric == "invocations" }
    /// The dataset states these as a percentage of what the pods were allocated.
    var isPercentage: Bool { metric == "cpu_usage" || metric == "memory_usage" }

    func header(_ row: borrowing CSVRow) throws {
        guard row.count >= 3, row.string(0).trimmingCharacters() == "day", row.string(1).trimmingCharacters() == "time" else {
            throw RowProblem(column: 1, reason: "header", message: "expected the header day,time,<function ids>")
        }
        var seen = Set<String>()
        for i in 2..<row.count {
            let id = row.string(i).trimmingCharacters()
            guard !id.isEmpty else { throw RowProblem(column: i + 1, reason: "header", message: "empty function id in the header") }
            guard seen.insert(id).inserted else {
                throw RowProblem(column: i + 1, reason: "header", message: "function id \"\(id)\" appears twice in the header")
            }
            keys.append(FunctionKey(app: id, function: id))
            try context.sink.function(keys[keys.count - 1], owner: nil, trigger: nil)
        }
        sums = Array(repeating: [], count: keys.count)
        rowsInMinute = sums.map { _ in [] }
        minutes = rowsInMinute
    }

    func row(_ row: borrowing CSVRow) throws {
        let day = try row.count(0, "day")
        let seconds = try context.ranges.relativeSeconds(row.required(1, "time"), column: 2, "time")
        let minute = Int32(clamping: Int(seconds / 60))
        if minute / 60 != hour { try flush(); hour = minute / 60 }
        lastDay = max(lastDay, day)
        // Validate the whole row before keeping any of it, so a skipped row leaves nothing behind.
        var values: [(Int, Double)] = []
        for column in 2..<row.count {
            if row.isEmpty(column) || row.isNaN(column) { sawNaN = true; continue }
            let value = try row.required(column, "function \(keys[column - 2])")
            if isCount && value == 0 { continue }
            // Counts are summed per minute and stored as 32-bit whole numbers: bound the sum.
            let sum = value + (minutes[column - 2].last == minute ? sums[column - 2][sums[column - 2].count - 1] : 0)
            if isCount {
                _ = try context.ranges.callsPerMinute(sum, column: column + 1, "function \(keys[column - 2])'s calls in minute \(minute)")
            } else if isPercentage, value > 100 {
                throw RowProblem(column: column + 1, reason: "number out of range",
                                 message: "function \(keys[column - 2])'s \(metric) is \(value), above 100: the dataset gives it as a percentage of the CPU or memory allocated")
            } else {
                _ = try context.ranges.storedValue(sum, column: column + 1, "function \(keys[column - 2])")
            }
            values.append((column - 2, value))
        }
        for (index, value) in values {
            if minutes[index].last == minute {
                sums[index][sums[index].count - 1] += value
                rowsInMinute[index][rowsInMinute[index].count - 1] += 1
            } else {
                minutes[index].append(minute)
                sums[index].append(value)
                rowsInMinute[index].append(1)
            }
        }
    }

    private func flush() throws {
        for index in keys.indices where !minutes[index].isEmpty {
            var series = MinuteSeries(metric: metric)
            for (j, minute) in minutes[index].enumerated() {
                let value = isCount ? sums[index][j] : sums[index][j] / Double(rowsInMinute[index][j])
                series.append(minute: minute, value: value)
            }
            try context.sink.minuteSeries(keys[index], series)
            minutes[index].removeAll(keepingCapacity: true)
            sums[index].removeAll(keepingCapacity: true)
            rowsInMinute[index].removeAll(keepingCapacity: true)
        }
    }

    func finish() throws {
        try flush()
    }

    func describe(_ summary: inout ReadSummary) {
        summary.kind = metric
        summary.clock = .relative
        summary.day = lastDay > 0 ? lastDay : nil
    }
}
