import InputLimits
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to read a file.
public struct ReadOptions: Sendable {
    /// Forces a format instead of detecting it.
    public var format: TraceFormat?
    /// Skips rows with bad values (counted by reason) instead of stopping at the first.
    public var skipInvalidRows: Bool
    /// Row sizes and number ranges (`PLACER_MAX_*` raise them).
    public var limits: InputLimits

    public init(format: TraceFormat? = nil, skipInvalidRows: Bool = false, limits: InputLimits = .current) {
        self.format = format
        self.skipInvalidRows = skipInvalidRows
        self.limits = limits
    }
}

/// What reading one file produced.
public struct ReadSummary: Sendable {
    public var format: TraceFormat
    /// The kind within the format, e.g. `invocations`, `durations`, `memory`, `requests`.
    public var kind: String
    /// Data rows read (header excluded; for logs, REPORT lines).
    public var rows = 0
    /// Rows skipped under `--skip-invalid-rows`, by reason.
    public var skipped: [String: Int] = [:]
    /// The first few skipped rows, as located errors.
    public var skippedExamples: [TraceError] = []
    public var bytes = 0
    public var fingerprint = ""
    public var clock: TraceClock = .relative
    /// The trace day this file covers, where the format says (Azure 2019 `dNN`).
    public var day: Int?
    public var warnings: [String] = []

    public var skippedCount: Int { skipped.values.reduce(0, +) }
}

/// A format's row-by-row reader. The driver checks field counts against the header.
protocol RowReader: AnyObject {
    /// Validates the header; throws `RowProblem` naming the first wrong column.
    func header(_ row: borrowing CSVRow) throws
    /// Reads one data row; `RowProblem` marks a bad row, any other error aborts the file.
    func row(_ row: borrowing CSVRow) throws
    /// Called once after the last row.
    func finish() throws
    /// Completes the summary (kind, clock, day, warnings).
    func describe(_ summary: inout ReadSummary)
}

extension RowReader {
    func finish() throws {}
}

/// Reads one trace file of any supported format into a sink, streaming.
public enum TraceFileReader {
    /// Reads `path` into `sink`. Throws `TraceError` for bad input; sink errors pass through.
    public static func read(path: String, options: ReadOptions = ReadOptions(), into sink: TraceSink) throws -> ReadSummary {
        let file = try FileChunkReader(path: path)
        guard let first = try file.next() else { throw TraceError(file: path, message: "the file is empty") }
        var fingerprint = ContentFingerprint()
        let header = try firstLine(of: first, path: path)
        let fileName = baseName(path)
        let looksLikeJSON = header.drop(while: { $0 == " " || $0 == "\t" }).first.map { $0 == "{" || $0 == "[" } ?? false
        guard let format = options.format ?? TraceFormat.detect(header: header, fileName: fileName) else {
            if looksLikeJSON {
                throw TraceError(file: path, line: 1, column: 1, message: "this looks like JSON, not CSV (a Lambda log export is read as JSON when named .json, or with --format lambda-log)")
            }
            throw TraceError(file: path, line: 1, column: 1, message: """
                unrecognised header "\(header.prefix(80))": not a known trace format \
                (\(TraceFormat.allCases.map(\.rawValue).joined(separator: ", "))); use --format to name one
                """)
        }
        // JSON is read only as a Lambda log export (filter-log-events, Lambda's JSON log format).
        if format != .lambdaLog, looksLikeJSON {
            throw TraceError(file: path, line: 1, column: 1, message: "this looks like JSON, not CSV")
        }
        var summary = ReadSummary(format: format, kind: format.rawValue)
        let context = ReaderContext(path: path, fileName: fileName, parentFolder: parentName(path), sink: sink,
                                    ranges: Ranges(limits: options.limits))
        if format == .lambdaLog {
            let reader = LambdaLogReader(context: context, options: options)
            try reader.read(first: first, rest: file, fingerprint: &fingerprint, summary: &summary)
        } else if let reader = try makeRowReader(format, context: context) {
            try readCSV(reader, path: path, first: first, rest: file, options: options,
                        fingerprint: &fingerprint, summary: &summary)
            reader.describe(&summary)
        }
        summary.fingerprint = fingerprint.finalize()
        return summary
    }

    /// The row reader of a CSV format; nil for the line-based Lambda log.
    static func makeRowReader(_ format: TraceFormat, context: ReaderContext) throws -> RowReader? {
        switch format {
        case .azure2019: return try Azure2019Reader(context: context)
        case .azure2021: return Azure2021Reader(context: context)
        case .huawei: return HuaweiReader(context: context)
        case .lambdaInsights: return LambdaInsightsReader(context: context)
        case .invocations: return InvocationsReader(context: context)
        case .lambdaLog: return nil
        }
    }

    private static func readCSV(_ reader: RowReader, path: String, first: UnsafeRawBufferPointer, rest: FileChunkReader,
                                options: ReadOptions, fingerprint: inout ContentFingerprint, summary: inout ReadSummary) throws {
        var expectedFields = 0
        var rows = 0
        var skipped: [String: Int] = [:]
        var examples: [TraceError] = []
        // A per-invocation row is a few fields, most of them numbers: read them on the parsing
        // thread, which splitting plain lines leaves mostly idle.
        let pipeline = RowPipeline(path: path, first: first, rest: rest, limits: options.limits,
                                   readsNumbers: reader is InvocationsReader)
        do {
            try pipeline.run { row, atUnterminatedEnd in
                if expectedFields == 0 {
                    do { try reader.header(row) } catch let problem as RowProblem {
                        throw TraceError(file: path, line: row.line, column: problem.column, message: problem.message)
                    }
                    expectedFields = row.count
                    return
                }
                do {
                    if row.count != expectedFields {
                        throw RowProblem(
                            column: min(row.count, expectedFields) + 1,
                            reason: atUnterminatedEnd ? "truncated last line" : "wrong field count",
                            message: atUnterminatedEnd
                                ? "the last line is truncated: \(row.count) of \(expectedFields) fields before the end of the file"
                                : "expected \(expectedFields) fields as in the header, found \(row.count)")
                    }
                    try reader.row(row)
                    rows += 1
                } catch let problem as RowProblem {
                    let error = TraceError(file: path, line: row.line, column: problem.column, message: problem.message)
                    guard options.skipInvalidRows else { throw error }
                    skipped[problem.reason, default: 0] += 1
                    if examples.count < 3 { examples.append(error) }
                }
            }
        } catch let error as CSVSyntaxError {
            throw TraceError(file: path, line: error.line, column: error.column, message: error.message)
        }
        fingerprint = pipeline.fingerprint
        summary.bytes = pipeline.bytes
        if expectedFields == 0 { throw TraceError(file: path, message: "the file is empty") }
        try reader.finish()
        summary.rows = rows
        summary.skipped = skipped
        summary.skippedExamples = examples
    }

    /// Refuses binary data (a NUL byte) early, with the line it was found on.
    static func checkText(_ bytes: UnsafeRawBufferPointer, path: String, line: Int) throws {
        guard let base = bytes.baseAddress, let nul = memchr(base, 0, bytes.count) else { return }
        let before = UnsafeRawBufferPointer(start: base, count: UnsafeRawPointer(nul) - base)
        let newlines = before.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        throw TraceError(file: path, line: line + newlines, message: "binary data (a NUL byte): this is not a text file")
    }

    /// The first line of the file, without BOM or line end, after checks that it is text.
    static func firstLine(of chunk: UnsafeRawBufferPointer, path: String) throws -> String {
        var bytes = Array(chunk.prefix(1 << 16))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let newline = bytes.firstIndex(of: 0x0A) { bytes = Array(bytes[..<newline]) }
        if bytes.contains(0) { throw TraceError(file: path, line: 1, message: "binary data (a NUL byte): this is not a text file") }
        while let last = bytes.last, last == 0x0D || last == 0x20 { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TraceError(file: path, line: 1, message: "the header is not UTF-8 text: this is not a CSV file")
        }
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty { throw TraceError(file: path, line: 1, message: "the first line is empty: expected a header") }
        return text
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func parentName(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : ""
    }
}

/// What every reader needs to know about the file it reads.
struct ReaderContext {
    let path: String
    let fileName: String
    let parentFolder: String
    let sink: TraceSink
    /// The ranges numbers must fall in.
    let ranges: Ranges

    /// The file name without its extension(s) after the first dot, e.g. `checkout` for `checkout.log`.
    var stem: String {
        String(fileName.split(separator: ".", maxSplits: 1).first ?? Substring(fileName))
    }
}

extension CSVRow {
    /// Finds header columns by name: the indices of `required` in their order (a missing one is
    /// a `RowProblem`), and those of the `optional` columns present.
    func columns(required: [String], optional: [String] = [], allowUnknown: Bool = false) throws -> (required: [Int], optional: [String: Int]) {
        var found: [String: Int] = [:]
        for i in 0..<count {
            let name = string(i).trimmingCharacters()
            if found[name] != nil { throw RowProblem(column: i + 1, reason: "header", message: "column \"\(name)\" appears twice in the header") }
            if !allowUnknown && !required.contains(name) && !optional.contains(name) {
                throw RowProblem(column: i + 1, reason: "header", message: """
                    unknown column "\(name)"; expected \(required.joined(separator: ", "))\
                    \(optional.isEmpty ? "" : " and optionally \(optional.joined(separator: ", "))")
                    """)
            }
            found[name] = i
        }
        let indices = try required.map { name in
            guard let index = found[name] else {
                throw RowProblem(column: count + 1, reason: "header", message: "the header lacks the column \"\(name)\"")
            }
            return index
        }
        return (indices, found.filter { !required.contains($0.key) })
    }
}

extension String {
    func trimmingCharacters() -> String {
        Substring(self).trimmingQuotesAndSpaces()
    }
}
