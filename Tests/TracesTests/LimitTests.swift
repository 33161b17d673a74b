import Foundation
import InputLimits
import Testing
@testable import Traces

/// Rows and numbers beyond `InputLimits` stop the read with a located error naming the variable
/// that raises the limit; within them, nothing changes.
@Suite struct LimitTests {
    private func read(_ name: String, _ text: String, _ limits: InputLimits) throws -> Result<Int, TraceError> {
        let path = try temporaryFile(name, text)
        do {
            let summary = try TraceFileReader.read(path: path, options: ReadOptions(limits: limits), into: CollectingSink())
            return .success(summary.rows)
        } catch let error as TraceError {
            return .failure(error)
        }
    }

    @Test func rowBytesStopBeforeTheRowIsBuffered() throws {
        var limits = InputLimits()
        limits.maxRowBytes = 64
        let header = "timestamp,function,duration_ms\n"
        #expect(try read("x.csv", header + "0,\(String(repeating: "f", count: 40)),1\n", limits) == .success(1))
        guard case .failure(let e) = try read("x.csv", header + "0,f,1\n0,\(String(repeating: "f", count: 70)),1\n", limits) else {
            Issue.record("a 75-byte row passed a 64-byte limit"); return
        }
        #expect(e.line == 3 && e.message == "a row is longer than 64 bytes (the limit is set by PLACER_MAX_ROW_BYTES)")
        // A quoted field spanning lines counts as one row.
        let quoted = header + "0,\"\(String(repeating: "f\n", count: 40))\",1\n"
        guard case .failure(let q) = try read("x.csv", quoted, limits) else { Issue.record("a multi-line row passed"); return }
        #expect(q.line == 2)
        // Lambda logs are split by line, with the same limit.
        let log = "START RequestId: 1\n" + String(repeating: "x", count: 100) + "\nREPORT RequestId: 1\tDuration: 5 ms\n"
        guard case .failure(let l) = try read("f.log", log, limits) else { Issue.record("a long log line passed"); return }
        #expect(l.line == 2 && l.message.contains("PLACER_MAX_ROW_BYTES"))
    }

    @Test func fieldsPerRowAreBounded() throws {
        var limits = InputLimits()
        limits.maxFieldsPerRow = 4
        guard case .failure(let e) = try read("x.csv", "timestamp,function,duration_ms,app,memory_mb\n", limits) else {
            Issue.record("five fields passed a limit of four"); return
        }
        #expect(e.line == 1 && e.column == 5 && e.message.contains("PLACER_MAX_FIELDS_PER_ROW"))
    }

    @Test func numbersOutOfRangeAreLocated() throws {
        let header = "timestamp,function,duration_ms,app,memory_mb,init_ms\n"
        let limits = InputLimits()
        let cases: [(String, Int, String)] = [
            ("0,f,86400001,a,128,\n", 3, "duration_ms is 86400001 ms, above the limit of 86400000 ms (the limit is set by PLACER_MAX_DURATION_MS)"),
            ("0,f,1,a,2e6,\n", 5, "memory_mb is 2000000 MB, above the limit of 1048576 MB (the limit is set by PLACER_MAX_MEMORY_MB)"),
            ("0,f,1,a,128,1e300\n", 6, "init_ms is 1e+300 ms"),
            ("34560001,f,1,a,128,\n", 1, "timestamp is 34560001 s, above the limit of 400 days after the trace's start"),
            ("9999-12-31T23:59:59Z,f,1,a,128,\n", 0, ""),
        ]
        for (row, column, message) in cases {
            let result = try read("x.csv", header + row, limits)
            if column == 0 { #expect(result == .success(1), "\(row)"); continue }
            guard case .failure(let e) = result else { Issue.record("\(row) passed"); continue }
            #expect(e.line == 2 && e.column == column && e.message.hasPrefix(message), "\(row): \(e)")
        }
        var raised = InputLimits()
        raised.maxDurationMs = 1e9
        #expect(try read("x.csv", header + "0,f,86400001,a,128,\n", raised) == .success(1))
    }

    @Test func theEnvironmentRaisesLimitsAndRefusesNonsense() throws {
        let limits = try InputLimits.from(environment: ["PLACER_MAX_ROW_BYTES": "4096", "PLACER_MAX_TRACE_DAYS": "800", "HOME": "/x"])
        #expect(limits.maxRowBytes == 4096 && limits.maxTraceDays == 800 && limits.maxDurationMs == InputLimits.standard.maxDurationMs)
        for bad in ["0", "-1", "1.5", "lots", "", "99999999999999999999"] {
            #expect(throws: InputLimits.EnvironmentError.self, "\(bad)") { try InputLimits.from(environment: ["PLACER_MAX_ROW_BYTES": bad]) }
        }
        #expect(throws: InputLimits.EnvironmentError.self) { try InputLimits.from(environment: ["PLACER_MAX_CALLS_PER_MINUTE": "3000000000"]) }
    }
}

/// Memory stays bounded over many files: a read releases its parser and row batches (a cycle
/// between the parser and its row handler once kept 4.5 MB a file for the life of the process).
@Suite struct PipelineReleaseTests {
    @Test func aFinishedReadKeepsNothingAlive() throws {
        let path = try temporaryFile("x.csv", "timestamp,function,duration_ms\n0,f,1\n1,g,2\n")
        weak var released: RowPipeline?
        do {
            let file = try FileChunkReader(path: path)
            let first = try #require(try file.next())
            let pipeline = RowPipeline(path: path, first: first, rest: file)
            var rows = 0
            try pipeline.run { _, _ in rows += 1 }
            #expect(rows == 3)
            released = pipeline
        }
        // The producer thread lets go of the pipeline as it exits, just after `run` returns.
        for _ in 0..<200 where released != nil { Thread.sleep(forTimeInterval: 0.005) }
        #expect(released == nil)
    }
}
