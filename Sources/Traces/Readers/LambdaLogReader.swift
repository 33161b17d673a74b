/// Reads AWS Lambda logs line by line: each `REPORT RequestId: …` line is one invocation,
/// tab-separated `Key: value unit` fields (`Duration`, `Billed Duration`, `Memory Size`,
/// `Max Memory Used`, and `Init Duration` on cold starts). Other lines (START, END, the function's
/// own output) are skipped. Logs are not CSV (a quote in a function's output is not quoting), so
/// this reader splits lines itself rather than through libcsv.
///
/// Text before `REPORT` may carry the time (an ISO-8601 date-time or epoch milliseconds, as
/// `aws logs tail` and `filter-log-events` print them) and the log group `/aws/lambda/NAME`; the
/// time is taken as the invocation's end. Without a log group the file name names the function.
final class LambdaLogReader {
    private let context: ReaderContext
    private let options: ReadOptions
    private var timed = 0
    private var untimed = 0

    init(context: ReaderContext, options: ReadOptions) {
        self.context = context
        self.options = options
    }

    /// The function in a log group such as `123456789012:/aws/lambda/checkout`.
    static func functionName(inLogGroup text: String) -> String? {
        guard let range = text.firstRange(of: "/aws/lambda/") else { return nil }
        let stops: Set<Character> = [" ", "\t", ",", "\"", "]"]
        let name = text[range.upperBound...].prefix { !stops.contains($0) }
        return name.isEmpty ? nil : String(name)
    }

    func read(first: UnsafeRawBufferPointer, rest: FileChunkReader, fingerprint: inout ContentFingerprint,
              summary: inout ReadSummary) throws {
        var pending: [UInt8] = []
        var line = 0
        var chunk: UnsafeRawBufferPointer? = first
        var isFirst = true
        while let bytes = chunk {
            try TraceFileReader.checkText(bytes, path: context.path, line: line + 1)
            fingerprint.update(bytes)
            summary.bytes += bytes.count
            var view = bytes[...]
            if isFirst, view.starts(with: [0xEF, 0xBB, 0xBF]) { view = view.dropFirst(3) }
            isFirst = false
            while let newline = view.firstIndex(of: 0x0A) {
                pending.append(contentsOf: view[..<newline])
                line += 1
                try handle(pending, line: line, summary: &summary)
                pending.removeAll(keepingCapacity: true)
                view = view[(newline + 1)...]
            }
            pending.append(contentsOf: view)
            chunk = try rest.next()
        }
        if !pending.isEmpty { line += 1; try handle(pending, line: line, summary: &summary) }
        guard summary.rows + summary.skippedCount > 0 else {
            throw TraceError(file: context.path, message: "no REPORT lines: this is not an AWS Lambda log")
        }
        summary.kind = "invocations"
        summary.clock = timed > 0 ? .epoch : .none
        if timed > 0 && untimed > 0 {
            summary.warnings.append("\(untimed) REPORT lines carry no time; their start is unknown")
        } else if timed == 0 {
            summary.warnings.append("the log carries no times: durations and memory are kept, arrival times are unknown")
        }
    }

    private func handle(_ bytes: [UInt8], line: Int, summary: inout ReadSummary) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let report = text.firstRange(of: "REPORT RequestId:") else { return }
        do {
            let invocation = try parse(report: text[report.lowerBound...], prefix: text[..<report.lowerBound])
            let name = Self.functionName(inLogGroup: String(text[..<report.lowerBound])) ?? context.stem
            try context.sink.invocation(FunctionKey(app: name, function: name), invocation)
            summary.rows += 1
        } catch let problem as RowProblem {
            let error = TraceError(file: context.path, line: line, column: problem.column, message: problem.message)
            guard options.skipInvalidRows else { throw error }
            summary.skipped[problem.reason, default: 0] += 1
            if summary.skippedExamples.count < 3 { summary.skippedExamples.append(error) }
        }
    }

    /// Parses the tab-separated fields of a REPORT line; columns count those fields from 1.
    private func parse(report: Substring, prefix: Substring) throws -> Invocation {
        var values: [String: (value: Double, column: Int)] = [:]
        for (i, field) in report.split(separator: "\t").enumerated() {
            let trimmed = field.trimmingQuotesAndSpaces()
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon])
            guard key != "REPORT RequestId" else { continue }
            let rest = trimmed[trimmed.index(after: colon)...].split(separator: " ")
            guard let number = rest.first.flatMap({ Double($0) }), number.isFinite, number >= 0 else {
                throw RowProblem(column: i + 1, reason: "non-numeric value", message: "\(key) is not a non-negative number: \"\(trimmed.prefix(40))\"")
            }
            values[key] = (number, i + 1)
        }
        guard let duration = values["Duration"]?.value else {
            throw RowProblem(column: 2, reason: "missing value", message: "the REPORT line has no Duration")
        }
        let initMs = values["Init Duration"]?.value
        var start: Double?
        if let end = Self.time(in: prefix) {
            start = end - (duration + (initMs ?? 0)) / 1000
            timed += 1
        } else {
            untimed += 1
        }
        return Invocation(
            startSeconds: start, durationMs: duration, memoryMB: values["Memory Size"]?.value,
            maxMemoryMB: values["Max Memory Used"]?.value, initMs: initMs, billedMs: values["Billed Duration"]?.value,
            cold: initMs != nil)
    }

    /// The first ISO-8601 date-time or epoch-milliseconds token in the text before `REPORT`.
    static func time(in prefix: Substring) -> Double? {
        for token in prefix.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
            let token = token.trimmingQuotesAndSpaces()
            if let seconds = Timestamps.epochSeconds(iso: Substring(token)) { return seconds }
            if token.count == 13, let millis = Double(token) { return millis / 1000 }
        }
        return nil
    }
}
