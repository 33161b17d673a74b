import Foundation
import GRDB
import Traces

/// Per-invocation rows packed per function and file as columns of 64-bit floats
/// (`invocation_block`, docs/schema.md), so that a replay reads a function's calls as a few blobs
/// already in order instead of sorting a million rows and decoding them one column at a time.
///
/// Invariant: a timed block's calls are ascending by (start, duration); untimed blocks keep the
/// log's order. Blocks hold at most `capacity` calls, so one function's file is several blocks,
/// numbered `seq` from 0.
enum InvocationBlocks {
    /// Calls per block: 16 MB of starts and durations, which bounds an ingest's memory per function.
    static let capacity = 1 << 20

    /// `values` as little-endian 64-bit floats.
    static func pack(_ values: [Double]) -> Data {
        #if _endian(little)
        return values.withUnsafeBytes { Data($0) }
        #else
        return Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        #endif
    }

    /// Appends the little-endian 64-bit floats of `data` to `out`; nil data adds nothing.
    static func unpack(_ data: Data?, into out: inout [Double]) throws {
        guard let data else { return }
        guard data.count % 8 == 0 else {
            throw StoredValueError(message: "an invocation block of \(data.count) bytes is not whole 64-bit numbers")
        }
        let n = data.count / 8
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: n))
        out.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: target[(start * 8)...]).copyMemory(from: source)
            }
        }
        #if !_endian(little)
        for i in start..<out.count { out[i] = Double(bitPattern: UInt64(littleEndian: out[i].bitPattern)) }
        #endif
    }
}

/// A per-call column most traces leave empty (CPU time, init time, a cold flag…): NaN where a
/// call has no value, and no array at all while no call has one.
struct SparseColumn {
    var values: [Double] = []

    /// Adds the value of the call at `index` (the calls before it: `index`).
    @inline(__always) mutating func append(_ value: Double?, at index: Int) {
        if let value {
            if values.isEmpty { values = Array(repeating: .nan, count: index) }
            values.append(value)
        } else if !values.isEmpty {
            values.append(.nan)
        }
    }

    /// Adds `count` calls' values from `column` (NaN where a call has none; nil: none has one),
    /// the calls before them being `index`: the same as `append(_:at:)` call by call.
    mutating func append(_ column: UnsafeBufferPointer<Double>?, count: Int, at index: Int) {
        if let column {
            if values.isEmpty {
                guard column.contains(where: { !$0.isNaN }) else { return }
                values = Array(repeating: .nan, count: index)
            }
            values.append(contentsOf: column)
        } else if !values.isEmpty {
            values.append(contentsOf: repeatElement(.nan, count: count))
        }
    }

    /// The column's values, nil (stored as NULL) when no call has a value.
    var column: [Double]? { values.isEmpty ? nil : values }

    func permuted(_ order: [Int]) -> SparseColumn {
        values.isEmpty ? self : SparseColumn(values: order.map { values[$0] })
    }
}

/// One function's calls of one file being collected into blocks.
struct BlockBuffer {
    var starts: [Double] = []
    var durations: [Double] = []
    /// Per call, where the trace gives it (NaN elsewhere; empty while no call has one): CPU ms,
    /// configured and peak used memory, init ms, billed ms, and 1 cold / 0 warm.
    var cpu = SparseColumn(), memory = SparseColumn(), maxMemory = SparseColumn()
    var initMs = SparseColumn(), billedMs = SparseColumn(), cold = SparseColumn()
    var memoryMB: Double?
    var maxMemoryPeak: Double?
    var maxMemorySum = 0.0
    var maxMemoryCalls = 0
    var seq = 0

    var count: Int { durations.count }

    mutating func append(_ call: Invocation) {
        let index = durations.count
        if let start = call.startSeconds { starts.append(start) }
        cpu.append(call.cpuMs, at: index)
        memory.append(call.memoryMB, at: index)
        maxMemory.append(call.maxMemoryMB, at: index)
        initMs.append(call.initMs, at: index)
        billedMs.append(call.billedMs, at: index)
        cold.append(call.cold.map { $0 ? 1 : 0 }, at: index)
        durations.append(call.durationMs)
        if let memoryMB = call.memoryMB { self.memoryMB = max(self.memoryMB ?? memoryMB, memoryMB) }
        if let maxMemoryMB = call.maxMemoryMB {
            maxMemoryPeak = max(maxMemoryPeak ?? maxMemoryMB, maxMemoryMB)
            maxMemorySum += maxMemoryMB
            maxMemoryCalls += 1
        }
    }

    /// Appends timed calls given as columns: the same buffer as `append` of each call in turn.
    /// A buffer past 65,536 calls reserves room for `blockCapacity` at once instead of growing
    /// by doubling, each doubling a copy into fresh memory (untouched room costs no memory).
    mutating func append(_ calls: InvocationColumns, blockCapacity: Int) {
        let index = durations.count
        let n = calls.count
        if index + n > durations.capacity && index >= 1 << 16 && blockCapacity > durations.capacity {
            starts.reserveCapacity(blockCapacity)
            durations.reserveCapacity(blockCapacity)
            for column in [\BlockBuffer.cpu, \.memory, \.maxMemory, \.initMs, \.billedMs, \.cold] where !self[keyPath: column].values.isEmpty {
                self[keyPath: column].values.reserveCapacity(blockCapacity)
            }
        }
        starts.append(contentsOf: calls.starts)
        durations.append(contentsOf: calls.durationsMs)
        cpu.append(calls.cpuMs, count: n, at: index)
        memory.append(calls.memoryMB, count: n, at: index)
        maxMemory.append(nil, count: n, at: index)
        initMs.append(calls.initMs, count: n, at: index)
        billedMs.append(nil, count: n, at: index)
        cold.append(calls.cold, count: n, at: index)
        if let column = calls.memoryMB {
            for memoryMB in column where !memoryMB.isNaN { self.memoryMB = max(self.memoryMB ?? memoryMB, memoryMB) }
        }
    }

    /// Orders a timed buffer by (start, duration), stably: ties of both keep the log's order.
    mutating func sortByStart() {
        let n = count
        var sorted = true
        for i in 1..<max(n, 1) where starts[i] < starts[i - 1] || (starts[i] == starts[i - 1] && durations[i] < durations[i - 1]) {
            sorted = false
            break
        }
        guard !sorted else { return }
        var order = Array(0..<n)
        order.sort { (starts[$0], durations[$0], $0) < (starts[$1], durations[$1], $1) }
        starts = order.map { starts[$0] }
        durations = order.map { durations[$0] }
        cpu = cpu.permuted(order)
        memory = memory.permuted(order)
        maxMemory = maxMemory.permuted(order)
        initMs = initMs.permuted(order)
        billedMs = billedMs.permuted(order)
        cold = cold.permuted(order)
    }

    /// Writes the buffer as one block and empties it (keeping its numbering).
    mutating func write(_ db: Database, functionID: Int64, fileID: Int64, timed: Bool) throws {
        guard count > 0 else { return }
        if timed { sortByStart() }
        try BlockInsert.insert(db, BlockInsert.Block(
            functionID: functionID, fileID: fileID, seq: seq, timed: timed, calls: count,
            columns: [timed ? starts : nil, durations, cpu.column, memory.column, maxMemory.column, initMs.column, billedMs.column, cold.column],
            memoryMB: memoryMB, maxMemoryPeak: maxMemoryPeak, maxMemorySum: maxMemorySum, maxMemoryCalls: maxMemoryCalls))
        let next = seq + 1
        self = BlockBuffer()
        seq = next
    }
}

/// Collects a file's invocations per function and writes them as blocks, full ones as they fill
/// and the rest when the file ends.
struct BlockWriter {
    private struct Key: Hashable {
        var function: Int64
        var timed: Bool
    }
    private var buffers: [BlockBuffer] = []
    /// Where each function's buffer is in `buffers`, and the last call's.
    private var index: [Key: Int] = [:]
    private var last: (key: Key, index: Int)?
    private let db: Database
    private let fileID: Int64
    /// Calls per block (`InvocationBlocks.capacity`; tests set a small one).
    private let capacity: Int

    init(db: Database, fileID: Int64, capacity: Int = InvocationBlocks.capacity) throws {
        self.db = db
        self.fileID = fileID
        self.capacity = capacity
    }

    mutating func add(functionID: Int64, _ call: Invocation) throws {
        let key = Key(function: functionID, timed: call.startSeconds != nil)
        let i = bufferIndex(key)
        buffers[i].append(call)
        if buffers[i].count >= capacity {
            try buffers[i].write(db, functionID: functionID, fileID: fileID, timed: key.timed)
        }
    }

    /// Adds consecutive timed calls of one function, writing each block that fills.
    mutating func add(functionID: Int64, _ calls: InvocationColumns) throws {
        let key = Key(function: functionID, timed: true)
        let i = bufferIndex(key)
        var done = 0
        while done < calls.count {
            let n = min(calls.count - done, capacity - buffers[i].count)
            buffers[i].append(calls.slice(done..<(done + n)), blockCapacity: capacity)
            done += n
            if buffers[i].count >= capacity {
                try buffers[i].write(db, functionID: functionID, fileID: fileID, timed: true)
            }
        }
    }

    /// Where `key`'s buffer is (made if new); remembered for the next call.
    private mutating func bufferIndex(_ key: Key) -> Int {
        let i: Int
        if let last, last.key == key {
            i = last.index  // runs of one function: no hashing
        } else if let known = index[key] {
            i = known
        } else {
            i = buffers.count
            buffers.append(BlockBuffer())
            index[key] = i
        }
        last = (key, i)
        return i
    }

    /// Writes every partly filled block, in function order so the bytes do not depend on hashing.
    mutating func finish() throws {
        let keys = index.keys.sorted { ($0.function, $0.timed ? 1 : 0) < ($1.function, $1.timed ? 1 : 0) }
        for key in keys {
            guard let i = index[key] else { continue }
            try buffers[i].write(db, functionID: key.function, fileID: fileID, timed: key.timed)
            buffers[i] = BlockBuffer()
        }
        index = [:]
        last = nil
    }
}

extension InvocationBlocks {
    /// Packs the `invocation` rows of a database written before blocks held every column
    /// (migration v4): timed rows in (start, duration) order, untimed ones in the order they were
    /// stored.
    static func build(from db: Database) throws {
        for timed in [true, false] {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT function_id, file_id, start_s, duration_ms, memory_mb, max_memory_mb, cpu_ms, init_ms, billed_ms, cold
                FROM invocation WHERE start_s IS \(timed ? "NOT NULL" : "NULL")
                ORDER BY function_id, file_id\(timed ? ", start_s, duration_ms" : ""), rowid
                """)
            var current: (function: Int64, file: Int64)?
            var buffer = BlockBuffer()
            while let row = try rows.next() {
                let key: (Int64, Int64) = (row[0], row[1])
                if let c = current, c != key {
                    try buffer.write(db, functionID: c.function, fileID: c.file, timed: timed)
                    buffer = BlockBuffer()
                }
                current = key
                let cold: Int? = row[9]
                buffer.append(Invocation(startSeconds: row[2], durationMs: row[3], memoryMB: row[4], maxMemoryMB: row[5],
                                                        initMs: row[7], cpuMs: row[6], billedMs: row[8], cold: cold.map { $0 != 0 }))
                if buffer.count >= capacity { try buffer.write(db, functionID: key.0, fileID: key.1, timed: timed) }
            }
            if let c = current { try buffer.write(db, functionID: c.function, fileID: c.file, timed: timed) }
        }
    }
}

/// One function's calls read back from its blocks, merged over files and in replay order.
struct StoredCalls {
    var starts: [Double] = []
    var durations: [Double] = []
    /// CPU ms per call (NaN where unknown); empty when no call has one.
    var cpu: [Double] = []
    /// Largest configured memory among the calls.
    var memoryMB: Double?

    /// CPU time and execution time summed over the calls that give CPU time, ms.
    func cpuSums() -> (cpuMs: Double, durationMs: Double) {
        var cpuMs = 0.0, durationMs = 0.0
        for (i, c) in cpu.enumerated() where !c.isNaN {
            cpuMs += c
            durationMs += durations[i]
        }
        return (cpuMs, durationMs)
    }
}

extension TraceStore {
    /// Calls its `body` with each function's calls (ascending function id): timed calls in
    /// (start, duration) order over all its files, or untimed calls in the order they were stored.
    /// Decodes by column index and copies each blob once, straight into the arrays handed on.
    static func readBlocks(_ db: Database, timed: Bool, _ body: (Int64, StoredCalls) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT function_id, starts, durations, cpu_ms, memory_mb, calls FROM invocation_block
            WHERE timed = ? ORDER BY function_id, file_id, seq
            """, arguments: [timed ? 1 : 0])
        var current: Int64?
        var calls = StoredCalls()
        var blocks = 0
        func emit() throws {
            guard let current else { return }
            if blocks > 1 && timed { calls.sortByStart() }
            try body(current, calls)
        }
        while let row = try rows.next() {
            let function: Int64 = row[0]
            if function != current {
                try emit()
                current = function
                calls = StoredCalls()
                blocks = 0
            }
            blocks += 1
            let before = calls.durations.count
            let n: Int = row[5]
            try row.withUnsafeData(atIndex: 1) { try InvocationBlocks.unpack($0, into: &calls.starts) }
            try row.withUnsafeData(atIndex: 2) { try InvocationBlocks.unpack($0, into: &calls.durations) }
            if !row.hasNull(atIndex: 3) || !calls.cpu.isEmpty {
                if calls.cpu.count < before { calls.cpu.append(contentsOf: repeatElement(.nan, count: before - calls.cpu.count)) }
                try row.withUnsafeData(atIndex: 3) { try InvocationBlocks.unpack($0, into: &calls.cpu) }
                if calls.cpu.count < before + n { calls.cpu.append(contentsOf: repeatElement(.nan, count: before + n - calls.cpu.count)) }
            }
            if let mb: Double = row[4] { calls.memoryMB = max(calls.memoryMB ?? mb, mb) }
            guard calls.durations.count == before + n, !timed || calls.starts.count == calls.durations.count,
                  calls.cpu.isEmpty || calls.cpu.count == calls.durations.count else {
                throw StoredValueError(message: "an invocation block of function \(function) holds other than its \(n) calls")
            }
        }
        try emit()
    }

    /// Invocations stored without a start time.
    static func untimedCalls(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(calls), 0) FROM invocation_block WHERE timed = 0") ?? 0
    }
}

extension StoredCalls {
    /// Orders calls merged from several blocks by (start, duration), as each block already is;
    /// a single file's blocks usually follow one another, so the check is all it costs.
    mutating func sortByStart() {
        var buffer = BlockBuffer()
        buffer.starts = starts
        buffer.durations = durations
        buffer.cpu = SparseColumn(values: cpu)
        buffer.sortByStart()
        (starts, durations, cpu) = (buffer.starts, buffer.durations, buffer.cpu.values)
    }
}

/// A per-call column of `invocation_block` (docs/schema.md).
enum BlockColumn: String {
    case starts, durations
    case cpu = "cpu_ms"
    case memory = "call_memory_mb"
    case maxMemory = "call_max_memory_mb"
    case initMs = "init_ms"
    case billedMs = "billed_ms"
    case cold
}

extension TraceStore {
    /// Calls `body` with every block's `columns` (unpacked; empty where the block holds none) and
    /// its function id, in (function, file, seq) order; only timed or untimed blocks when `timed`
    /// says, and only blocks that hold `required` when given.
    static func eachBlock(_ db: Database, _ columns: [BlockColumn], timed: Bool? = nil, required: BlockColumn? = nil,
                          _ body: (Int64, [[Double]]) throws -> Void) throws {
        var conditions: [String] = []
        if let timed { conditions.append("timed = \(timed ? 1 : 0)") }
        if let required { conditions.append("\(required.rawValue) IS NOT NULL") }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT function_id, calls, \(columns.map(\.rawValue).joined(separator: ", ")) FROM invocation_block
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY function_id, file_id, seq
            """)
        var values = [[Double]](repeating: [], count: columns.count)
        while let row = try rows.next() {
            let n: Int = row[1]
            for c in columns.indices {
                values[c].removeAll(keepingCapacity: true)
                try row.withUnsafeData(atIndex: c + 2) { try InvocationBlocks.unpack($0, into: &values[c]) }
                guard values[c].isEmpty || values[c].count == n else {
                    throw StoredValueError(message: "an invocation block's \(columns[c].rawValue) holds other than its \(n) calls")
                }
            }
            try body(row[0], values)
        }
    }
}
