import Foundation
import InputLimits

/// Reads AWS Lambda logs as users export them: each request's `REPORT RequestId: …` line is one
/// invocation, tab-separated `Key: value unit` fields (`Duration`, `Billed Duration`,
/// `Memory Size`, `Max Memory Used`, and `Init Duration` on cold starts). Logs are not CSV (a
/// quote in a function's output is not quoting), so this reader splits lines itself.
///
/// Shapes read (docs/sources.md, "Trace formats"): a raw log stream, a CloudWatch export and
/// `aws logs tail` (text lines, a time before each or only on the function's own lines);
/// `aws logs filter-log-events` as JSON (`{"events": [{"timestamp", "message", …}]}`) or as
/// text (`EVENTS` lines, the time after each message); and Lambda's JSON log format
/// (`{"time", "type": "platform.report", "record": {"requestId", "metrics": {…}}}`). A time
/// anywhere in a request's `START … REPORT` block is that request's time
/// (`LambdaRequestBlocks`). The log group `/aws/lambda/NAME` names the function; without one,
/// the file name does.
final class LambdaLogReader {
    private let context: ReaderContext
    private let options: ReadOptions
    private var blocks = LambdaRequestBlocks()

    init(context: ReaderContext, options: ReadOptions) {
        self.context = context
        self.options = options
    }

    /// The function in a log group such as `123456789012:/aws/lambda/checkout`.
    static func functionName(inLogGroup text: String) -> String? { functionName(inLogGroup: text[...]) }

    static func functionName(inLogGroup text: Substring) -> String? {
        guard let range = text.firstRange(of: "/aws/lambda/") else { return nil }
        let stops: Set<Character> = [" ", "\t", ",", "\"", "]"]
        let name = text[range.upperBound...].prefix { !stops.contains($0) }
        return name.isEmpty ? nil : String(name)
    }

    func read(first: UnsafeRawBufferPointer, rest: FileChunkReader, fingerprint: inout ContentFingerprint,
              summary: inout ReadSummary) throws {
        let opensJSON = first.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).map { $0 == 0x7B || $0 == 0x5B } ?? false
        var whole: [UInt8] = []
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
            if opensJSON {
                whole.append(contentsOf: view)
            } else {
                while let newline = view.firstIndex(of: 0x0A) {
                    try checkLength(pending.count + (newline - view.startIndex), line: line + 1)
                    pending.append(contentsOf: view[..<newline])
                    line += 1
                    try handle(String(decoding: pending, as: UTF8.self)[...], line: line, eventTime: nil, summary: &summary)
                    pending.removeAll(keepingCapacity: true)
                    view = view[(newline + 1)...]
                }
                try checkLength(pending.count + view.count, line: line + 1)
                pending.append(contentsOf: view)
            }
            chunk = try rest.next()
        }
        if opensJSON {
            if try !readEvents(whole, summary: &summary) {
                // Not one document: JSON lines (Lambda's JSON log format), read line by line.
                for text in String(decoding: whole, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                    line += 1
                    try handle(text, line: line, eventTime: nil, summary: &summary)
                }
            }
        } else if !pending.isEmpty {
            line += 1
            try handle(String(decoding: pending, as: UTF8.self)[...], line: line, eventTime: nil, summary: &summary)
        }
        for done in blocks.finishAll() { try emit(done, summary: &summary) }
        guard summary.rows + summary.skippedCount > 0 else {
            throw TraceError(file: context.path, message: "no REPORT lines: this is not an AWS Lambda log")
        }
        describe(&summary)
    }

    private func describe(_ summary: inout ReadSummary) {
        summary.kind = "invocations"
        let timed = blocks.exact + blocks.fromEnd + blocks.fromInner
        summary.clock = timed > 0 ? .epoch : .none
        if timed > 0 && blocks.untimed > 0 {
            summary.warnings.append("\(blocks.untimed) requests carry no time anywhere in their START … REPORT lines; their start is unknown")
        } else if timed == 0 && summary.rows > 0 {
            summary.warnings.append("the log carries no times: durations and memory are kept, arrival times are unknown (give --period to simulate or advise for a cost estimate)")
        }
        if blocks.fromInner > 0 {
            summary.warnings.append("\(blocks.fromInner) requests are timed by a line inside their START … REPORT block: their start is known to within the call's duration")
        }
        if blocks.unreported > 0 {
            summary.warnings.append("\(blocks.unreported) requests have a START line but no REPORT (cut off, or running when the log was taken): left out")
        }
    }

    /// Refuses a line longer than the row limit before it is buffered.
    private func checkLength(_ bytes: Int, line: Int) throws {
        let limit = options.limits.maxRowBytes
        guard bytes <= limit else {
            throw TraceError(file: context.path, line: line, column: 1,
                             message: "a line is longer than \(limit) bytes \(InputLimits.Name.rowBytes.hint)")
        }
    }

    // MARK: - One line

    private func handle(_ raw: Substring, line: Int, eventTime: Double?, summary: inout ReadSummary) throws {
        var text = raw
        while let last = text.last, last == "\r" || last == "\n" { text.removeLast() }
        let trimmed = text.trimmingQuotesAndSpaces()
        if trimmed.isEmpty { return }
        if eventTime == nil, let time = Self.bareTime(trimmed[...]), blocks.bareTime(time) { return }
        for done in blocks.flushAwaiting() { try emit(done, summary: &summary) }

        var time = eventTime
        var message = text
        if text.hasPrefix("EVENTS\t") {
            // filter-log-events --output text: EVENTS, eventId, ingestionTime, logStreamName,
            // message, timestamp (the ingestion time is not the event's).
            let fields = text.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
            if fields.count == 5 {
                message = fields[4]
                if let tab = message.lastIndex(of: "\t"), let ms = Self.epochMillis(message[message.index(after: tab)...]) {
                    time = time ?? ms
                    message = message[..<tab]
                }
            }
        }
        let function = Self.functionName(inLogGroup: text)
        if let r = message.firstRange(of: "REPORT RequestId:") {
            let id = Self.requestID(after: r.upperBound, in: message)
            do {
                let invocation = try Self.parse(report: message[r.lowerBound...], ranges: context.ranges)
                let when = time ?? Self.time(in: message[..<r.lowerBound])
                if let done = blocks.report(id, invocation, time: when, function: function, line: line) { try emit(done, summary: &summary) }
            } catch let problem as RowProblem {
                try skip(problem, line: line, summary: &summary)
            }
        } else if let r = message.firstRange(of: "START RequestId:") {
            blocks.start(Self.requestID(after: r.upperBound, in: message), time: time ?? Self.time(in: message[..<r.lowerBound]), function: function)
        } else if let r = message.firstRange(of: "END RequestId:") {
            blocks.end(Self.requestID(after: r.upperBound, in: message), time: time ?? Self.time(in: message[..<r.lowerBound]))
        } else if message.contains("\"platform."), let brace = message.firstIndex(of: "{") {
            try platformRecord(message[brace...], line: line, eventTime: time, function: function, summary: &summary)
        } else if let when = time ?? Self.leadingTime(message) {
            blocks.inner(time: when, mentioning: Self.requestIDs(in: message))
        }
    }

    /// A line of Lambda's JSON log format: `platform.start`, `platform.report` (others are skipped).
    private func platformRecord(_ text: Substring, line: Int, eventTime: Double?, function: String?, summary: inout ReadSummary) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let type = object["type"] as? String, let record = object["record"] as? [String: Any],
              let id = record["requestId"] as? String else { return }
        let time = eventTime ?? (object["time"] as? String).flatMap { Timestamps.epochSeconds(iso: $0[...]) }
        switch type {
        case "platform.start":
            blocks.start(id, time: time, function: function)
        case "platform.report":
            let metrics = record["metrics"] as? [String: Any] ?? [:]
            func number(_ key: String) -> Double? { (metrics[key] as? NSNumber)?.doubleValue }
            guard let duration = number("durationMs"), duration.isFinite, duration >= 0 else {
                try skip(RowProblem(column: 1, reason: "missing value", message: "the platform.report record has no durationMs"), line: line, summary: &summary)
                return
            }
            let invocation = Invocation(startSeconds: nil, durationMs: duration, memoryMB: number("memorySizeMB"),
                                        maxMemoryMB: number("maxMemoryUsedMB"), initMs: number("initDurationMs"),
                                        billedMs: number("billedDurationMs"))
            if let done = blocks.report(id, invocation, time: time, function: function, line: line) { try emit(done, summary: &summary) }
        default:
            return
        }
    }

    /// `aws logs filter-log-events` JSON: `{"events": [...]}` or a bare array of events, each
    /// with `timestamp` (ms since the epoch) and `message`. False when the text is not one
    /// such document.
    private func readEvents(_ bytes: [UInt8], summary: inout ReadSummary) throws -> Bool {
        guard let document = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return false }
        let events: [Any]
        if let object = document as? [String: Any], let list = object["events"] as? [Any] {
            events = list
        } else if let list = document as? [Any] {
            events = list
        } else {
            throw TraceError(file: context.path, line: 1, column: 1, message: "a JSON log export needs an \"events\" list (aws logs filter-log-events --output json)")
        }
        for (index, item) in events.enumerated() {
            guard let event = item as? [String: Any], let message = event["message"] as? String else {
                throw TraceError(file: context.path, message: "events[\(index)]: expected an object with \"message\" and \"timestamp\"")
            }
            let time = (event["timestamp"] as? NSNumber).map { $0.doubleValue / 1000 }
            let group = (event["logGroupName"] as? String) ?? (event["logGroupIdentifier"] as? String)
            for part in message.split(separator: "\n") {
                let text = group.map { "\($0) " + part } ?? String(part)
                try handle(text[...], line: index + 1, eventTime: time, summary: &summary)
            }
        }
        return true
    }

    private func emit(_ done: (FunctionKeyName, Invocation, line: Int), summary: inout ReadSummary) throws {
        let name = done.0 ?? context.stem
        try context.sink.invocation(FunctionKey(app: name, function: name), done.1)
        summary.rows += 1
    }

    private func skip(_ problem: RowProblem, line: Int, summary: inout ReadSummary) throws {
        let error = TraceError(file: context.path, line: line, column: problem.column, message: problem.message)
        guard options.skipInvalidRows else { throw error }
        summary.skipped[problem.reason, default: 0] += 1
        if summary.skippedExamples.count < 3 { summary.skippedExamples.append(error) }
    }

    // MARK: - Fields and times

    /// Parses the tab-separated fields of a REPORT line; columns count those fields from 1.
    static func parse(report: Substring, ranges r: Ranges) throws -> Invocation {
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
        for key in ["Duration", "Init Duration", "Billed Duration"] {
            if let entry = values[key] { _ = try r.duration(entry.value, column: entry.column, key) }
        }
        for key in ["Memory Size", "Max Memory Used"] {
            if let entry = values[key] { _ = try r.memory(entry.value, column: entry.column, key) }
        }
        return Invocation(
            startSeconds: nil, durationMs: duration, memoryMB: values["Memory Size"]?.value,
            maxMemoryMB: values["Max Memory Used"]?.value, initMs: values["Init Duration"]?.value,
            billedMs: values["Billed Duration"]?.value,
            cold: values["Init Duration"] != nil)
    }

    /// The request id after `RequestId:` (up to a space or tab).
    static func requestID(after index: Substring.Index, in text: Substring) -> String {
        String(text[index...].drop { $0 == " " }.prefix { $0 != " " && $0 != "\t" })
    }

    /// Tokens shaped like a request id (8-4-4-4-12 hexadecimal), as runtimes print on output lines.
    static func requestIDs(in text: Substring) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).prefix(4).filter { token in
            let parts = token.split(separator: "-", omittingEmptySubsequences: false)
            return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
        }
    }

    /// The first ISO-8601 date-time or epoch-milliseconds token in the text before a marker.
    static func time(in prefix: Substring) -> Double? {
        for token in prefix.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
            if let seconds = bareTime(token.trimmingQuotesAndSpaces()[...]) { return seconds }
        }
        return nil
    }

    /// A time in the first two tokens of an output line (a runtime's own prefix, or an export's),
    /// never further in, where the function's own text could hold any number.
    static func leadingTime(_ text: Substring) -> Double? {
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" }).prefix(2) {
            if let seconds = bareTime(token.trimmingQuotesAndSpaces()[...]) { return seconds }
        }
        return nil
    }

    /// The text as a time: an ISO-8601 date-time, or 13 digits of epoch milliseconds.
    static func bareTime(_ text: Substring) -> Double? {
        if let seconds = Timestamps.epochSeconds(iso: text) { return seconds }
        return epochMillis(text)
    }

    static func epochMillis(_ text: Substring) -> Double? {
        let digits = text.trimmingQuotesAndSpaces()
        guard digits.count == 13, digits.allSatisfy(\.isASCII), let millis = Double(digits) else { return nil }
        return millis / 1000
    }
}
