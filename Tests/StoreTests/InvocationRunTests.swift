import Foundation
import Testing
import GRDB
@testable import Store
import Traces

/// Per-invocation CSV reaches the store in runs of columns (`TraceSink.invocations`) and blocks
/// are written by incremental blob I/O (docs/performance.md, "Third pass"): the database must be
/// the one the call-by-call path wrote, row for row and byte for byte.
@Suite struct InvocationRunTests {
    private static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every row of `table` (every column, blobs as bytes), in rowid order.
    private static func rows(_ store: TraceStore, _ table: String, without: Set<String> = []) throws -> [[DatabaseValue]] {
        try store.writer.read { db in
            let columns = try db.columns(in: table).map(\.name).filter { !without.contains($0) }
            return try Row.fetchAll(db, sql: "SELECT rowid, \(columns.joined(separator: ", ")) FROM \(table) ORDER BY rowid")
                .map { row in Array(row.databaseValues) }
        }
    }

    private static func prepare(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO trace_file (id, name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
            VALUES (1, 'a', 'a', 'invocations', 'invocations', 'relative', 1, 'x', 0, 0, '');
            INSERT INTO app (id, key) VALUES (1, 'a');
            INSERT INTO function (id, app_id, key) VALUES (1, 1, 'f'), (2, 1, 'g'), (3, 1, 'h');
            """)
    }

    /// Random runs of three functions, some columns given on some calls only (and on none of a
    /// run, or of a block), written as runs and call by call at several block capacities (one past
    /// the point where a buffer reserves its whole block): the same blocks.
    @Test func runsWriteTheBlocksCallByCallWould() throws {
        for seed in UInt64(1)...16 {
            var random = SeededRandom(seed: seed)
            let capacity = [3, 7, 64, 1000, 100_000][Int(seed) % 5]
            let byRuns = try TraceStore(), byCalls = try TraceStore()
            try byRuns.writer.write { try Self.prepare($0) }
            try byCalls.writer.write { try Self.prepare($0) }
            let chance = [0.0, 0.05, 0.5, 1.0]
            let (memory, initMs, cpu, cold) = (chance[random.int(below: 4)], chance[random.int(below: 4)],
                                               chance[random.int(below: 4)], chance[random.int(below: 4)])
            var runs: [(Int64, [Invocation])] = []
            for _ in 0..<(1 + random.int(below: 12)) {
                let size = seed == 5 ? 70_000 : 1 + random.int(below: 300)
                let calls = (0..<size).map { _ in
                    Invocation(startSeconds: Double(random.int(below: 1000)) / 4, durationMs: Double(1 + random.int(below: 9)),
                               memoryMB: random.bernoulli(memory) ? Double(128 << random.int(below: 3)) : nil,
                               initMs: random.bernoulli(initMs) ? Double(random.int(below: 500)) : nil,
                               cpuMs: random.bernoulli(cpu) ? Double(random.int(below: 50)) : nil,
                               cold: random.bernoulli(cold) ? random.bernoulli(0.5) : nil)
                }
                runs.append((Int64(1 + random.int(below: 3)), calls))
            }
            try byRuns.writer.write { db in
                var writer = try BlockWriter(db: db, fileID: 1, capacity: capacity)
                for (function, calls) in runs {
                    try Self.withColumns(calls) { try writer.add(functionID: function, $0) }
                }
                try writer.finish()
            }
            try byCalls.writer.write { db in
                var writer = try BlockWriter(db: db, fileID: 1, capacity: capacity)
                for (function, calls) in runs { for call in calls { try writer.add(functionID: function, call) } }
                try writer.finish()
            }
            let expected = try Self.rows(byCalls, "invocation_block")
            #expect(try Self.rows(byRuns, "invocation_block") == expected, "seed \(seed), capacity \(capacity)")
            #expect(!expected.isEmpty)
        }
    }

    /// `calls` as the columns a reader hands on (NaN where a call has no value, nil columns
    /// where none has one).
    private static func withColumns(_ calls: [Invocation], _ body: (InvocationColumns) throws -> Void) throws {
        func column(_ value: (Invocation) -> Double?) -> [Double]? {
            calls.contains { value($0) != nil } ? calls.map { value($0) ?? .nan } : nil
        }
        let starts = calls.map { $0.startSeconds ?? 0 }, durations = calls.map(\.durationMs)
        let memory = column(\.memoryMB), initMs = column(\.initMs), cpu = column(\.cpuMs), cold = column { $0.cold.map { $0 ? 1 : 0 } }
        // Copies that live for the call.
        let buffers = [starts, durations, memory, initMs, cpu, cold].map { values -> UnsafeMutableBufferPointer<Double>? in
            guard let values else { return nil }
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let view = buffers.map { $0.map { UnsafeBufferPointer(start: $0.baseAddress, count: calls.count) } }
        try body(InvocationColumns(count: calls.count, starts: view[0]!, durationsMs: view[1]!, memoryMB: view[2],
                                   initMs: view[3], cpuMs: view[4], cold: view[5]))
    }

    /// Every sink call a reader makes, in order, replayed call by call into a store's sink: what
    /// the store held before runs.
    private final class Recording: TraceSink {
        enum Event { case function(FunctionKey, String?, Trigger?), invocation(FunctionKey, Invocation) }
        var events: [Event] = []
        func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws { events.append(.function(key, owner, trigger)) }
        func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) throws {}
        func durations(_ key: FunctionKey, _ record: DurationPercentiles) throws {}
        func memory(app: String, owner: String?, _ record: MemoryPercentiles) throws {}
        func invocation(_ key: FunctionKey, _ record: Invocation) throws { events.append(.invocation(key, record)) }
    }

    private static func callByCall(_ path: String) throws -> TraceStore {
        let recording = Recording()
        _ = try TraceFileReader.read(path: path, into: recording)
        let store = try TraceStore()
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO trace_file (name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
                VALUES ('x', 'x', '', '', '', 0, 'x', 0, 0, '')
                """)
            let sink = try StoreSink(db: db, fileID: db.lastInsertedRowID)
            for event in recording.events {
                switch event {
                case .function(let key, let owner, let trigger): try sink.function(key, owner: owner, trigger: trigger)
                case .invocation(let key, let call): try sink.invocation(key, call)
                }
            }
            try sink.finish()
        }
        return store
    }

    /// Random per-invocation files (runs longer than a reader's run of 4,096 calls, switches of
    /// function and app, an account column, columns given on some rows only) ingested: the same
    /// apps, functions and blocks as the reader's calls written one by one.
    @Test func anIngestedFileIsWhatCallByCallWrote() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for seed in UInt64(1)...6 {
            var random = SeededRandom(seed: seed)
            let withAccount = seed % 2 == 0
            var text = "timestamp,function,duration_ms,app,memory_mb,cpu_ms,cold\(withAccount ? ",account" : "")\n"
            var function = 0
            for row in 0..<(6_000 + random.int(below: 9_000)) {
                if random.int(below: 2_000) == 0 { function = random.int(below: 5) }
                let memory = row > 3_000 && random.bernoulli(0.3) ? "\(128 << random.int(below: 3))" : ""
                let cpu = random.bernoulli(0.01) ? "\(random.int(below: 40))" : ""
                let cold = row % 5_000 > 4_000 ? ["0", "1", ""][random.int(below: 3)] : ""
                let app = function == 4 ? "" : "app\(function % 2)"
                text += "\(Double(random.int(below: 86_400_000)) / 1000),fn\(function),\(1 + random.int(below: 900)),\(app),\(memory),\(cpu),\(cold)"
                text += withAccount ? (app.isEmpty ? ",\n" : ",team\(function % 2)\n") : "\n"
            }
            let path = dir.appendingPathComponent("runs-\(seed).csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let store = try TraceStore()
            _ = try store.ingest(path: path)
            let reference = try Self.callByCall(path)
            for table in ["app", "function", "invocation_block"] {
                #expect(try Self.rows(store, table) == (try Self.rows(reference, table)), "seed \(seed): \(table)")
            }
        }
    }

    /// A function whose first row names an account after another function's run gets the next id,
    /// as when every call reached the store on its own.
    @Test func idsFollowTheFilesOrderAcrossRunsAndAccounts() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("order.csv").path
        try Data("""
            timestamp,function,duration_ms,app,account
            1,f,10,a,
            2,g,10,b,team
            3,f,10,a,
            4,h,10,b,team
            """.utf8).write(to: URL(fileURLWithPath: path))
        let store = try TraceStore()
        _ = try store.ingest(path: path)
        let functions = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT f.id, f.key, a.key AS app, a.owner FROM function f JOIN app a ON a.id = f.app_id ORDER BY f.id")
                .map { "\($0["id"] as Int64) \($0["key"] as String) \($0["app"] as String) \(($0["owner"] as String?) ?? "-")" }
        }
        #expect(functions == ["1 f a -", "2 g b team", "3 h b team"])
    }

    /// A bad row after a full block was written (by blob I/O, mid-file) and after runs were handed
    /// to the store: the file's transaction rolls back, and the database is as it was, the file
    /// before it kept whole.
    @Test func aBadRowAfterAFullBlockLeavesTheDatabaseAsItWas() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.csv").path
        try Data("timestamp,function,duration_ms\n1,f,10\n2,g,20\n".utf8).write(to: URL(fileURLWithPath: good))
        var text = "timestamp,function,duration_ms\n"
        text.reserveCapacity(InvocationBlocks.capacity * 12)
        for i in 0..<(InvocationBlocks.capacity + 5_000) { text += "\(i),f,1\n" }
        text += "1,f,fast\n"
        let bad = dir.appendingPathComponent("bad.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: bad))
        let path = dir.appendingPathComponent("t.db").path
        let store = try TraceStore(path: path)
        _ = try store.ingest(path: good)
        let before = try ["app", "function", "trace_file", "invocation_block"].map { try Self.rows(store, $0) }
        #expect(throws: TraceError.self) { _ = try store.ingest(path: bad) }
        let after = try ["app", "function", "trace_file", "invocation_block"].map { try Self.rows(store, $0) }
        #expect(after == before)
        #expect(try store.writer.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == TraceStore.newPageSize)
    }
}
