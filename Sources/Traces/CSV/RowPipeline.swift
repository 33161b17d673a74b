import Foundation
import InputLimits

/// Reads and parses a file on a second thread while the calling thread handles the rows: the
/// parse (libcsv plus copying fields) and the handling (checks, numbers, SQLite) each get a core.
/// Memory stays bounded by a few batches. Rows reach the handler in file order, and an error on
/// either side stops both, the earliest in the file winning.
final class RowPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var filled: [RowBatch] = []
    private var spare: [RowBatch]
    private var producerDone = false
    private var producerError: Error?
    private var cancelled = false

    private let path: String
    private let file: FileChunkReader
    private let first: [UInt8]
    /// Taken by the handling thread from each batch's copy of the file's bytes, in file order;
    /// read by the caller after `run` returns.
    private(set) var fingerprint = ContentFingerprint()
    private(set) var bytes = 0

    private let limits: InputLimits

    /// `readsNumbers`: plain rows' fields are read as numbers on the parsing thread too
    /// (`RowBatch.readsNumbers`).
    init(path: String, first: UnsafeRawBufferPointer, rest: FileChunkReader, limits: InputLimits = .current,
         readsNumbers: Bool = false) {
        spare = (0..<3).map { _ in RowBatch(readsNumbers: readsNumbers) }
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
            fingerprint.update(batch.rawBytes)
            bytes += batch.rawCount
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
        // Plain lines are split by `RowBatch.appendPlainLines`; from the first line that is not
        // plain, libcsv (`parser`) reads the rest of the file, fed exactly the pieces it would have
        // been fed from that line on, so its rows and errors are those of libcsv alone.
        var parser: CSVParser?
        var plain = PlainReading()
        func makeParser() -> CSVParser {
            CSVParser(maxRowBytes: limits.maxRowBytes, maxFields: limits.maxFieldsPerRow) { row in
                guard let batch = current else { throw Cancelled() }
                let unterminated = finishing && !(parser?.endsWithNewline ?? true)
                if !batch.append(row, atUnterminatedEnd: unterminated) {
                    self.handOff(batch)
                    guard let next = self.takeSpare() else { current = nil; throw Cancelled() }
                    current = next
                    _ = next.append(row, atUnterminatedEnd: unterminated)
                }
            }
        }
        /// Hands the rest of the file to libcsv: the carried start of a line, then `rest`.
        func toLibcsv(_ rest: UnsafeRawBufferPointer) throws {
            let libcsv = makeParser()
            parser = libcsv
            libcsv.resume(atLine: plain.line)
            for piece in plain.carry { try piece.withUnsafeBytes { try libcsv.feed($0) } }
            plain.carry = []
            try libcsv.feed(rest)
        }
        /// Splits the plain lines of `data` into batches; the offset of the first line that is
        /// not plain, or nil when all were (a line left unfinished is carried).
        func splitPlain(_ data: UnsafeRawBufferPointer) throws -> Int? {
            guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var p = 0
            while true {
                guard let batch = current else { throw Cancelled() }
                let before = batch.entries.count
                let (consumed, stop) = batch.appendPlainLines(base + p, count: data.count - p, firstLine: plain.line,
                                                              maxRowBytes: limits.maxRowBytes, maxFields: limits.maxFieldsPerRow)
                plain.line += batch.entries.count - before
                p += consumed
                switch stop {
                case .partialLine:
                    if p < data.count { plain.carry.append(Array(UnsafeRawBufferPointer(rebasing: data[p...]))) }
                    return nil
                case .notPlain:
                    return p
                case .full:
                    handOff(batch)
                    guard let next = takeSpare() else { current = nil; throw Cancelled() }
                    current = next
                }
            }
        }
        func consume(_ chunk: UnsafeRawBufferPointer) throws {
            condition.lock()
            let stop = cancelled
            condition.unlock()
            if stop { throw Cancelled() }
            try TraceFileReader.checkText(chunk, path: path, line: parser?.currentLine ?? plain.line)
            // The fingerprint is taken on the handling thread, from the batch's copy.
            guard let batch = current else { throw Cancelled() }
            batch.appendRaw(chunk)
            if let parser { return try parser.feed(chunk) }
            var data = chunk
            if !plain.sawStart {
                // What `CSVParser.feed` does with the file's first bytes.
                plain.sawStart = true
                if data.count >= 3, data[0] == 0xEF, data[1] == 0xBB, data[2] == 0xBF { data = UnsafeRawBufferPointer(rebasing: data[3...]) }
            }
            if !plain.carry.isEmpty {
                // The line carried from the last chunk ends in this one (or goes on past it).
                guard let newline = data.firstIndex(of: 0x0A) else {
                    plain.carry.append(Array(data))
                    if plain.carry.reduce(0, { $0 + $1.count }) >= limits.maxRowBytes { try toLibcsv(UnsafeRawBufferPointer(start: nil, count: 0)) }
                    return
                }
                let joined = plain.carry.flatMap { $0 } + data[...newline]
                let carried = plain.carry
                plain.carry = []
                let stoppedAt = try joined.withUnsafeBytes { try splitPlain($0) }
                guard stoppedAt == nil else {
                    plain.carry = carried
                    return try toLibcsv(data)
                }
                data = UnsafeRawBufferPointer(rebasing: data[(newline + 1)...])
            }
            if let stoppedAt = try splitPlain(data) { try toLibcsv(UnsafeRawBufferPointer(rebasing: data[stoppedAt...])) }
        }
        do {
            try first.withUnsafeBytes { try consume($0) }
            while let chunk = try file.next() { try consume(chunk) }
            if parser == nil && !plain.carry.isEmpty { try toLibcsv(UnsafeRawBufferPointer(start: nil, count: 0)) }
            finishing = true
            try parser?.finish()
        } catch is Cancelled {
        } catch {
            failure = error
        }
        if let batch = current, !batch.isEmpty || batch.rawCount > 0 { handOff(batch) }
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
}

/// Where the plain reading of a file stands (`RowPipeline.produce`).
private struct PlainReading {
    /// The physical line (1-based) the next byte starts.
    var line = 1
    /// The start of a line that goes on in the next chunk, as the chunks gave it.
    var carry: [[UInt8]] = []
    /// True once the file's first bytes (a BOM) were looked at.
    var sawStart = false
}
