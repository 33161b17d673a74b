import Foundation
import Testing
import GRDB
@testable import Store
import Traces

private func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-blocks-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// What a replay must read: per function, its timed calls as the files give them, ordered by
/// (start, duration) (ties in the order the files and their lines give them), the largest
/// configured memory, and CPU summed over the calls that give it. Read from the files themselves,
/// not from the store.
private struct Reference: Equatable {
    var starts: [Double] = []
    var durations: [Double] = []
    var memoryMB: Double?
    var cpuMs = 0.0
    var cpuRowsDurationMs = 0.0
}

/// Every call the trace files hold, by "app/function", in the files' order.
private final class CollectingCalls: TraceSink {
    var calls: [String: [Invocation]] = [:]
    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws {}
    func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) throws {}
    func durations(_ key: FunctionKey, _ record: DurationPercentiles) throws {}
    func memory(app: String, owner: String?, _ record: MemoryPercentiles) throws {}
    func invocation(_ key: FunctionKey, _ record: Invocation) throws { calls[key.app + "/" + key.function, default: []].append(record) }
}

private func referenceRead(files: [String]) throws -> [String: Reference] {
    let sink = CollectingCalls()
    for file in files { _ = try TraceFileReader.read(path: file, options: ReadOptions(), into: sink) }
    var out: [String: Reference] = [:]
    for (key, calls) in sink.calls {
        let timed = calls.enumerated().filter { $0.element.startSeconds != nil }
            .sorted { ($0.element.startSeconds!, $0.element.durationMs, $0.offset) < ($1.element.startSeconds!, $1.element.durationMs, $1.offset) }
            .map(\.element)
        guard !timed.isEmpty else { continue }
        var r = Reference()
        for call in timed {
            r.starts.append(call.startSeconds!)
            r.durations.append(call.durationMs)
            if let mb = call.memoryMB { r.memoryMB = max(r.memoryMB ?? 0, mb) }
            if let cpu = call.cpuMs { r.cpuMs += cpu; r.cpuRowsDurationMs += call.durationMs }
        }
        out[key] = r
    }
    return out
}

private func blockRead(_ store: TraceStore) throws -> [String: Reference] {
    var out: [String: Reference] = [:]
    for f in try store.replayTrace().functions where !f.starts.isEmpty {
        out[f.key.app + "/" + f.key.function] = Reference(starts: f.starts, durations: f.durationsMs, memoryMB: f.configuredMemoryMB,
                                                           cpuMs: f.cpuMs, cpuRowsDurationMs: f.cpuRowsDurationMs)
    }
    return out
}

/// Invocation blocks give a replay exactly the calls of the files, in order.
@Suite struct InvocationBlockTests {
    @Test func crafted() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Out of order, ties in start (broken by duration), equal calls, two functions of one
        // app and one of its own, memory and CPU on some rows only, a cold column.
        let first = dir.appendingPathComponent("a.csv").path
        try Data("""
            timestamp,function,duration_ms,app,memory_mb,cpu_ms,cold
            5,f,30,app,256,10,1
            1,f,20,app,,,0
            5,f,10,app,512,4,
            5,f,10,app,,,1
            0.5,g,7,app,128,,
            3,h,1,,,2,0
            """.utf8).write(to: URL(fileURLWithPath: first))
        // A second file of the same trace, overlapping the first in time.
        let second = dir.appendingPathComponent("b.csv").path
        try Data("""
            timestamp,function,duration_ms,app
            4,f,1,app
            5,f,20,app
            0,h,3,
            """.utf8).write(to: URL(fileURLWithPath: second))
        let store = try TraceStore()
        _ = try store.ingest(path: first)
        _ = try store.ingest(path: second)
        let blocks = try blockRead(store)
        #expect(blocks == (try referenceRead(files: [first, second])))
        let f = try #require(blocks["app/f"])
        #expect(f.starts == [1, 4, 5, 5, 5, 5])
        #expect(f.durations == [20, 1, 10, 10, 20, 30])
        #expect(f.memoryMB == 512)
        #expect(f.cpuMs == 14 && f.cpuRowsDurationMs == 40)
        #expect(blocks["h/h"]?.starts == [0, 3])
        #expect(try store.scalar("SELECT COUNT(*) FROM invocation_block") == 5, "f, g and h of the first file, f and h of the second")
    }

    @Test func randomTracesOverSeveralFiles() throws {
        for seed in UInt64(1)...12 {
            var random = SeededRandom(seed: seed)
            let dir = try folder()
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try TraceStore()
            var files: [String] = []
            for file in 0..<(1 + random.int(below: 3)) {
                var text = "timestamp,function,duration_ms,app,memory_mb,cpu_ms\n"
                for _ in 0..<(1 + random.int(below: 400)) {
                    // Half-second starts and 5 ms durations make ties common; whole CPU ms keep
                    // its sums exact in any order.
                    let start = Double(random.int(below: 200)) / 2
                    let duration = Double(1 + random.int(below: 8)) * 5
                    let memory = random.bernoulli(0.3) ? "\(128 << random.int(below: 4))" : ""
                    let cpu = random.bernoulli(0.5) ? "\(random.int(below: 50))" : ""
                    text += "\(start),f\(random.int(below: 4)),\(duration),a\(random.int(below: 2)),\(memory),\(cpu)\n"
                }
                let path = dir.appendingPathComponent("part\(file).csv").path
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                _ = try store.ingest(path: path)
                files.append(path)
            }
            let reference = try referenceRead(files: files)
            #expect(try blockRead(store) == reference, "seed \(seed)")
            #expect(!reference.isEmpty)
        }
    }

    /// A function's calls beyond one block's capacity go into further blocks, and reading merges
    /// them back in order, whatever order the rows came in.
    @Test func fullBlocksAreSplitAndMergedBack() throws {
        let store = try TraceStore()
        var random = SeededRandom(seed: 7)
        var calls: [(Double, Double)] = []
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO trace_file (id, name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
                VALUES (1, 'a', 'a', 'invocations', 'invocations', 'relative', 1, 'x', 0, 0, '');
                INSERT INTO app (id, key) VALUES (1, 'f');
                INSERT INTO function (id, app_id, key) VALUES (1, 1, 'f');
                """)
            var writer = try BlockWriter(db: db, fileID: 1, capacity: 3)
            for _ in 0..<10 {
                let call = (Double(random.int(below: 5)), Double(random.int(below: 3)))
                calls.append(call)
                try writer.add(functionID: 1, Invocation(startSeconds: call.0, durationMs: call.1))
            }
            try writer.add(functionID: 1, Invocation(startSeconds: nil, durationMs: 99))
            try writer.finish()
        }
        #expect(try store.scalar("SELECT COUNT(*) FROM invocation_block WHERE timed = 1") == 4)
        #expect(try store.scalar("SELECT MAX(calls) FROM invocation_block") == 3)
        let read = try store.replayTrace().functions[0]
        calls.sort { $0 < $1 }
        #expect(read.starts == calls.map(\.0))
        #expect(read.durationsMs == calls.map(\.1))
        #expect(store.untimedInvocations == 1)
    }

    /// A database of schema v2 (rows only) is migrated when opened: its rows packed into blocks
    /// with every column (the replay's calls, the untimed calls counted, memory use summed, cold
    /// flags and init times for calibration), the rows and their old index gone.
    @Test func aSchemaV2DatabaseIsMigrated() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v2.db").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v2: invocation.cold")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO trace_file (id, name, path, format, kind, clock, bytes, fingerprint, rows, skipped_rows, ingested_at)
                    VALUES (1, 'a.csv', 'a.csv', 'invocations', 'invocations', 'relative', 1, 'x', 3, 0, ''),
                           (2, 'b.csv', 'b.csv', 'invocations', 'invocations', 'relative', 1, 'y', 3, 0, '');
                    INSERT INTO app (id, key) VALUES (1, 'a'), (2, 'b');
                    INSERT INTO function (id, app_id, key) VALUES (1, 1, 'f'), (2, 2, 'g');
                    INSERT INTO invocation (function_id, start_s, duration_ms, memory_mb, max_memory_mb, cpu_ms, init_ms, cold, file_id)
                    VALUES (1, 9, 10, 256, 100, 3, NULL, 0, 1), (1, 2, 20, NULL, 50, NULL, 150, 1, 1), (2, 1, 5, NULL, NULL, NULL, NULL, NULL, 1),
                           (1, 2, 5, 512, NULL, 1, NULL, NULL, 2), (1, NULL, 7, NULL, NULL, NULL, NULL, NULL, 2),
                           (2, NULL, 8, NULL, NULL, NULL, NULL, NULL, 2);
                    """)
            }
        }
        let store = try TraceStore(path: path)
        // a/f: (2, 5) of file 2 before (2, 20) of file 1; CPU of the calls that give it: 3 + 1 over 10 + 5 ms.
        #expect(try blockRead(store) == ["a/f": Reference(starts: [2, 2, 9], durations: [5, 20, 10], memoryMB: 512, cpuMs: 4, cpuRowsDurationMs: 15),
                                         "b/g": Reference(starts: [1], durations: [5])])
        #expect(store.untimedInvocations == 2)
        #expect(try store.memoryUse() == [MemoryUse(app: "a", function: "f", peakMB: 100, meanMB: 75, calls: 2)])
        var observed = ObservedCalls(key: FunctionKey(app: "a", function: "f"))
        (observed.starts, observed.durationsMs, observed.initMs, observed.cold) = ([2, 9], [20, 10], [150, nil], [true, false])
        #expect(try store.observedCalls() == [observed])
        #expect(try store.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('invocation', 'invocation_by_function')") == 0)
        #expect(try store.functionList().map(\.invocations) == [4, 2])
        // Reopened, nothing is migrated twice.
        #expect(try TraceStore(path: path).scalar("SELECT SUM(calls) FROM invocation_block") == 6)
    }

    /// Untimed calls (a Lambda log without times) are spread over `--period` in the log's order.
    @Test func untimedCallsKeepTheLogsOrder() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("fn.log").path
        try Data("""
            REPORT RequestId: a\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB
            REPORT RequestId: b\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB
            REPORT RequestId: c\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB

            """.utf8).write(to: URL(fileURLWithPath: log))
        let store = try TraceStore()
        _ = try store.ingest(path: log)
        #expect(store.untimedInvocations == 3)
        let trace = try store.replayTrace(untimedPeriodSeconds: 300)
        #expect(trace.functions[0].durationsMs == [30, 10, 20])
        #expect(trace.functions[0].starts == [50, 150, 250])
        #expect(trace.functions[0].configuredMemoryMB == 256)
        #expect(try store.memoryUse().first?.meanMB == 60)
    }

    /// The account column (the app's owner) rides beside the blocks: calls as the rows gave them,
    /// each function with its app's account.
    @Test func accountsStayWithTheirApps() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("accounts.csv").path
        try Data("""
            timestamp,function,duration_ms,app,account
            2,f,10,a,team-1
            1,g,10,b,team-2
            1,f,5,a,team-1
            """.utf8).write(to: URL(fileURLWithPath: path))
        let store = try TraceStore()
        _ = try store.ingest(path: path)
        #expect(try blockRead(store) == (try referenceRead(files: [path])))
        let trace = try store.replayTrace()
        #expect(trace.functions.map(\.owner) == ["team-1", "team-2"])
        #expect(trace.functions[0].starts == [1, 2])
    }

    /// A file that fails part-way leaves no blocks behind.
    @Test func aBrokenFileLeavesNoBlocks() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.csv").path
        try Data("timestamp,function,duration_ms\n0,f,10\n1,f,fast\n".utf8).write(to: URL(fileURLWithPath: path))
        let store = try TraceStore()
        #expect(throws: TraceError.self) { _ = try store.ingest(path: path) }
        #expect(try store.tableCounts()["invocation_block"] == 0)
    }
}
