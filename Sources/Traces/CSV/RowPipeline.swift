import Foundation
import InputLimits

/// Rows copied out of the parser, many at a time, so that handing them between threads costs
/// one lock per batch rather than per row.
final class RowBatch {
    struct Entry {
        var byteStart: Int
        var endsStart: Int
        var count: Int
        var line: Int
        /// The file's last row, which the file ends without a line end.
        var atUnterminatedEnd: Bool
    }

    static let byteCapacity = 1 << 20
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity = RowBatch.byteCapacity
    private var used = 0
    private(set) var ends: UnsafeMutablePointer<Int>
    private var endsCapacity = 1 << 16
    private var endsUsed = 0
    private(set) var entries: [Entry] = []

    init() {
        bytes = .allocate(capacity: capacity)
        ends = .allocate(capacity: endsCapacity)
        entries.reserveCapacity(1 << 14)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }

    var isEmpty: Bool { entries.isEmpty }

    func reset() {
        used = 0
        endsUsed = 0
        entries.removeAll(keepingCapacity: true)
    }

    /// Copies a row in; false when it does not fit (a batch always takes at least one row).
    func append(_ row: borrowing CSVRow, atUnterminatedEnd: Bool) -> Bool {
        let length = row.count == 0 ? 0 : row.ends[row.count - 1] + 1
        if !entries.isEmpty && (used + length > capacity || endsUsed + row.count > endsCapacity || entries.count == 1 << 14) {
            return false
        }
        if used + length > capacity {
            bytes.deallocate()
            capacity = max(capacity, length)
            bytes = .allocate(capacity: capacity)
        }
        if endsUsed + row.count > endsCapacity {
            ends.deallocate()
            endsCapacity = max(endsCapacity, row.count)
            ends = .allocate(capacity: endsCapacity)
        }
        (bytes + used).update(from: row.storage, count: length)
        (ends + endsUsed).update(from: row.ends, count: row.count)
        entries.append(Entry(byteStart: used, endsStart: endsUsed, count: row.count, line: row.line,
                             atUnterminatedEnd: atUnterminatedEnd))
        used += length
        endsUsed += row.count
        return true
    }

    func row(_ entry: Entry) -> CSVRow {
        CSVRow(storage: bytes + entry.byteStart, ends: ends + entry.endsStart, count: entry.count, line: entry.line)
    }
}

/// Reads and parses a file on a second thread while the calling thread handles the rows: the
/// parse (libcsv plus copying fields) and the handling (checks, numbers, SQLite) each get a core.
/// Memory stays bounded by a few batches. Rows reach the handler in file order, and an error on
/// either side stops both, the earliest in the file winning.
final class RowPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var filled: [RowBatch] = []
    private var spare: [RowBatch] = [RowBatch(), RowBatch(), RowBatch()]
    private var producerDone = false
    private var producerError: Error?
    private var cancelled = false

    private let path: String
    private let file: FileChunkReader
    private let first: [UInt8]
    /// Filled in by the producer; read by the caller after `run` returns.
    private(set) var fingerprint = ContentFingerprint()
    private(set) var bytes = 0

    private let limits: InputLimits

    init(path: String, first: UnsafeRawBufferPointer, rest: FileChunkReader, limits: InputLimits = .current) {
        self.path = path
        self.limits = limits
        self.first = Array(first)
        file = rest
    }

    /// Runs the parse, calling `handle` on this thread for every row in order.
    func run(handle: (borrowing CSVRow, _ atUnterminatedEnd: Bool) throws -> Void) throws {
        let thread = Thread { [self] in produce() }
        thread.stackSize = 1 << 20
        thread.start()
        var consumerError: Error?
        while let batch = nextFilled() {
            if consumerError == nil {
                do {
                    for entry in batch.entries { try handle(batch.row(entry), entry.atUnterminatedEnd) }
                } catch {
                    consumerError = error
                    condition.lock(); cancelled = true; condition.unlock()
                }
            }
            condition.lock()
            batch.reset()
            spare.append(batch)
            condition.signal()
            condition.unlock()
        }
        if let consumerError { throw consumerError }
        if let producerError { throw producerError }
    }

    private func nextFilled() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while filled.isEmpty && !producerDone { condition.wait() }
        return filled.isEmpty ? nil : filled.removeFirst()
    }

    private func takeSpare() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while spare.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : spare.removeLast()
    }

    private func handOff(_ batch: RowBatch) {
        condition.lock()
        filled.append(batch)
        condition.signal()
        condition.unlock()
    }

    private struct Cancelled: Error {}

    private func produce() {
        var current = takeSpare()
        var finishing = false
        var failure: Error?
        var parser: CSVParser?
        parser = CSVParser(maxRowBytes: limits.maxRowBytes, maxFields: limits.maxFieldsPerRow) { row in
            guard let batch = current else { throw Cancelled() }
            let unterminated = finishing && !(parser?.endsWithNewline ?? true)
            if !batch.append(row, atUnterminatedEnd: unterminated) {
                self.handOff(batch)
                guard let next = self.takeSpare() else { current = nil; throw Cancelled() }
                current = next
                _ = next.append(row, atUnterminatedEnd: unterminated)
            }
        }
        if let parser {
            do {
                try first.withUnsafeBytes { try consume($0, parser) }
                while let chunk = try file.next() { try consume(chunk, parser) }
                finishing = true
                try parser.finish()
            } catch is Cancelled {
            } catch {
                failure = error
            }
        }
        // The row handler captures `parser`, which holds the handler: dropping it here breaks
        // that cycle, which otherwise kept the parser, this pipeline and its batches (about 5 MB)
        // alive after every file (found by the fuzz targets' leak check).
        parser = nil
        if let batch = current, !batch.isEmpty { handOff(batch) }
        // The row handler captures `parser` (to ask whether the file ended with a newline) and the
        // parser holds the handler: break the cycle, or every file read leaks its parser and,
        // through the handler's `self`, this pipeline's row batches (4.5 MB a file).
        parser = nil
        condition.lock()
        producerError = failure
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    private func consume(_ chunk: UnsafeRawBufferPointer, _ parser: CSVParser) throws {
        condition.lock()
        let stop = cancelled
        condition.unlock()
        if stop { throw Cancelled() }
        try TraceFileReader.checkText(chunk, path: path, line: parser.currentLine)
        fingerprint.update(chunk)
        bytes += chunk.count
        try parser.feed(chunk)
    }
}
