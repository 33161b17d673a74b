import Foundation
import GRDB
import Testing

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-shared-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A Placer CSV of `rows` calls of `functions` functions named with `prefix`.
private func trace(_ dir: URL, _ name: String, rows: Int, functions: Int, prefix: String) throws -> String {
    var text = "timestamp,function,duration_ms\n"
    for i in 0..<rows { text += "\(Double(i) * 0.25),\(prefix)\(i % functions),\(i % 90 + 10)\n" }
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// This test process holding a write transaction on `path` (half a file written), as another
/// placer's running ingest would, until `release`.
private final class HeldWrite: @unchecked Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        Thread.detachNewThread { [self] in
            _ = try? queue.write { db in
                try db.execute(sql: "INSERT INTO app (key) VALUES ('half-written')")
                started.signal()
                released.wait()
            }
            finished.signal()
        }
        started.wait()
    }

    func release() {
        released.signal()
        finished.wait()
    }
}

@Suite(.serialized) struct SharedDatabaseCLITests {
    @Test func aSecondIngestWaitsThenExits75WhileReadersRead() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("shared.db").path
        let first = try trace(dir, "first.csv", rows: 400, functions: 4, prefix: "f")
        let second = try trace(dir, "second.csv", rows: 400, functions: 4, prefix: "g")
        #expect(try runPlacer(["ingest", "--db", db, first]).status == 0)
        let before = try runPlacer(["inspect", db])
        #expect(before.status == 0, "\(before.stderr)")

        let held = try HeldWrite(db)
        // Readers, in processes of their own, read meanwhile and see only whole files.
        let during = try runPlacer(["inspect", db])
        #expect(during.status == 0, "\(during.stderr)")
        #expect(during.stdout == before.stdout)
        let simulate = try runPlacer(["simulate", db, "--target", "aws-lambda-x86"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        // A second writer waits, then gives up: exit 75, one line, nothing written.
        let waited = Date()
        let blocked = try runPlacer(["ingest", "--db", db, "--wait", "0.5", second])
        #expect(Date().timeIntervalSince(waited) >= 0.5)
        #expect(blocked.status == 75)
        #expect(blocked.stderr == "error: another placer is writing \(db) (waited 0.5 s; --wait SECONDS or PLACER_DB_WAIT=SECONDS waits longer)\n")
        let byEnvironment = try runPlacer(["ingest", "--db", db, second], environment: ["PLACER_DB_WAIT": "0.2"])
        #expect(byEnvironment.status == 75)
        #expect(byEnvironment.stderr.hasPrefix("error: another placer is writing \(db) (waited 0.2 s;"))
        held.release()

        let after = try runPlacer(["ingest", "--db", db, second])
        #expect(after.status == 0, "\(after.stderr)")
        let grown = try runPlacer(["inspect", db])
        #expect(grown.stdout != before.stdout && grown.stdout.contains("functions      8"), "\(grown.stdout)")
    }

    @Test func aWaitThatIsNotANumberIsAUsageError() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("t.db").path
        let file = try trace(dir, "t.csv", rows: 10, functions: 1, prefix: "f")
        let run = try runPlacer(["ingest", "--db", db, file], environment: ["PLACER_DB_WAIT": "soon"])
        #expect(run.status == 64)
        #expect(run.stderr == "error: PLACER_DB_WAIT must be a number of seconds between 0 and 86400, not \"soon\"\n")
        #expect(try runPlacer(["ingest", "--db", db, "--wait", "-1", file]).status == 64)
    }

    @Test func aCorruptDatabaseExits65WithSQLitesDiagnosis() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("broken.db").path
        let file = try trace(dir, "big.csv", rows: 60_000, functions: 300, prefix: "f")
        #expect(try runPlacer(["ingest", "--db", db, file]).status == 0)
        // The last connection's close folded the WAL into the file; damage the second half of
        // it (the invocation blocks' pages, far from the schema's).
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        let handle = try #require(FileHandle(forUpdatingAtPath: db))
        let size = Int(try handle.seekToEnd())
        let from = size / 2 / 4096 * 4096
        try handle.seek(toOffset: UInt64(from))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: size - from - 4096))
        try handle.close()
        // Reading the calls meets the damage. Ingesting another file reads only the schema, the
        // keys and the blocks' index, which SQLite may find intact (its damage is then met by the
        // next read, checked after the loop), or not (the same diagnosis).
        let more = ["ingest", "--db", db, try trace(dir, "more.csv", rows: 10, functions: 1, prefix: "h")]
        let ingest = try runPlacer(more)
        #expect(!ingest.stderr.contains("Fatal error") && !ingest.killedBySignal)
        for command in [["inspect", db], ["simulate", db, "--target", "aws-lambda-x86"]] + (ingest.status == 0 ? [] : [more]) {
            let run = try runPlacer(command)
            #expect(run.status == 65, "\(command[0]): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.first?.hasPrefix("error: \(db): the database is corrupt: ") == true, "\(command[0]): \(run.stderr)")
            #expect(lines.allSatisfy { $0.hasPrefix("error: ") || $0.hasPrefix("note: sqlite: ") }, "\(run.stderr)")
            #expect(!run.stderr.contains("Fatal error") && !run.killedBySignal)
        }
    }

    @Test func aDatabaseFromANewerPlacerIsRefusedWithItsVersion() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("newer.db").path
        #expect(try runPlacer(["ingest", "--db", db, try trace(dir, "t.csv", rows: 10, functions: 1, prefix: "f")]).status == 0)
        try DatabaseQueue(path: db).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        let run = try runPlacer(["inspect", db])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error: \(db): written by a newer Placer (database schema v99); this Placer reads up to schema v"))
        #expect(run.stderr.hasSuffix(": use a newer Placer, or ingest the trace into another --db\n"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}
