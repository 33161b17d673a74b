import GRDB
import GRDBSQLite

/// Inserts one invocation block (`invocation_block`, docs/schema.md) with SQLite's incremental
/// blob I/O: the row goes in with zero-filled blobs of the right sizes, then each column's floats
/// are written straight from the buffer into the blob's pages. Binding the blobs instead made
/// SQLite copy the 24 MB of a million-call block once more into one record before it reached the
/// pages (docs/performance.md, "Third pass"). The stored bytes are the same. The one file of
/// Store that calls SQLite's C API: GRDB does not wrap `sqlite3_blob_*`.
enum BlockInsert {
    /// The block's values; a nil column is stored as NULL.
    struct Block {
        var functionID: Int64
        var fileID: Int64
        var seq: Int
        var timed: Bool
        var calls: Int
        /// starts, durations, cpu_ms, call_memory_mb, call_max_memory_mb, init_ms, billed_ms, cold.
        var columns: [[Double]?]
        var memoryMB: Double?
        var maxMemoryPeak: Double?
        var maxMemorySum: Double
        var maxMemoryCalls: Int
    }

    static let blobColumns = ["starts", "durations", "cpu_ms", "call_memory_mb", "call_max_memory_mb", "init_ms", "billed_ms", "cold"]

    /// The insert for one pattern of present and NULL blob columns (cached per pattern by GRDB).
    private static func sql(present: [Bool]) -> String {
        let blobs = present.map { $0 ? "zeroblob(?)" : "NULL" }
        return """
            INSERT INTO invocation_block (function_id, file_id, seq, timed, calls, memory_mb, max_memory_peak_mb,
            max_memory_sum_mb, max_memory_calls, \(blobColumns.joined(separator: ", ")))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, \(blobs.joined(separator: ", ")))
            """
    }

    static func insert(_ db: Database, _ block: Block) throws {
        let present = block.columns.map { $0 != nil }
        var arguments: [(any DatabaseValueConvertible)?] = [block.functionID, block.fileID, block.seq, block.timed ? 1 : 0, block.calls,
                                                            block.memoryMB, block.maxMemoryPeak, block.maxMemorySum, block.maxMemoryCalls]
        for column in block.columns { if let column { arguments.append(column.count * 8) } }
        try db.cachedStatement(sql: sql(present: present)).execute(arguments: StatementArguments(arguments))
        let row = db.lastInsertedRowID
        for (name, column) in zip(blobColumns, block.columns) {
            guard let column else { continue }
            try write(db, column, into: name, row: row)
        }
    }

    /// Writes `values` as little-endian 64-bit floats over the zero blob of column `name`, row `row`.
    private static func write(_ db: Database, _ values: [Double], into name: String, row: Int64) throws {
        guard !values.isEmpty else { return }
        var blob: OpaquePointer?
        let connection = db.sqliteConnection
        func check(_ code: Int32) throws {
            guard code == SQLITE_OK else {
                let message = String(cString: sqlite3_errmsg(connection))
                if let blob { sqlite3_blob_close(blob) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
            }
        }
        try check(sqlite3_blob_open(connection, "main", "invocation_block", name, row, 1, &blob))
        #if _endian(little)
        try values.withUnsafeBytes { bytes in
            try check(sqlite3_blob_write(blob, bytes.baseAddress, Int32(bytes.count), 0))
        }
        #else
        try InvocationBlocks.pack(values).withUnsafeBytes { bytes in
            try check(sqlite3_blob_write(blob, bytes.baseAddress, Int32(bytes.count), 0))
        }
        #endif
        let code = sqlite3_blob_close(blob)
        blob = nil
        try check(code)
    }
}
