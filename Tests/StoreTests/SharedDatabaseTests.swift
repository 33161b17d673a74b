import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import Store
import Traces

private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TracesTests/Fixtures").appendingPathComponent(name).path
}

private func databasePath() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-shared-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("trace.db").path
}

/// A write transaction held open on its own connection (as another placer's ingest would hold
/// it), half a file written, until `release`.
private final class HeldWrite: @unchecked Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(_ store: TraceStore, releaseAfter seconds: Double? = nil) {
        // Used on that thread alone until `release` (a store is one connection, not shared).
        nonisolated(unsafe) let store = store
        Thread.detachNewThread { [self] in
            _ = try? store.writer.write { db in
                try db.execute(sql: "INSERT INTO app (key) VALUES ('half-written')")
                try db.execute(sql: "INSERT INTO function (app_id, key) VALUES (last_insert_rowid(), 'half')")
                started.signal()
                if let seconds { Thread.sleep(forTimeInterval: seconds) } else { released.wait() }
            }
            finished.signal()
        }
        started.wait()
    }

    /// Commits the held transaction and waits until it has.
    func release() {
        released.signal()
        finished.wait()
    }

    func waitUntilCommitted() { finished.wait() }
}

@Suite(.serialized) struct SharedDatabaseTests {
    @Test func aSecondWriterWaitsThenGivesUpWhileAReaderReadsWholeFiles() throws {
        let path = try databasePath()
        let first = try TraceStore(path: path)
        _ = try first.ingest(path: fixture("invocations.csv"))
        let before = try first.tableCounts()
        #expect(try first.reading { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")

        let held = HeldWrite(first)
        // A reader opened meanwhile reads, and sees only the committed files: not the half-written one.
        let reader = try TraceStore(path: path, wait: 0.2)
        #expect(try reader.tableCounts() == before)
        #expect(try reader.replayTrace().functions.count == before["function"])
        // A second writer waits for the lock, then gives up as busy, having written nothing.
        let waited = Date()
        #expect(throws: StoreError.busy(path: path, waited: 0.3)) {
            try TraceStore(path: path, wait: 0.3).ingest(path: fixture("invocations-iso.csv"))
        }
        #expect(Date().timeIntervalSince(waited) >= 0.29)
        held.release()
        // Once committed, a new read sees the whole of it.
        #expect(try reader.tableCounts()["app"] == before["app"]! + 1)
        #expect(try reader.tableCounts()["function"] == before["function"]! + 1)
    }

    @Test func aWaitingWriterGoesOnOnceTheFirstCommits() throws {
        let path = try databasePath()
        let first = try TraceStore(path: path)
        let held = HeldWrite(first, releaseAfter: 0.3)
        let second = try TraceStore(path: path, wait: 30)
        let outcome = try second.ingest(path: fixture("invocations.csv"))
        guard case .ingested(let summary) = outcome else { Issue.record("not ingested: \(outcome)"); return }
        held.waitUntilCommitted()
        #expect(try second.scalar("SELECT COALESCE(SUM(calls), 0) FROM invocation_block") == Double(summary.rows))
        #expect(try second.scalar("SELECT COUNT(*) FROM app WHERE key = 'half-written'") == 1)
    }

    @Test func aDatabaseFromANewerPlacerIsRefusedWithItsVersion() throws {
        let path = try databasePath()
        do {
            let store = try TraceStore(path: path)
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
            }
        }
        #expect(throws: StoreError.newerSchema(path: path, version: 99, supported: Schema.version)) { _ = try TraceStore(path: path) }
        let message = StoreError.newerSchema(path: path, version: 2, supported: 1).description
        #expect(message == "\(path): written by a newer Placer (database schema v2); this Placer reads up to schema v1: "
            + "use a newer Placer, or ingest the trace into another --db")
    }

    @Test func aCorruptDatabaseGivesSQLitesDiagnosisNotACrash() throws {
        let path = try databasePath()
        do {
            let store = try TraceStore(path: path)
            _ = try store.ingest(path: fixture("invocations.csv"))
            for _ in 0..<3 { _ = try store.ingest(path: try bigTrace()) }
            // Fold the WAL into the file, so the damage below lands on the pages read.
            try store.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let pageSize = 4096
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size > UInt64(8 * pageSize))
        // The second half of the file (the invocation table's pages, far from the schema's)
        // overwritten, page-aligned.
        let from = Int(size) / 2 / pageSize * pageSize
        try handle.seek(toOffset: UInt64(from))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: Int(size) - from - pageSize))
        try handle.close()

        var caught: StoreError?
        do {
            let store = try TraceStore(path: path)
            _ = try store.tableCounts()
            _ = try store.replayTrace()
        } catch let error as StoreError { caught = error }
        guard case .corrupt(let reported, let diagnosis) = caught else { Issue.record("not reported as corrupt: \(String(describing: caught))"); return }
        #expect(reported == path)
        #expect(!diagnosis.isEmpty && diagnosis.count <= IntegrityCheck.maximumLines)
        // SQLite's own words, from PRAGMA integrity_check on the same file (a bare connection:
        // GRDB's own check of the schema at open fails on this file).
        var connection: OpaquePointer?
        #expect(sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        defer { sqlite3_close(connection) }
        var statement: OpaquePointer?
        #expect(sqlite3_prepare_v2(connection, "PRAGMA integrity_check(6)", -1, &statement, nil) == SQLITE_OK)
        var expected: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW { expected.append(String(cString: sqlite3_column_text(statement, 0))) }
        sqlite3_finalize(statement)
        #expect(expected.first != "ok" && !expected.isEmpty)
        #expect(diagnosis == IntegrityCheck.problems(expected))
        #expect(diagnosis.allSatisfy { !$0.isEmpty && !$0.contains("\n") })
        #expect(caught?.description.contains("the database is corrupt: \(diagnosis[0])") == true)
    }

    @Test func aFileThatIsNotADatabaseIsNotCalledCorrupt() throws {
        let path = try databasePath()
        try Data("hello, this is text, not SQLite, and long enough to have a header of sorts\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.unusableDatabase(path: path, reason: "file is not a database")) { _ = try TraceStore(path: path) }
    }
}

/// A Placer CSV of 20,000 rows over 200 functions (many pages).
private func bigTrace() throws -> String {
    var text = "timestamp,function,duration_ms\n"
    let salt = UUID().uuidString.prefix(8)
    for i in 0..<20_000 { text += "\(i),f\(salt)\(i % 200),\(i % 97 + 1)\n" }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("placer-big-\(UUID().uuidString).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}
