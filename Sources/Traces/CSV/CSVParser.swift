import CLibCSV
import CSVFields
import InputLimits
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed CSV row, valid only while the row handler runs (its storage is reused).
///
/// Fields are addressed by 0-based index; positions reported to users are 1-based.
public struct CSVRow: ~Copyable {
    @usableFromInline let storage: UnsafeMutablePointer<UInt8>
    @usableFromInline let ends: UnsafeMutablePointer<Int>
    /// Number of fields in the row.
    public let count: Int
    /// Physical line (1-based) on which the row starts.
    public let line: Int
    /// Per field, its value as `DecimalReading` reads it (NaN: none), where the parsing thread read
    /// them (`RowBatch.readsNumbers`); nil otherwise.
    @usableFromInline let numbers: UnsafePointer<Double>?

    @usableFromInline init(storage: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int>, count: Int, line: Int,
                           numbers: UnsafePointer<Double>? = nil) {
        self.storage = storage
        self.ends = ends
        self.count = count
        self.line = line
        self.numbers = numbers
    }

    @inlinable func range(_ i: Int) -> (start: Int, end: Int) {
        (i == 0 ? 0 : ends[i - 1] + 1, ends[i])  // +1 skips the NUL after each field
    }

    /// The raw bytes of field `i`, without surrounding quotes; valid only inside the handler.
    @inlinable public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let r = range(i)
        return UnsafeBufferPointer(start: storage + r.start, count: r.end - r.start)
    }

    /// Field `i` as a string (allocates; keep it off hot paths).
    public func string(_ i: Int) -> String {
        String(decoding: bytes(i), as: UTF8.self)
    }

    /// A NUL-terminated C string for field `i`, valid only inside the handler.
    @inlinable public func cString(_ i: Int) -> UnsafePointer<CChar> {
        UnsafeRawPointer(storage + range(i).start).assumingMemoryBound(to: CChar.self)
    }

    /// True when field `i` is empty.
    @inlinable public func isEmpty(_ i: Int) -> Bool {
        let r = range(i)
        return r.end == r.start
    }
}

/// Where and why a CSV file could not be read.
public struct CSVSyntaxError: Error, Sendable, Equatable {
    public let line: Int
    public let column: Int
    public let message: String
}

/// A streaming CSV parser over libcsv that keeps line numbers.
///
/// libcsv keeps no positions, so input is fed to it one physical line at a time: every callback
/// that fires during a call belongs to that line. Memory is bounded by the longest row.
public final class CSVParser {
    /// Called once per row; throwing stops the parse and the error is rethrown by `feed`/`finish`.
    public typealias RowHandler = (borrowing CSVRow) throws -> Void

    private var parser = csv_parser()
    private var handler: RowHandler
    private let buffer: UnsafeMutablePointer<placer_field_buffer>
    private var pendingError: Error?
    private var sawBOMCheck = false
    /// True when the last byte fed was a line feed (or nothing was fed).
    public private(set) var endsWithNewline = true
    /// Bytes of one row beyond which the parse stops (before libcsv buffers them), and fields.
    private let maxRowBytes: Int, maxFields: Int
    /// Bytes fed since the last row ended.
    private var rowBytes = 0
    /// The physical line currently being fed (1-based).
    public var currentLine: Int { buffer.pointee.current_line }

    /// Creates a parser; `delimiter` is a single ASCII byte.
    public init(delimiter: UInt8 = UInt8(ascii: ","), strict: Bool = true, maxRowBytes: Int = InputLimits.current.maxRowBytes,
                maxFields: Int = InputLimits.current.maxFieldsPerRow, handler: @escaping RowHandler) {
        self.handler = handler
        self.maxRowBytes = maxRowBytes
        self.maxFields = maxFields
        buffer = .allocate(capacity: 1)
        buffer.initialize(to: placer_field_buffer())
        if placer_field_buffer_init(buffer) != 0 { buffer.pointee.out_of_memory = 1 }
        let options = strict ? UInt8(CSV_STRICT | CSV_STRICT_FINI) : 0
        _ = csv_init(&parser, options)
        csv_set_delim(&parser, delimiter)
        buffer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Makes the parser continue a file from the start of physical line `line`, the file's
    /// beginning (its BOM) already read: for a reader that handled the lines before itself.
    func resume(atLine line: Int) {
        sawBOMCheck = true
        buffer.pointee.current_line = line
    }

    deinit {
        csv_free(&parser)
        placer_field_buffer_free(buffer)
        buffer.deinitialize(count: 1)
        buffer.deallocate()
    }

    /// Feeds the next chunk of the file; chunks may split rows, fields and lines anywhere.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard var base = chunk.baseAddress, chunk.count > 0 else { return }
        var remaining = chunk.count
        if !sawBOMCheck {
            sawBOMCheck = true
            let b = base.assumingMemoryBound(to: UInt8.self)
            if remaining >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
                base += 3
                remaining -= 3
                if remaining == 0 { return }
            }
        }
        endsWithNewline = base.load(fromByteOffset: remaining - 1, as: UInt8.self) == 0x0A
        while remaining > 0 {
            let lineEnd = memchr(base, 0x0A, remaining)
            let length = lineEnd.map { UnsafeRawPointer($0) - base + 1 } ?? remaining
            rowBytes += length
            if rowBytes > maxRowBytes {
                let b = buffer.pointee
                throw CSVSyntaxError(line: b.field_count > 0 ? b.first_field_line : b.current_line, column: b.field_count + 1,
                                     message: "a row is longer than \(maxRowBytes) bytes \(InputLimits.Name.rowBytes.hint)")
            }
            try parse(base, length)
            if buffer.pointee.field_count > maxFields { throw tooManyFields() }
            if lineEnd != nil { buffer.pointee.current_line += 1 }
            base += length
            remaining -= length
        }
    }

    /// Ends the input: delivers a last row without a line end and reports an unterminated quote.
    public func finish() throws {
        let status = csv_fini(&parser, placer_csv_field, csvRowCallback, UnsafeMutableRawPointer(buffer))
        if let error = pendingError { pendingError = nil; throw error }
        if status != 0 {
            let b = buffer.pointee
            throw CSVSyntaxError(
                line: b.field_count > 0 ? b.first_field_line : b.current_line, column: b.field_count + 1,
                message: "unterminated quoted field at end of file")
        }
    }

    private func parse(_ bytes: UnsafeRawPointer, _ length: Int) throws {
        let consumed = csv_parse(&parser, bytes, length, placer_csv_field, csvRowCallback, UnsafeMutableRawPointer(buffer))
        if let error = pendingError { pendingError = nil; throw error }
        if consumed != length {
            let reason = String(cString: csv_strerror(csv_error(&parser)))
            let detail = csv_error(&parser) == CSV_EPARSE ? "malformed quoting (a quote inside an unquoted field, or text after a closing quote)" : reason
            throw CSVSyntaxError(line: buffer.pointee.current_line, column: buffer.pointee.field_count + 1, message: detail)
        }
    }

    private func tooManyFields() -> CSVSyntaxError {
        let b = buffer.pointee
        return CSVSyntaxError(line: b.first_field_line, column: maxFields + 1,
                              message: "a row has more than \(maxFields) fields \(InputLimits.Name.fieldsPerRow.hint)")
    }

    fileprivate func endRow() {
        defer { buffer.pointee.field_count = 0; buffer.pointee.used = 0; rowBytes = 0 }
        guard pendingError == nil else { return }
        let b = buffer.pointee
        if b.field_count > maxFields {
            pendingError = tooManyFields()
            buffer.pointee.failed = 1
            return
        }
        if b.out_of_memory != 0 {
            pendingError = CSVSyntaxError(line: b.first_field_line, column: b.field_count + 1, message: "out of memory: a row is too large")
            return
        }
        let row = CSVRow(storage: b.storage, ends: b.ends, count: b.field_count, line: b.first_field_line)
        do { try handler(row) } catch {
            pendingError = error
            buffer.pointee.failed = 1
        }
    }
}

private func csvRowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    guard let owner = context?.assumingMemoryBound(to: placer_field_buffer.self).pointee.owner else { return }
    // The parser outlives every callback (it is the caller): no retain/release needed.
    Unmanaged<CSVParser>.fromOpaque(owner)._withUnsafeGuaranteedRef { $0.endRow() }
}

/// The bare libcsv parse used as the benchmark's baseline: counts fields and rows, nothing else.
public enum BareCSVParse {
    /// Parses `path` with no per-field work; returns (rows, fields, bytes).
    public static func run(path: String) throws -> (rows: Int, fields: Int, bytes: Int) {
        var parser = csv_parser()
        _ = csv_init(&parser, UInt8(CSV_STRICT))
        defer { csv_free(&parser) }
        var counts = (rows: 0, fields: 0)
        var bytes = 0
        let reader = try FileChunkReader(path: path)
        try withUnsafeMutablePointer(to: &counts) { countsPointer in
            let context = UnsafeMutableRawPointer(countsPointer)
            let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { _, _, c in
                c?.assumingMemoryBound(to: (rows: Int, fields: Int).self).pointee.fields += 1
            }
            let onRow: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, c in
                c?.assumingMemoryBound(to: (rows: Int, fields: Int).self).pointee.rows += 1
            }
            while let chunk = try reader.next() {
                bytes += chunk.count
                _ = csv_parse(&parser, chunk.baseAddress, chunk.count, onField, onRow, context)
            }
            _ = csv_fini(&parser, onField, onRow, context)
        }
        return (counts.rows, counts.fields, bytes)
    }
}
