/// Reads Placer's own per-invocation CSV: `timestamp,function,duration_ms` and optionally
/// `app,memory_mb,init_ms,cpu_ms,cold`, in any order. `timestamp` is the invocation's start, either
/// seconds since the trace start (decimal) or an ISO-8601 date-time; one file uses one kind.
/// Whether a call was cold: its `cold` field where the file has one, else (with an `init_ms`
/// column) whether it carries an init time, as Lambda's REPORT lines say it.
/// `account` names the account (owner) an app runs in; an app lives in one account, so rows of one
/// app naming two accounts are an error.
final class InvocationsReader: RowReader {
    static let required = ["timestamp", "function", "duration_ms"]
    static let optional = ["app", "memory_mb", "init_ms", "cpu_ms", "cold", "account"]

    private let context: ReaderContext
    private var timestamp = 0, function = 1, duration = 2
    private var app: Int?, memory: Int?, initColumn: Int?, cpu: Int?, coldColumn: Int?
    private var clock: TraceClock?
    private var accountColumn: Int?
    /// The account each app of this file was given (empty: none).
    private var accounts: [String: String] = [:]
    /// The last row's names and the key they made, behind a pointer held in a constant: reached
    /// on every row, it then costs no exclusivity check.
    private let names: UnsafeMutablePointer<Names>
    /// The calls of the current function read since its run began, not yet handed to the sink.
    private let run = InvocationRun()
    /// The file has no column but the required ones, `app` and `memory_mb` (`plainRow`).
    private var plainLayout = false
    /// The function of the calls in `run`.
    private var runKey: FunctionKey?

    private struct Names {
        /// The last row's function and app names, and the key they made.
        var function = RepeatedText(), app = RepeatedText()
        var lastKey: FunctionKey?
        /// Whether `lastKey` is set (read on every row, without copying the key).
        var hasKey = false
        /// Whether the last row named no app (its app is its function).
        var appIsFunction = false
    }

    init(context: ReaderContext) {
        self.context = context
        names = .allocate(capacity: 1)
        names.initialize(to: Names())
    }

    deinit {
        names.deinitialize(count: 1)
        names.deallocate()
    }

    func header(_ row: borrowing CSVRow) throws {
        let (required, optional) = try row.columns(required: Self.required, optional: Self.optional)
        (timestamp, function, duration) = (required[0], required[1], required[2])
        app = optional["app"]
        memory = optional["memory_mb"]
        initColumn = optional["init_ms"]
        cpu = optional["cpu_ms"]
        coldColumn = optional["cold"]
        accountColumn = optional["account"]
        plainLayout = initColumn == nil && cpu == nil && coldColumn == nil && accountColumn == nil
    }

    func row(_ row: borrowing CSVRow) throws {
        if plainLayout, let numbers = row.numbers, try plainRow(row, numbers) { return }
        guard !row.isEmpty(function) else { throw functionEmpty() }
        let start = try startSeconds(row)
        let r = context.ranges
        let durationMs = try r.duration(row.required(duration, "duration_ms"), column: duration + 1, "duration_ms")
        if let key = newKey(row) {
            // A run ends where the function changes: the sink sees the calls in file order.
            try handOnRun()
            runKey = key
        }
        let initMs = try initColumn.flatMap { c in try row.number(c, "init_ms", optional: true).map { try r.duration($0, column: c + 1, "init_ms") } }
        var cold: Bool?
        if let coldColumn { cold = try Self.flag(row, coldColumn) } else if initColumn != nil { cold = (initMs ?? 0) > 0 }
        let memoryMB = try memory.flatMap { c in try row.number(c, "memory_mb", optional: true).map { try r.memory($0, column: c + 1, "memory_mb") } }
        let cpuMs = try cpu.flatMap { c in try row.number(c, "cpu_ms", optional: true).map { try r.duration($0, column: c + 1, "cpu_ms") } }
        if let accountColumn, let runKey { try account(row, accountColumn, runKey) }
        run.append(start: start, durationMs: durationMs, memoryMB: memoryMB ?? .nan, initMs: initMs ?? .nan, cpuMs: cpuMs ?? .nan,
                   cold: cold.map { $0 ? 1 : 0 } ?? .nan)
        if run.isFull { try handOnRun() }
    }

    /// A row of a file whose columns are the required ones, `app` and `memory_mb`, read from the
    /// numbers the parsing thread read: the checks of `row`, in its order, on the values it would
    /// have read (for a field those numbers hold, `plainNumber` and `number` give that value).
    /// False, with nothing done, when a number it needs was not read there (`row` then reads it).
    @inline(__always) private func plainRow(_ row: borrowing CSVRow, _ numbers: UnsafePointer<Double>) throws -> Bool {
        let start = numbers[timestamp], durationMs = numbers[duration]
        var memoryMB = Double.nan
        if let memory, !row.isEmpty(memory) {
            memoryMB = numbers[memory]
            guard !memoryMB.isNaN else { return false }
        }
        guard !start.isNaN, start.isFinite, !durationMs.isNaN else { return false }
        guard !row.isEmpty(function) else { throw functionEmpty() }
        try agree(.relative, row)
        let r = context.ranges
        let seconds = try r.relativeSeconds(start, column: timestamp + 1, "timestamp")
        let ms = try r.duration(durationMs, column: duration + 1, "duration_ms")
        if let key = newKey(row) {
            try handOnRun()
            runKey = key
        }
        if let memory, !memoryMB.isNaN { memoryMB = try r.memory(memoryMB, column: memory + 1, "memory_mb") }
        run.append(start: seconds, durationMs: ms, memoryMB: memoryMB, initMs: .nan, cpuMs: .nan, cold: .nan)
        if run.isFull { try handOnRun() }
        return true
    }

    private func functionEmpty() -> RowProblem {
        RowProblem(column: function + 1, reason: "missing value", message: "function is empty")
    }

    /// Hands the calls collected so far to the sink (in the order read) and empties the run.
    private func handOnRun() throws {
        guard let runKey, run.count > 0 else { return }
        defer { run.reset() }
        try context.sink.invocations(runKey, run.columns)
    }

    func finish() throws {
        try handOnRun()
    }

    /// The row's app and function (the app is the function where the file names none) when they
    /// differ from the last row's, nil when they are the same: the names' bytes are compared, and
    /// strings are made only when they differ.
    private func newKey(_ row: borrowing CSVRow) -> FunctionKey? {
        let functionBytes = row.bytes(function)
        let functionSame = names.pointee.function.matches(functionBytes)
        var appBytes: UnsafeBufferPointer<UInt8>?
        if let app, !row.isEmpty(app) { appBytes = row.bytes(app) }
        let appSame = appBytes.map { names.pointee.app.matches($0) && !names.pointee.appIsFunction } ?? names.pointee.appIsFunction
        if functionSame, appSame, names.pointee.hasKey { return nil }
        if !functionSame { names.pointee.function.set(functionBytes) }
        if let appBytes, !names.pointee.app.matches(appBytes) { names.pointee.app.set(appBytes) }
        names.pointee.appIsFunction = appBytes == nil
        let name = names.pointee.function.text
        let key = FunctionKey(app: appBytes == nil ? name : names.pointee.app.text, function: name)
        // Other bytes may spell the same text (invalid UTF-8 decodes to replacement characters).
        guard key != names.pointee.lastKey else { return nil }
        names.pointee.lastKey = key
        names.pointee.hasKey = true
        return key
    }

    /// The row's `account`: the first an app is given is its owner; another one for it is an error.
    private func account(_ row: borrowing CSVRow, _ column: Int, _ key: FunctionKey) throws {
        let account = row.isEmpty(column) ? "" : row.string(column)
        if let known = accounts[key.app] {
            guard known == account else {
                throw RowProblem(column: column + 1, reason: "conflicting account",
                                 message: "app \(key.app) is in account \"\(known.prefix(40))\" on an earlier row, here \"\(account.prefix(40))\": an app runs in one account")
            }
            return
        }
        accounts[key.app] = account
        if !account.isEmpty {
            // The calls read before reach the sink before this declaration, as they were read.
            try handOnRun()
            try context.sink.function(key, owner: account, trigger: nil)
        }
    }

    /// A `cold` field: `1`/`0`, `true`/`false`, `yes`/`no`, `cold`/`warm` (any case); empty is unknown.
    static func flag(_ row: borrowing CSVRow, _ column: Int) throws -> Bool? {
        guard !row.isEmpty(column) else { return nil }
        let text = row.string(column)
        switch text.lowercased() {
        case "1", "true", "yes", "cold": return true
        case "0", "false", "no", "warm": return false
        default:
            throw RowProblem(column: column + 1, reason: "bad flag", message: "cold is neither 1/0, true/false, yes/no nor cold/warm: \"\(text.prefix(40))\"")
        }
    }

    private func startSeconds(_ row: borrowing CSVRow) throws -> Double {
        // Most files give plain seconds: read without making a string.
        if let seconds = row.plainNumber(timestamp), seconds.isFinite {
            try agree(.relative, row)
            return try context.ranges.relativeSeconds(seconds, column: timestamp + 1, "timestamp")
        }
        let text = Substring(row.string(timestamp))
        if let seconds = Double(text), seconds.isFinite {
            guard seconds >= 0 else {
                throw RowProblem(column: timestamp + 1, reason: "negative value", message: "timestamp must not be negative: \"\(text)\"")
            }
            try agree(.relative, row)
            return try context.ranges.relativeSeconds(seconds, column: timestamp + 1, "timestamp")
        }
        if let seconds = Timestamps.epochSeconds(iso: text) {
            try agree(.epoch, row)
            return try context.ranges.epochSeconds(seconds, column: timestamp + 1, "timestamp")
        }
        throw RowProblem(column: timestamp + 1, reason: "bad timestamp", message: """
            timestamp "\(text.prefix(40))" is neither seconds since the trace start nor an ISO-8601 date-time
            """)
    }

    private func agree(_ kind: TraceClock, _ row: borrowing CSVRow) throws {
        if clock == nil { clock = kind }
        guard clock == kind else {
            throw RowProblem(column: timestamp + 1, reason: "mixed timestamps", message: """
                timestamp mixes kinds: earlier rows use \(clock == .epoch ? "ISO-8601 date-times" : "seconds"), this one does not
                """)
        }
    }

    func describe(_ summary: inout ReadSummary) {
        summary.kind = "invocations"
        summary.clock = clock ?? .relative
    }
}
