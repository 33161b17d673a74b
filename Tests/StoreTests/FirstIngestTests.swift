import Foundation
import GRDB
import Testing
@testable import Store
import Traces

/// A database the store creates takes its first file in rollback-journal mode (each page written
/// once), then is in WAL mode like any other (`TraceStore.switchToWAL`).
@Suite(.serialized) struct FirstIngestTests {
    private static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-first-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Calls of three functions over two apps, with memory on some rows.
    private static func trace(rows: Int, seed: Int) -> String {
        var text = "timestamp,function,duration_ms,app,memory_mb\n"
        for i in 0..<rows {
            let f = (i * 7 + seed) % 3
            text += "\(Double(i) * 0.37 + Double(seed)),fn\(f),\((i * 13 + seed) % 900 + 1),app\(f % 2),\(i % 5 == 0 ? "512" : "")\n"
        }
        return text
    }

    /// Every row of the trace's tables (every column but the ingest time, blobs as bytes).
    private static func contents(_ store: TraceStore) throws -> [[[DatabaseValue]]] {
        try store.writer.read { db in
            try ["app", "function", "trace_file", "invocation_block"].map { table in
                let columns = try db.columns(in: table).map(\.name).filter { $0 != "ingested_at" && $0 != "path" }
                return try Row.fetchAll(db, sql: "SELECT rowid, \(columns.joined(separator: ", ")) FROM \(table) ORDER BY rowid")
                    .map { Array($0.databaseValues) }
            }
        }
    }

    private static func mode(_ store: TraceStore) throws -> (journal: String?, synchronous: Int?) {
        try store.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
    }

    /// Frames in the WAL: a file ingested in WAL mode leaves its pages there until a checkpoint
    /// (a small file does not reach the automatic one); one ingested in rollback mode, none.
    private static func framesInWAL(_ store: TraceStore) throws -> Int? {
        try store.writer.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)").map { $0[1] as Int }
        }
    }

    @Test func aNewDatabaseTakesItsFirstFileInRollbackModeThenIsInWALMode() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try (1...2).map { try Self.write(Self.trace(rows: 2_000, seed: $0), "t\($0).csv", in: dir) }
        let path = dir.appendingPathComponent("t.db").path
        let store = try TraceStore(path: path)
        #expect(store.firstFileOfNewDatabase && !store.rollbackMode)
        #expect(try Self.mode(store).journal == "wal", "the schema is written in WAL mode")
        _ = try store.ingest(path: files[0])
        let after = try Self.mode(store)
        #expect(after.journal == "wal" && after.synchronous == 1, "WAL with normal syncs: \(after)")
        #expect(!store.firstFileOfNewDatabase && !store.rollbackMode)
        #expect(try Self.framesInWAL(store) == 0, "the first file's pages went straight into the database")
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        _ = try store.ingest(path: files[1])
        #expect(try Self.framesInWAL(store) ?? 0 > 0, "the second file goes through the WAL")
        #expect(try store.writer.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == TraceStore.newPageSize)
        // A store opening an existing database ingests in WAL mode from its first file.
        let other = try Self.write(Self.trace(rows: 2_000, seed: 9), "t9.csv", in: dir)
        let second = try TraceStore(path: path)
        #expect(!second.firstFileOfNewDatabase)
        _ = try second.ingest(path: other)
        #expect(try Self.framesInWAL(second) ?? 0 > 0)
    }

    /// A new database that another store has open stays in WAL mode for its first file too.
    @Test func aNewDatabaseSharedFromTheStartTakesItsFirstFileInWALMode() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try Self.write(Self.trace(rows: 2_000, seed: 5), "t.csv", in: dir)
        let path = dir.appendingPathComponent("t.db").path
        let store = try TraceStore(path: path)
        let reader = try TraceStore(path: path)
        #expect(try reader.scalar("SELECT COUNT(*) FROM trace_file") == 0)
        _ = try store.ingest(path: file)
        #expect(try Self.framesInWAL(store) ?? 0 > 0)
        #expect(try reader.scalar("SELECT SUM(calls) FROM invocation_block") == 2_000)
    }

    @Test func theFirstFileIsStoredAsAnyOtherWouldBe() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try (1...3).map { try Self.write(Self.trace(rows: 3_000 + 500 * $0, seed: $0), "t\($0).csv", in: dir) }
        // Into a new database: the first file in rollback mode, the others in WAL mode.
        let fresh = try TraceStore(path: dir.appendingPathComponent("fresh.db").path)
        for file in files { _ = try fresh.ingest(path: file) }
        // Into a database made by a store that ingested nothing (left in WAL mode): every file in WAL mode.
        let walPath = dir.appendingPathComponent("wal.db").path
        do { _ = try TraceStore(path: walPath) }
        let wal = try TraceStore(path: walPath)
        #expect(try Self.mode(wal).journal == "wal")
        for file in files { _ = try wal.ingest(path: file) }
        #expect(try Self.contents(fresh) == Self.contents(wal))
        #expect(try Self.contents(fresh)[3].count >= 3)
    }

    @Test func aBadFirstFileLeavesTheNewDatabaseEmptyAndInWALMode() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = try Self.write(Self.trace(rows: 40_000, seed: 2) + "5,fn1,fast,app1,\n", "bad.csv", in: dir)
        let good = try Self.write(Self.trace(rows: 100, seed: 3), "good.csv", in: dir)
        let path = dir.appendingPathComponent("t.db").path
        let store = try TraceStore(path: path)
        #expect(throws: TraceError.self) { _ = try store.ingest(path: bad) }
        #expect(try Self.contents(store).allSatisfy(\.isEmpty), "nothing of the bad file")
        #expect(try Self.mode(store).journal == "wal")
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try store.writer.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        _ = try store.ingest(path: good)
        #expect(try store.scalar("SELECT SUM(calls) FROM invocation_block") == 100)
    }

    @Test func aReaderOfANewDatabaseReadsWhileItsFirstFileIsWrittenAndSeesItWhole() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.db").path
        let store = try TraceStore(path: path)
        store.switchToRollback()
        #expect(store.rollbackMode)
        nonisolated(unsafe) let writer = store
        let started = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        // A write held open in rollback mode, as the first file's ingest holds it.
        Thread.detachNewThread {
            _ = try? writer.writer.write { db in
                try db.execute(sql: "INSERT INTO app (key) VALUES ('first')")
                started.signal()
                Thread.sleep(forTimeInterval: 0.3)
            }
            finished.signal()
        }
        started.wait()
        // The reader cannot switch the database to WAL mode meanwhile; it reads in rollback mode,
        // without waiting, and sees what was committed: nothing yet.
        let reader = try TraceStore(path: path, wait: 0.05)
        #expect(reader.rollbackMode)
        #expect(try reader.scalar("SELECT COUNT(*) FROM app") == 0)
        finished.wait()
        #expect(try reader.scalar("SELECT COUNT(*) FROM app WHERE key = 'first'") == 1)
        // A second writer waits for the first, ingests, and leaves the database in WAL mode.
        let file = try Self.write(Self.trace(rows: 500, seed: 4), "t.csv", in: dir)
        let second = try TraceStore(path: path, wait: 30)
        _ = try second.ingest(path: file)
        #expect(try Self.mode(second).journal == "wal" && !second.rollbackMode)
        #expect(try reader.scalar("SELECT SUM(calls) FROM invocation_block") == 500)
    }
}
