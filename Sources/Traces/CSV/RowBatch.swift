#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rows copied out of the parser, many at a time, so that handing them between threads costs
/// one lock per batch rather than per row. Each row's fields sit back to back, each followed by a
/// NUL, as `CSVRow` reads them.
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
    static let entryCapacity = 1 << 14
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity = RowBatch.byteCapacity
    private var used = 0
    private(set) var ends: UnsafeMutablePointer<Int>
    private var endsCapacity = 1 << 16
    private var endsUsed = 0
    private let entryStorage: UnsafeMutablePointer<Entry>
    private var entryCount = 0
    /// Per field (beside `ends`), its value as `DecimalReading` reads it, NaN where it reads none
    /// or where it was not asked; only when `readsNumbers`.
    private(set) var numbers: UnsafeMutablePointer<Double>
    /// Whether plain rows' fields are read as numbers here, on the parsing thread (formats whose
    /// rows are a few fields, most of them numbers): the handling thread then finds them read.
    let readsNumbers: Bool

    /// The file's bytes as read while this batch was current, whole chunks in order: the handling
    /// thread takes the file's fingerprint from them, which leaves the parsing thread less to do.
    private var raw: UnsafeMutableRawPointer
    private var rawCapacity = 0
    private(set) var rawCount = 0

    init(readsNumbers: Bool = false) {
        self.readsNumbers = readsNumbers
        bytes = .allocate(capacity: capacity)
        ends = .allocate(capacity: endsCapacity)
        numbers = .allocate(capacity: readsNumbers ? endsCapacity : 0)
        entryStorage = .allocate(capacity: Self.entryCapacity)
        raw = .allocate(byteCount: 0, alignment: 16)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
        numbers.deallocate()
        entryStorage.deallocate()
        raw.deallocate()
    }

    var isEmpty: Bool { entryCount == 0 }

    /// Keeps a copy of `chunk`, read from the file while this batch is current.
    func appendRaw(_ chunk: UnsafeRawBufferPointer) {
        guard let source = chunk.baseAddress, chunk.count > 0 else { return }
        if rawCount + chunk.count > rawCapacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: max(rawCapacity * 2, rawCount + chunk.count), alignment: 16)
            grown.copyMemory(from: raw, byteCount: rawCount)
            raw.deallocate()
            raw = grown
            rawCapacity = max(rawCapacity * 2, rawCount + chunk.count)
        }
        (raw + rawCount).copyMemory(from: source, byteCount: chunk.count)
        rawCount += chunk.count
    }

    /// The file's bytes read while this batch was current.
    var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: raw, count: rawCount) }

    /// The rows, in order.
    var entries: UnsafeBufferPointer<Entry> { UnsafeBufferPointer(start: entryStorage, count: entryCount) }

    func reset() {
        rawCount = 0
        used = 0
        endsUsed = 0
        entryCount = 0
    }

    /// Copies a row in; false when it does not fit (a batch always takes at least one row).
    func append(_ row: borrowing CSVRow, atUnterminatedEnd: Bool) -> Bool {
        let length = row.count == 0 ? 0 : row.ends[row.count - 1] + 1
        if entryCount > 0 && (used + length > capacity || endsUsed + row.count > endsCapacity || entryCount == Self.entryCapacity) {
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
            if readsNumbers {
                numbers.deallocate()
                numbers = .allocate(capacity: endsCapacity)
            }
        }
        (bytes + used).update(from: row.storage, count: length)
        (ends + endsUsed).update(from: row.ends, count: row.count)
        if readsNumbers { (numbers + endsUsed).update(repeating: .nan, count: row.count) }
        (entryStorage + entryCount).initialize(to: Entry(byteStart: used, endsStart: endsUsed, count: row.count, line: row.line,
                                                         atUnterminatedEnd: atUnterminatedEnd))
        entryCount += 1
        used += length
        endsUsed += row.count
        return true
    }

    func row(_ entry: Entry) -> CSVRow {
        CSVRow(storage: bytes + entry.byteStart, ends: ends + entry.endsStart, count: entry.count, line: entry.line,
               numbers: readsNumbers ? UnsafePointer(numbers + entry.endsStart) : nil)
    }

    /// Why `appendPlainLines` stopped.
    enum PlainStop {
        /// The bytes left hold no line end: the rest of a line that goes on in the next chunk.
        case partialLine
        /// The next line needs libcsv (see `appendPlainLines`).
        case notPlain
        /// The batch is full.
        case full
    }

    /// Bytes that make libcsv do something other than split at commas and keep the bytes between:
    /// the quote, space and tab (trimmed around unquoted fields), CR (ends a row). Bit `b` set for
    /// byte `b` (all below 64).
    private static let libcsvSpecial: UInt64 = 1 << 0x22 | 1 << 0x20 | 1 << 0x09 | 1 << 0x0D

    /// The high bit of each byte of `word` (little-endian: byte i is bits 8i…8i+7) that is below
    /// 0x2D, and no other bit. Exact per byte: `b | 0x80` minus 0x2D never borrows from the next
    /// byte, and its high bit is clear exactly when `b & 0x7F` is below 0x2D.
    @inline(__always) static func bytesBelow2D(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let t = (word | high) &- 0x2D2D_2D2D_2D2D_2D2D
        return ~t & ~word & high
    }

    /// Splits whole lines of `data` at commas into this batch, as libcsv (strict, comma-separated)
    /// would deliver them, for as long as each line is *plain*: not empty, no quote, space, tab or
    /// CR but in a final CRLF, at most `maxRowBytes` bytes with its line end and `maxFields`
    /// fields. For such a line libcsv's fields are exactly the bytes between commas, so copying
    /// them with a NUL for each comma is the same rows without libcsv's per-byte state machine and
    /// per-field and per-row callbacks (the reason this exists: the callbacks cost more than the
    /// parse). Rows are numbered from `firstLine`, one line each. Returns the bytes consumed (whole
    /// lines) and why it stopped; the stopping line is untouched, for libcsv or the next call.
    func appendPlainLines(_ data: UnsafePointer<UInt8>, count: Int, firstLine: Int, maxRowBytes: Int,
                          maxFields: Int) -> (consumed: Int, stop: PlainStop) {
        var p = 0
        var line = firstLine
        var used = self.used, endsUsed = self.endsUsed, entryCount = self.entryCount
        let bytes = self.bytes, ends = self.ends, entries = entryStorage, numbers = self.numbers, readsNumbers = self.readsNumbers
        let capacity = self.capacity, endsCapacity = self.endsCapacity
        defer {
            self.used = used
            self.endsUsed = endsUsed
            self.entryCount = entryCount
        }
        while p < count {
            let start = data + p
            var length = count - p
            if length > maxRowBytes { length = maxRowBytes }  // a longer line is not plain
            guard let newline = memchr(start, 0x0A, length) else {
                return (p, count - p < maxRowBytes ? .partialLine : .notPlain)
            }
            let lineLength = UnsafeRawPointer(newline) - UnsafeRawPointer(start)  // without the LF
            var fieldBytes = lineLength
            if fieldBytes > 0 && start[fieldBytes - 1] == 0x0D { fieldBytes -= 1 }
            guard fieldBytes > 0 else { return (p, .notPlain) }  // libcsv skips an empty line
            // A line of n bytes holds at most n + 1 fields.
            guard entryCount < Self.entryCapacity, used + fieldBytes + 1 <= capacity,
                  endsUsed + fieldBytes + 1 <= endsCapacity else {
                return (p, entryCount == 0 ? .notPlain : .full)
            }
            let out = bytes + used
            let fieldEnds = ends + endsUsed
            var fields = 0
            var special = false
            // The line is copied whole, then only its bytes below 0x2D (the comma and every byte
            // libcsv treats specially are below it; digits, letters, '.', '-' are not) are looked
            // at: eight at a time, a word without one costs a few operations.
            out.update(from: start, count: fieldBytes)
            var k = 0
            while k &+ 8 <= fieldBytes {
                let word = UInt64(littleEndian: UnsafeRawPointer(start + k).loadUnaligned(as: UInt64.self))
                var low = Self.bytesBelow2D(word)
                while low != 0 {
                    let at = k &+ low.trailingZeroBitCount &>> 3
                    let c = start[at]
                    if c == 0x2C {
                        out[at] = 0
                        fieldEnds[fields] = at
                        fields &+= 1
                    } else if (Self.libcsvSpecial >> UInt64(c)) & 1 != 0 {
                        special = true
                    }
                    low &= low &- 1
                }
                k &+= 8
            }
            while k < fieldBytes {
                let c = start[k]
                if c == 0x2C {
                    out[k] = 0
                    fieldEnds[fields] = k
                    fields &+= 1
                } else if c < 64 && (Self.libcsvSpecial >> UInt64(c)) & 1 != 0 {
                    special = true
                }
                k &+= 1
            }
            out[fieldBytes] = 0
            fieldEnds[fields] = fieldBytes
            fields &+= 1
            guard !special, fields <= maxFields else { return (p, .notPlain) }
            if readsNumbers {
                let values = numbers + endsUsed
                var fieldStart = 0
                for f in 0..<fields {
                    let fieldEnd = fieldEnds[f]
                    // From the line as read, not from the copy just written: loading a word of
                    // bytes just stored stalls the processor (no store-to-load forwarding).
                    values[f] = DecimalReading.value(UnsafeBufferPointer(start: start + fieldStart, count: fieldEnd - fieldStart)) ?? .nan
                    fieldStart = fieldEnd + 1
                }
            }
            (entries + entryCount).initialize(to: Entry(byteStart: used, endsStart: endsUsed, count: fields, line: line,
                                                        atUnterminatedEnd: false))
            entryCount &+= 1
            used &+= fieldBytes &+ 1
            endsUsed &+= fields
            line &+= 1
            p &+= lineLength &+ 1
        }
        return (p, .partialLine)
    }
}
