import Foundation
import Testing
import GRDB
@testable import Store
import Traces

private func fixture(_ name: String) -> String {
    // The Traces test fixtures, shared rather than copied.
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TracesTests/Fixtures").appendingPathComponent(name).path
}

private func temporaryFile(_ name: String, _ contents: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

private func ingested(_ outcome: IngestOutcome) -> ReadSummary? {
    if case .ingested(let summary) = outcome { return summary }
    return nil
}

@Suite struct StoreTests {
    @Test func azure2019DaysJoinThroughTheHashes() throws {
        let store = try TraceStore()
        for kind in ["invocations_per_function_md", "function_durations_percentiles", "app_memory_percentiles"] {
            _ = try store.ingest(path: fixture("azure2019/\(kind).anon.d01.csv"))
        }
        #expect(try store.scalar("SELECT COUNT(*) FROM function") == 3)
        #expect(try store.scalar("SELECT COUNT(*) FROM app") == 2)
        #expect(try store.scalar("SELECT owner = 'o1' FROM app WHERE key = 'a1'") == 1)
        // The view expands the sparse series to one row per non-empty minute.
        #expect(try store.scalar("SELECT COUNT(*) FROM minute_value") == 6)
        #expect(try store.scalar("SELECT value FROM minute_value v JOIN function f ON f.id = v.function_id WHERE f.key = 'f1' AND minute = 1439") == 7)
        #expect(try store.scalar("SELECT SUM(total) FROM minute_series") == 113)
        // Durations joined by function, memory by app.
        #expect(try store.scalar("""
            SELECT d.p50_ms FROM duration_percentiles d JOIN function f ON f.id = d.function_id
            JOIN app a ON a.id = f.app_id WHERE a.key = 'a2' AND f.key = 'f3'
            """) == 20)
        #expect(try store.scalar("SELECT minimum_ms IS NULL FROM duration_percentiles d JOIN function f ON f.id = d.function_id WHERE f.key = 'f2'") == 1)
        #expect(try store.scalar("SELECT trigger = 'queue' FROM function WHERE key = 'f3'") == 1)
    }

    @Test func memoryFallsBackToTheNearestDay() throws {
        let store = try TraceStore()
        let header = "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n"
        _ = try store.ingest(path: try temporaryFile("app_memory_percentiles.anon.d11.csv", header + "o,a,1,110,1,2,3,4,5,6,7,8\n"))
        _ = try store.ingest(path: try temporaryFile("app_memory_percentiles.anon.d12.csv", header + "o,a,1,120,1,2,3,4,5,6,7,8\n"))
        #expect(try store.memory(appKey: "a", day: 12)?.averageMB == 120)
        #expect(try store.memory(appKey: "a", day: 13)?.averageMB == 120)
        #expect(try store.memory(appKey: "a", day: 1)?.averageMB == 110)
        #expect(try store.memory(appKey: "b", day: 1) == nil)
    }

    @Test func sameContentIsIngestedOnce() throws {
        let store = try TraceStore()
        let path = fixture("azure2021.csv")
        #expect(ingested(try store.ingest(path: path))?.rows == 3)
        let copy = try temporaryFile("renamed.csv", try String(contentsOfFile: path, encoding: .utf8))
        guard case .alreadyIngested(let previous) = try store.ingest(path: copy) else {
            Issue.record("a copy of an ingested file was ingested again")
            return
        }
        #expect(previous == "azure2021.csv")
        #expect(try store.scalar("SELECT SUM(calls) FROM invocation_block") == 3)
        // Same size, different content: still ingested.
        let sameSize = try temporaryFile("other.csv", try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "a2", with: "a3"))
        #expect(ingested(try store.ingest(path: sameSize)) != nil)
    }

    @Test func aBadFileLeavesTheDatabaseAsItWas() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dbPath = folder.appendingPathComponent("t.db").path
        let store = try TraceStore(path: dbPath)
        _ = try store.ingest(path: fixture("invocations.csv"))
        let before = try store.tableCounts()
        // Good rows first, then a bad one deep in the file: nothing of it may remain.
        let rows = (0..<500).map { "\($0),fn\($0 % 7),\($0 % 13)" }.joined(separator: "\n")
        let bad = try temporaryFile("bad.csv", "timestamp,function,duration_ms\n\(rows)\n501,x,oops\n")
        #expect(throws: TraceError.self) { try store.ingest(path: bad) }
        #expect(try store.tableCounts() == before)
        // Reopening the file shows the same.
        #expect(try TraceStore(path: dbPath).tableCounts() == before)
    }

    @Test func skippedRowsAreCountedAndTheRestKept() throws {
        let store = try TraceStore()
        let path = try temporaryFile("x.csv", "timestamp,function,duration_ms\n1,a,2\n2,b,x\n3,c,4\n")
        let summary = try #require(ingested(try store.ingest(path: path, options: ReadOptions(skipInvalidRows: true))))
        #expect(summary.rows == 2 && summary.skipped == ["non-numeric value": 1])
        #expect(try store.scalar("SELECT skipped_rows FROM trace_file") == 1)
        #expect(try store.scalar("SELECT SUM(calls) FROM invocation_block") == 2)
    }

    @Test func oneDatabaseHoldsOneClock() throws {
        let store = try TraceStore()
        _ = try store.ingest(path: fixture("invocations-iso.csv"))
        #expect(throws: TraceError.self) { try store.ingest(path: fixture("azure2021.csv")) }
        #expect(try store.scalar("SELECT COUNT(*) FROM trace_file") == 1)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedClearly() throws {
        let path = try temporaryFile("notes.db", "hello, this is text\n")
        #expect(!TraceStore.isDatabase(path: path))
        #expect(throws: StoreError.self) { _ = try TraceStore(path: path) }
    }
}

@Suite struct SummaryTests {
    /// A per-invocation trace in two files, out of order: its span runs from the first start to
    /// the latest end, its duration percentiles are of every call (type 7, as numpy), its memory percentiles of the calls that say (all 256 MB).
    @Test func perInvocationFiguresByHand() throws {
        var first = "timestamp,function,duration_ms,app,memory_mb\n", second = "timestamp,function,duration_ms,app\n"
        for d in 1...100 { first += "\(400 - d),f\(d % 3),\(d),a,\(d % 40 == 0 ? "256" : "")\n" }
        second += "10,g,101,b\n500,f0,2000,a\n"
        let store = try TraceStore()
        _ = try store.ingest(path: try temporaryFile("one.csv", first))
        _ = try store.ingest(path: try temporaryFile("two.csv", second))
        let s = try store.summary()
        #expect(s.durationBasis == "per invocation")
        // 102 calls: 1…101 ms and one of 2,000 ms; numpy's percentiles, to the 3 significant digits kept.
        let expected = [2.01, 26.25, 51.5, 76.75, 91.9, 100.99]
        #expect(s.durationPercentilesMs.count == 6)
        for (got, want) in zip(s.durationPercentilesMs, expected) { #expect(abs(got - want) <= want * 1e-3, "\(got) against \(want)") }
        #expect(s.memoryBasis == "configured, per invocation" && s.memoryPercentilesMB == [Double](repeating: 256, count: 6))
        #expect(s.startSeconds == 10 && s.spanSeconds == 502 - 10)
        #expect(s.invocationsWithoutTime == 0)
    }

    /// Four apps over one day: by hand, 2 are invoked at most hourly (≤ 24 a day), 3 at most once a
    /// minute (≤ 1,440), 1 at least once a minute, and that one makes 2,880 of 3,006 invocations.
    @Test func shapeFiguresByHand() throws {
        let store = try TraceStore()
        var rows: [String] = []
        func row(_ app: String, _ trigger: String, _ counts: [Int: Int]) {
            var cells = Array(repeating: "0", count: 1440)
            for (minute, n) in counts { cells[minute - 1] = String(n) }
            rows.append("o,\(app),f-\(app),\(trigger)," + cells.joined(separator: ","))
        }
        row("quiet", "timer", [1: 1, 600: 1])                       // 2
        row("hourly", "http", Dictionary(uniqueKeysWithValues: (1...24).map { ($0 * 60, 1) }))  // 24
        row("busyish", "queue", [5: 60, 6: 40])                     // 100
        row("busy", "http", Dictionary(uniqueKeysWithValues: (1...1440).map { ($0, 2) }))       // 2880
        let header = "HashOwner,HashApp,HashFunction,Trigger," + (1...1440).map(String.init).joined(separator: ",")
        _ = try store.ingest(path: try temporaryFile("invocations_per_function_md.anon.d01.csv", header + "\n" + rows.joined(separator: "\n") + "\n"))
        let s = try store.summary()
        #expect(s.apps == 4 && s.functions == 4 && s.invocations == 3006)
        #expect(s.spanSeconds == 86_400 - 0)
        #expect(s.appsAtMostHourly == 0.5)
        #expect(s.appsAtMostPerMinute == 0.75)
        #expect(s.appsAtLeastPerMinute == 0.25)
        #expect(abs(s.invocationsFromPerMinuteApps - 2880.0 / 3006) < 1e-12)
        #expect(s.triggers.first { $0.trigger == "http" }?.functions == 2)
        #expect(s.triggers.first { $0.trigger == "http" }?.invocations == 2904)
    }

    /// A function's minute series from several files are joined in minute order, counts of a
    /// minute two files both hold added up; functions never mix, whatever order their rows come in.
    @Test func minuteSeriesJoinAcrossFilesPerFunction() throws {
        let store = try TraceStore()
        let header = "HashOwner,HashApp,HashFunction,Trigger," + (1...1440).map(String.init).joined(separator: ",")
        func file(_ day: Int, _ rows: [(String, [Int: Int])]) throws -> String {
            let lines = rows.map { app, counts in
                var cells = Array(repeating: "0", count: 1440)
                for (minute, n) in counts { cells[minute - 1] = String(n) }
                return "o,\(app),f-\(app),http," + cells.joined(separator: ",")
            }
            return try temporaryFile("invocations_per_function_md.anon.d0\(day).csv", header + "\n" + lines.joined(separator: "\n") + "\n")
        }
        _ = try store.ingest(path: try file(2, [("a", [1: 5, 1440: 6]), ("c", [7: 1])]))
        _ = try store.ingest(path: try file(1, [("b", [3: 2]), ("a", [2: 3, 10: 4])]))
        // A second file of day 1: a's minute 10 again, and minute 11.
        _ = try store.ingest(path: try file(1, [("a", [10: 1, 11: 9])]))
        let trace = try store.replayTrace()
        func series(_ app: String) -> [[Int32]] {
            let f = trace.functions.first { $0.key.app == app }!
            return [f.minutes, f.counts]
        }
        #expect(series("a") == [[1, 9, 10, 1440, 2879], [3, 5, 9, 5, 6]])
        #expect(series("b") == [[2], [2]])
        #expect(series("c") == [[1446], [1]])
    }

    @Test func huaweiDelaysAreWeightedByRequests() throws {
        let store = try TraceStore()
        _ = try store.ingest(path: fixture("huawei/requests_minute/day_000.csv"))
        _ = try store.ingest(path: fixture("huawei/function_delay_minute/day_000.csv"))
        let s = try store.summary()
        // Delays 10 (2 requests), 12.5 (1 request), 30 (3 requests): the 3rd of 6 requests waited
        // 12.5 ms (p50), the 5th 30 ms (p75), read to 3 significant digits (at most 0.1 % above).
        func near(_ got: Double, _ want: Double) -> Bool { got >= want && got <= want * (1 + 1.0 / 1024) }
        #expect(s.durationBasis.contains("function delay"))
        #expect(near(s.durationPercentilesMs[0], 10))
        #expect(near(s.durationPercentilesMs[2], 12.5))
        #expect(s.durationPercentilesMs[3] == 30, "the largest delay, read exactly")
    }
}

/// `v2: invocation.cold`: the cold flag stored, and a database written before it migrated.
@Suite struct ColdFlagTests {
    @Test func aLambdaLogStoresWhichCallsWereCold() throws {
        let log = try temporaryFile("fn.log", """
            2024-07-15T09:30:00.250Z REPORT RequestId: a\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tInit Duration: 120.00 ms
            2024-07-15T09:31:00.250Z REPORT RequestId: b\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB

            """)
        let store = try TraceStore()
        _ = try store.ingest(path: log)
        let observed = try store.observedCalls()
        #expect(observed.count == 1)
        #expect(observed[0].cold == [true, false])
        #expect(observed[0].initMs == [120, nil])
    }

    @Test func aCSVWithoutColdOrInitSaysNothing() throws {
        let csv = try temporaryFile("calls.csv", "timestamp,function,duration_ms\n0,f,10\n5,f,10\n")
        let store = try TraceStore()
        _ = try store.ingest(path: csv)
        #expect(try store.observedCalls().isEmpty)
        #expect(try store.scalar("SELECT COUNT(*) FROM invocation_block WHERE cold IS NULL") == 1, "no cold column stored")
    }

    @Test func aDatabaseWrittenBeforeTheColdColumnIsMigrated() throws {
        let path = try temporaryFile("old.db", "")
        try FileManager.default.removeItem(atPath: path)
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v1: traces")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO trace_file (id, name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
                    VALUES (1, 'a.log', 'a.log', 'lambda-log', 'invocations', 'epoch', 1, 'x', 2, 0, ''),
                           (2, 'b.csv', 'b.csv', 'invocations', 'invocations', 'relative', 1, 'y', 1, 0, '');
                    INSERT INTO app (id, key) VALUES (1, 'f');
                    INSERT INTO function (id, app_id, key) VALUES (1, 1, 'f');
                    INSERT INTO invocation (function_id, start_s, duration_ms, init_ms, file_id)
                    VALUES (1, 0, 10, 120, 1), (1, 60, 10, NULL, 1), (1, 120, 10, NULL, 2);
                    """)
            }
        }
        let store = try TraceStore(path: path)
        // The log's two calls say cold or warm; the CSV's call says nothing, so it is left out.
        let observed = try store.observedCalls()
        #expect(observed.first?.cold == [true, false])
        #expect(observed.first?.starts == [0, 60])
        #expect(try store.scalar("SELECT SUM(calls) FROM invocation_block") == 3)
    }
}
