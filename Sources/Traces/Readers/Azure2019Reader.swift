import InputLimits

/// Reads the three Azure Functions 2019 file kinds (Shahrad et al., ATC 2020), telling them
/// apart by header; the day comes from the `dNN` in the file name.
///
/// Real-file quirks handled here: empty Minimum/Maximum are stored as unknown (consumers fall back
/// to the 0th/100th percentiles); `Count` is kept as the duration sample's weight, separate from
/// the per-minute counts, which alone drive arrivals.
final class Azure2019Reader: RowReader {
    enum Kind: String {
        case invocations, durations, memory
    }

    static let durationHeader = ["HashOwner", "HashApp", "HashFunction", "Average", "Count", "Minimum", "Maximum",
                                 "percentile_Average_0", "percentile_Average_1", "percentile_Average_25",
                                 "percentile_Average_50", "percentile_Average_75", "percentile_Average_99",
                                 "percentile_Average_100"]
    static let memoryHeader = ["HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb",
                               "AverageAllocatedMb_pct1", "AverageAllocatedMb_pct5", "AverageAllocatedMb_pct25",
                               "AverageAllocatedMb_pct50", "AverageAllocatedMb_pct75", "AverageAllocatedMb_pct95",
                               "AverageAllocatedMb_pct99", "AverageAllocatedMb_pct100"]
    static let invocationPrefix = ["HashOwner", "HashApp", "HashFunction", "Trigger"]

    private let context: ReaderContext
    private var kind: Kind = .invocations
    private let day: Int
    private var minuteColumns = 0
    /// Reused for every row, so wide rows allocate nothing.
    private var series = MinuteSeries(metric: "invocations")

    init(context: ReaderContext) throws {
        self.context = context
        guard let day = Self.day(fromFileName: context.fileName), context.ranges.day(day) else {
            throw TraceError(file: context.path, message: """
                cannot tell the day from the file name: Azure 2019 files are named like \
                invocations_per_function_md.anon.d01.csv (day 1 to 14; at most day \(context.ranges.limits.maxTraceDays) \
                \(InputLimits.Name.traceDays.hint))
                """)
        }
        self.day = day
    }

    /// The day number in names like `…anon.d05.csv`.
    static func day(fromFileName name: String) -> Int? {
        let parts = name.split(separator: ".")
        for part in parts.reversed() where part.first == "d" && part.count >= 2 {
            if part.dropFirst().count <= 9, let n = Int(part.dropFirst()), n >= 1 { return n }
        }
        return nil
    }

    func header(_ row: borrowing CSVRow) throws {
        let names = (0..<row.count).map { row.string($0).trimmingCharacters() }
        if names.count > 2, names[2] == "SampleCount" {
            kind = .memory
            try expect(names, Self.memoryHeader)
        } else if names.count > 3, names[3] == "Average" {
            kind = .durations
            try expect(names, Self.durationHeader)
        } else {
            kind = .invocations
            try expect(Array(names.prefix(4)), Self.invocationPrefix)
            guard names.count > 4 else {
                throw RowProblem(column: 5, reason: "header", message: "no minute columns (expected 1,2,…,1440 after Trigger)")
            }
            for (i, name) in names.enumerated().dropFirst(4) where name != String(i - 3) {
                throw RowProblem(column: i + 1, reason: "header", message: "expected minute column \"\(i - 3)\", found \"\(name)\"")
            }
            minuteColumns = names.count - 4
            if minuteColumns > 1440 {
                throw RowProblem(column: 1445, reason: "header", message: "a day has 1440 minutes, the header has \(minuteColumns)")
            }
        }
    }

    private func expect(_ names: [String], _ expected: [String]) throws {
        for (i, name) in expected.enumerated() {
            guard i < names.count else {
                throw RowProblem(column: i + 1, reason: "header", message: "the header lacks the column \"\(name)\"")
            }
            guard names[i] == name else {
                throw RowProblem(column: i + 1, reason: "header", message: "expected column \"\(name)\", found \"\(names[i])\"")
            }
        }
        if names.count > expected.count {
            throw RowProblem(column: expected.count + 1, reason: "header", message: "unexpected extra column \"\(names[expected.count])\"")
        }
    }

    func row(_ row: borrowing CSVRow) throws {
        switch kind {
        case .invocations: try invocations(row)
        case .durations: try durations(row)
        case .memory: try memory(row)
        }
    }

    private func key(_ row: borrowing CSVRow) throws -> FunctionKey {
        for i in 1...2 where row.isEmpty(i) {
            throw RowProblem(column: i + 1, reason: "missing value", message: "\(i == 1 ? "HashApp" : "HashFunction") is empty")
        }
        return FunctionKey(app: row.string(1), function: row.string(2))
    }

    private func invocations(_ row: borrowing CSVRow) throws {
        let key = try key(row)
        let triggerName = row.string(3)
        guard let trigger = Trigger(rawValue: triggerName) else {
            throw RowProblem(column: 4, reason: "unknown trigger", message: """
                unknown trigger "\(triggerName.prefix(40))"; expected one of \(Trigger.allCases.map(\.rawValue).joined(separator: ", "))
                """)
        }
        series.removeAll()
        let base = Int32((day - 1) * 1440) - 4
        let ranges = context.ranges
        try row.nonZeroCounts(4..<(4 + minuteColumns), { "minute \($0 - 3)" }) { column, n in
            _ = try ranges.callsPerMinute(Double(n), column: column + 1, "minute \(column - 3)")
            series.append(minute: base + Int32(column), value: Double(n))
        }
        try context.sink.function(key, owner: row.string(0), trigger: trigger)
        if !series.isEmpty { try context.sink.minuteSeries(key, series) }
    }

    private func durations(_ row: borrowing CSVRow) throws {
        let key = try key(row)
        let r = context.ranges
        let average = try r.duration(row.required(3, "Average"), column: 4, "Average")
        let count = try row.count(4, "Count")
        let minimum = try row.number(5, "Minimum", optional: true).map { try r.duration($0, column: 6, "Minimum") }
        let maximum = try row.number(6, "Maximum", optional: true).map { try r.duration($0, column: 7, "Maximum") }
        let percentiles = try Self.percentiles(row, 7..<14, Self.durationHeader)
        for (i, value) in percentiles.enumerated() { _ = try r.duration(value, column: 8 + i, Self.durationHeader[7 + i]) }
        try context.sink.function(key, owner: row.string(0), trigger: nil)
        try context.sink.durations(key, DurationPercentiles(
            day: day, averageMs: average, count: count, minimumMs: minimum, maximumMs: maximum, percentilesMs: percentiles))
    }

    private func memory(_ row: borrowing CSVRow) throws {
        guard !row.isEmpty(1) else { throw RowProblem(column: 2, reason: "missing value", message: "HashApp is empty") }
        let sampleCount = try row.count(2, "SampleCount")
        let average = try context.ranges.memory(row.required(3, "AverageAllocatedMb"), column: 4, "AverageAllocatedMb")
        let percentiles = try Self.percentiles(row, 4..<12, Self.memoryHeader)
        for (i, value) in percentiles.enumerated() { _ = try context.ranges.memory(value, column: 5 + i, Self.memoryHeader[4 + i]) }
        try context.sink.memory(app: row.string(1), owner: row.string(0), MemoryPercentiles(
            day: day, sampleCount: sampleCount, averageMB: average, percentilesMB: percentiles))
    }

    /// Reads a row's percentile columns, which must not decrease.
    private static func percentiles(_ row: borrowing CSVRow, _ columns: Range<Int>, _ header: [String]) throws -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(columns.count)
        for i in columns {
            let value = try row.required(i, header[i])
            if let previous = values.last, value < previous {
                throw RowProblem(column: i + 1, reason: "decreasing percentiles", message: "\(header[i]) is below \(header[i - 1])")
            }
            values.append(value)
        }
        return values
    }

    func describe(_ summary: inout ReadSummary) {
        summary.kind = kind.rawValue
        summary.day = day
        summary.clock = .relative
        if kind == .invocations && minuteColumns < 1440 {
            summary.warnings.append("the file covers \(minuteColumns) minutes of day \(day), not 1440")
        }
    }
}
