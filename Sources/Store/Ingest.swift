import Foundation
import GRDB
import Logging
import Traces

/// What happened to one file.
public enum IngestOutcome: Sendable {
    /// The file was read and stored.
    case ingested(ReadSummary)
    /// The same content was ingested before (under `previousName`); nothing was written.
    case alreadyIngested(previousName: String)
}

extension TraceStore {
    /// Ingests one trace file in one transaction. Bad input throws `TraceError` and writes nothing.
    ///
    /// The first file of a database the store created goes in in SQLite's rollback-journal mode:
    /// its pages are all new, so the journal holds none of them and each is written once, where
    /// WAL mode writes each twice (into the WAL, then into the database by the checkpoint) and
    /// syncs both (docs/performance.md, "Fifth pass"). The database is in WAL mode again when this
    /// returns.
    public func ingest(path: String, options: ReadOptions = ReadOptions()) throws -> IngestOutcome {
        if firstFileOfNewDatabase {
            firstFileOfNewDatabase = false
            switchToRollback()
        }
        defer { switchToWAL() }
        if let previous = try previouslyIngested(path: path) {
            logger.debug("\(path): same content as \(previous), skipped")
            return .alreadyIngested(previousName: previous)
        }
        let started = Date()
        defer { logger.debug("\(path): ingested in \(String(format: "%.3f", Date().timeIntervalSince(started))) s") }
        do {
            return try ingestInTransaction(path: path, options: options)
        } catch let error as DatabaseError where Self.isWriteFault(error) {
            // SQLite has rolled the transaction back: the database is as it was before this file.
            throw StoreWriteError(database: self.path ?? "the in-memory database", file: path, reason: error.message ?? "\(error.resultCode)")
        } catch let error as DatabaseError {
            // Busy past the wait, corrupt, or unusable: in the user's terms (`StoreError`).
            throw Self.storeError(error, path: self.path ?? ":memory:", wait: wait, database: writer)
        }
    }

    /// A write the disk or the process's limits refused (full, a file-size limit, an I/O error),
    /// rather than something wrong with the data.
    static func isWriteFault(_ error: DatabaseError) -> Bool {
        [ResultCode.SQLITE_FULL, .SQLITE_IOERR].contains(error.resultCode)
    }

    private func ingestInTransaction(path: String, options: ReadOptions) throws -> IngestOutcome {
        try writer.write { db -> IngestOutcome in
            let name = (path as NSString).lastPathComponent
            try db.execute(
                sql: """
                    INSERT INTO trace_file (name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
                    VALUES (?, ?, '', '', '', 0, ?, 0, 0, ?)
                    """,
                arguments: [name, path, "pending-\(UUID().uuidString)", Self.timestamp()])
            let fileID = db.lastInsertedRowID
            let sink = try StoreSink(db: db, fileID: fileID)
            let summary = try TraceFileReader.read(path: path, options: options, into: sink)
            try sink.finish()
            try Self.checkClock(summary, path: path, db: db)
            if let earlier = try String.fetchOne(db, sql: "SELECT name FROM trace_file WHERE fingerprint = ?",
                                                 arguments: [summary.fingerprint]) {
                // Unreachable unless two files of different sizes collide; roll back all the same.
                throw IngestAbort.duplicate(earlier)
            }
            try db.execute(
                sql: """
                    UPDATE trace_file SET format = ?, kind = ?, day = ?, clock = ?, bytes = ?, fingerprint = ?,
                    rows = ?, skipped_rows = ? WHERE id = ?
                    """,
                arguments: [summary.format.rawValue, summary.kind, summary.day, summary.clock.rawValue, summary.bytes,
                            summary.fingerprint, summary.rows, summary.skippedCount, fileID])
            logger.debug("\(path): \(summary.format.rawValue) \(summary.kind), \(summary.rows) rows, \(summary.bytes) bytes, \(summary.skippedCount) skipped")
            return .ingested(summary)
        }
    }

    /// The name of an earlier file with the same content, if any. Only files of the same size
    /// are fingerprinted up front; otherwise the fingerprint is taken while parsing.
    private func previouslyIngested(path: String) throws -> String? {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { return nil }
        let candidates = try reading { db in
            try Row.fetchAll(db, sql: "SELECT name, fingerprint FROM trace_file WHERE bytes = ?", arguments: [size])
        }
        guard !candidates.isEmpty else { return nil }
        let fingerprint = try ContentFingerprint.of(path: path)
        return candidates.first { ($0["fingerprint"] as String) == fingerprint }.map { $0["name"] }
    }

    /// One database holds one trace: its files must agree on how times are expressed.
    static func checkClock(_ summary: ReadSummary, path: String, db: Database) throws {
        guard summary.clock != .none, summary.rows > 0 else { return }
        let other = summary.clock == .epoch ? TraceClock.relative : .epoch
        guard let earlier = try String.fetchOne(db, sql: "SELECT name FROM trace_file WHERE clock = ? AND rows > 0 LIMIT 1",
                                                arguments: [other.rawValue]) else { return }
        let mine = summary.clock == .epoch ? "dates" : "seconds since the trace start"
        let theirs = other == .epoch ? "dates" : "seconds since the trace start"
        throw TraceError(file: path, message: "this file's times are \(mine), but the database already holds \(earlier), "
            + "whose times are \(theirs); one database holds one trace: use another --db")
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

/// The database could not be written while ingesting a file (disk full, a file-size limit):
/// that file's transaction was rolled back, the files before it stay.
public struct StoreWriteError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var database: String
    /// The trace file being ingested.
    public var file: String
    /// SQLite's words for it (`database or disk is full`, `disk I/O error`).
    public var reason: String

    public var description: String {
        "\(database): cannot write the database while ingesting \(file): \(reason); the database is as it was before this file"
    }
}

enum IngestAbort: Error {
    case duplicate(String)
}

/// Writes what a reader delivers through prepared statements, inside the ingest transaction.
final class StoreSink: TraceSink {
    private let db: Database
    private let fileID: Int64
    private var appIDs: [String: Int64] = [:]
    private var functionIDs: [FunctionKey: Int64] = [:]
    private var appsWithOwner = Set<Int64>()
    private var functionsWithTrigger = Set<Int64>()
    private let insertApp: Statement
    private let updateOwner: Statement
    private let insertFunction: Statement
    private let updateTrigger: Statement
    private let insertSeries: Statement
    private let insertDurations: Statement
    private let insertMemory: Statement
    private var blocks: BlockWriter
    /// The function of the last invocation and its id.
    private var lastInvocationKey: (key: FunctionKey, id: Int64)?

    init(db: Database, fileID: Int64) throws {
        self.db = db
        self.fileID = fileID
        insertApp = try db.makeStatement(sql: "INSERT INTO app (key, owner) VALUES (?, ?)")
        updateOwner = try db.makeStatement(sql: "UPDATE app SET owner = ? WHERE id = ? AND owner IS NULL")
        insertFunction = try db.makeStatement(sql: "INSERT INTO function (app_id, key, trigger) VALUES (?, ?, ?)")
        updateTrigger = try db.makeStatement(sql: "UPDATE function SET trigger = ? WHERE id = ? AND trigger IS NULL")
        insertSeries = try db.makeStatement(sql: """
            INSERT INTO minute_series (function_id, metric, first_minute, last_minute, total, points, file_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertDurations = try db.makeStatement(sql: """
            INSERT INTO duration_percentiles (function_id, day, average_ms, count, minimum_ms, maximum_ms,
            p0_ms, p1_ms, p25_ms, p50_ms, p75_ms, p99_ms, p100_ms, file_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertMemory = try db.makeStatement(sql: """
            INSERT INTO memory_percentiles (app_id, day, sample_count, average_mb,
            p1_mb, p5_mb, p25_mb, p50_mb, p75_mb, p95_mb, p99_mb, p100_mb, file_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        blocks = try BlockWriter(db: db, fileID: fileID)
        try preload()
    }

    /// Loads the ids of the apps and functions already stored, so that new keys need no lookup.
    private func preload() throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, key, owner FROM app") {
            appIDs[row["key"]] = row["id"]
            if (row["owner"] as String?) != nil { appsWithOwner.insert(row["id"]) }
        }
        let apps = Dictionary(uniqueKeysWithValues: appIDs.map { ($0.value, $0.key) })
        for row in try Row.fetchAll(db, sql: "SELECT id, app_id, key, trigger FROM function") {
            guard let app = apps[row["app_id"]] else { continue }
            let id: Int64 = row["id"]
            functionIDs[FunctionKey(app: app, function: row["key"])] = id
            if (row["trigger"] as String?) != nil { functionsWithTrigger.insert(id) }
        }
    }

    private func appID(_ key: String, owner: String?) throws -> Int64 {
        if let id = appIDs[key] {
            if let owner, !appsWithOwner.contains(id) {
                try updateOwner.execute(arguments: [owner, id])
                appsWithOwner.insert(id)
            }
            return id
        }
        try insertApp.execute(arguments: [key, owner])
        let id = db.lastInsertedRowID
        appIDs[key] = id
        if owner != nil { appsWithOwner.insert(id) }
        return id
    }

    private func functionID(_ key: FunctionKey, owner: String? = nil, trigger: Trigger? = nil) throws -> Int64 {
        if let id = functionIDs[key] {
            if let trigger, !functionsWithTrigger.contains(id) {
                try updateTrigger.execute(arguments: [trigger.rawValue, id])
                functionsWithTrigger.insert(id)
            }
            return id
        }
        let app = try appID(key.app, owner: owner)
        try insertFunction.execute(arguments: [app, key.function, trigger?.rawValue])
        let id = db.lastInsertedRowID
        functionIDs[key] = id
        if trigger != nil { functionsWithTrigger.insert(id) }
        return id
    }

    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws {
        _ = try functionID(key, owner: owner, trigger: trigger)
        // A function already known (from an earlier file) still gives its app an owner it lacks.
        if let owner { _ = try appID(key.app, owner: owner) }
    }

    func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) throws {
        guard let first = series.minutes.first, let last = series.minutes.last else { return }
        let id = try functionID(key)
        let total = series.values.reduce(0, +)
        try insertSeries.execute(arguments: [id, series.metric, first, last, total, PointsEncoding.json(series), fileID])
    }

    func durations(_ key: FunctionKey, _ r: DurationPercentiles) throws {
        let id = try functionID(key)
        let p = r.percentilesMs
        insertDurations.setUncheckedArguments([id, r.day, r.averageMs, r.count, r.minimumMs, r.maximumMs,
                                               p[0], p[1], p[2], p[3], p[4], p[5], p[6], fileID])
        try insertDurations.execute()
    }

    func memory(app: String, owner: String?, _ r: MemoryPercentiles) throws {
        let id = try appID(app, owner: owner)
        let p = r.percentilesMB
        insertMemory.setUncheckedArguments([id, r.day, r.sampleCount, r.averageMB,
                                            p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], fileID])
        try insertMemory.execute()
    }

    func invocation(_ key: FunctionKey, _ r: Invocation) throws {
        // Runs of one function are the rule: its id without hashing the names again.
        if let last = lastInvocationKey, last.key == key { return try blocks.add(functionID: last.id, r) }
        let id = try functionID(key)
        lastInvocationKey = (key, id)
        try blocks.add(functionID: id, r)
    }

    func invocations(_ key: FunctionKey, _ calls: InvocationColumns) throws {
        if let last = lastInvocationKey, last.key == key { return try blocks.add(functionID: last.id, calls) }
        let id = try functionID(key)
        lastInvocationKey = (key, id)
        try blocks.add(functionID: id, calls)
    }

    /// Writes the file's last invocation blocks; called once the reader has read the whole file.
    func finish() throws {
        try blocks.finish()
    }
}
