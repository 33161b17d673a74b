import Foundation
import Store
import Testing

/// Issue 21: every listed trap exits 65 (a file) or 64 (a flag) with one line, never a crash;
/// every limit names the variable that raises it; a write that fails (a file-size limit) exits
/// 73 and leaves neither a half-written output nor a changed database.
@Suite(.serialized) struct LimitsCLITests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs `placer` through `/bin/sh` with `environment` added and, if given, a file-size limit
    /// (`ulimit -f`, in the shell's blocks) with SIGXFSZ ignored, as a full disk would behave.
    private func run(_ arguments: [String], environment: [String: String] = [:], fileBlocks: Int? = nil) throws -> PlacerRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let limit = fileBlocks.map { "ulimit -f \($0); " } ?? ""
        process.arguments = ["-c", "trap '' XFSZ; \(limit)exec \"$0\" \"$@\"", placerExecutable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PlacerRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self), killedBySignal: process.terminationReason == .uncaughtSignal)
    }

    /// One `error:` line (after any `warning:` lines about the trace, perhaps followed by `note:`
    /// lines), no trap, no backtrace.
    private func expectOneLine(_ r: PlacerRun, _ status: Int32, _ fragment: String, _ what: String, prefix: String = "error: ",
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(what): status \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").drop { $0.hasPrefix("warning: ") }
        #expect(lines.first?.hasPrefix(prefix) == true, "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("note: ") }, "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(fragment), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.killedBySignal && !r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"),
                "\(what)", sourceLocation: sourceLocation)
    }

    @Test func priceFlagsOutOfRangeExit64() throws {
        let r = try run(["price", "--target", "aws-lambda-x86", "--invocations", "1000", "--duration-ms", "1e16", "--memory-mb", "128"])
        expectOneLine(r, 64, "--duration-ms", "price --duration-ms 1e16")
        #expect(r.stderr.contains("PLACER_MAX_DURATION_MS"))
        let many = try run(["price", "--target", "aws-lambda-x86", "--invocations", "9000000000000000000", "--duration-ms", "86400000", "--memory-mb", "128"])
        expectOneLine(many, 64, "too large to bill", "invocations × duration past Int64")
        let fine = try run(["price", "--target", "aws-lambda-x86", "--invocations", "1000", "--duration-ms", "100", "--memory-mb", "128"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func hugeDurationsAndTimestampsExit65AtIngest() throws {
        let dir = try folder()
        let db = dir.appendingPathComponent("t.db").path
        let header = "timestamp,function,duration_ms\n"
        let duration = try write(header + "0,f,100\n1,f,1e300\n", "duration.csv", in: dir)
        expectOneLine(try run(["ingest", "--db", db, duration]), 65, "\(duration):3:3: duration_ms is 1e+300 ms", "1e300 duration")
        let stamp = try write(header + "0,f,100\n1e300,f,100\n", "stamp.csv", in: dir)
        expectOneLine(try run(["ingest", "--db", db, stamp]), 65, "\(stamp):3:1: timestamp", "1e300 timestamp")
        #expect(try run(["ingest", "--db", db, stamp]).stderr.contains("PLACER_MAX_TRACE_DAYS"))
        // Raised, the same 2-day duration is accepted.
        let long = try write(header + "0,f,172800000\n", "long.csv", in: dir)
        #expect(try run(["ingest", "--db", db, long]).status == 65)
        #expect(try run(["ingest", "--db", db, long], environment: ["PLACER_MAX_DURATION_MS": "172800000"]).status == 0)
    }

    @Test func oneOutlierTimestampIsRefusedNotAllocated() throws {
        // Epoch times 874 years apart: replay would allocate a bin per minute of the span (petabytes).
        let dir = try folder()
        let trace = try write("timestamp,function,duration_ms\n2026-01-01T00:00:00Z,f,100\n2900-01-01T00:00:00Z,f,100\n", "t.csv", in: dir)
        let r = try run(["simulate", trace, "--target", "aws-lambda-x86"])
        expectOneLine(r, 65, "spans 319", "outlier timestamp")
        #expect(r.stderr.contains("PLACER_MAX_TRACE_DAYS"))
        #expect(try run(["inspect", trace]).status == 0, "inspect reads it without allocating per minute")
    }

    @Test func azureCountsAndDaysOutOfRangeExit65() throws {
        let dir = try folder()
        let db = dir.appendingPathComponent("t.db").path
        let header = "HashOwner,HashApp,HashFunction,Trigger," + (1...1440).map(String.init).joined(separator: ",") + "\n"
        func row(_ first: String) -> String { "o,a,f,http,\(first)" + String(repeating: ",0", count: 1439) + "\n" }
        let counts = try write(header + row("3000000000"), "invocations_per_function_md.anon.d01.csv", in: dir)
        expectOneLine(try run(["ingest", "--db", db, counts]), 65, "\(counts):2:5: minute 1 is 3000000000 calls", "count above Int32.max")
        let day = try write(header + row("1"), "day/invocations_per_function_md.anon.d2000000.csv", in: dir)
        expectOneLine(try run(["ingest", "--db", db, day]), 65, "cannot tell the day", "day 2000000")
        #expect(!FileManager.default.fileExists(atPath: db + "-journal"), "no journal left behind")
        let store = try TraceStore(path: db)
        #expect(try store.scalar("SELECT COUNT(*) FROM trace_file") == 0)
    }

    @Test func huaweiTimeOutOfRangeExit65() throws {
        let dir = try folder()
        let file = try write("day,time,0,1\n0,0,1,2\n0,1e300,1,2\n", "requests_minute/day_000.csv", in: dir)
        expectOneLine(try run(["ingest", "--db", dir.appendingPathComponent("t.db").path, file]), 65, "\(file):3:2: time", "Huawei time=1e300")
    }

    @Test func aRowPastTheLineLimitIsRefusedUntilRaised() throws {
        let dir = try folder()
        let name = String(repeating: "n", count: 2 << 20)
        let file = try write("timestamp,function,duration_ms\n0,\(name),100\n", "long.csv", in: dir)
        let db = dir.appendingPathComponent("t.db").path
        expectOneLine(try run(["ingest", "--db", db, file]), 65, "\(file):2:2: a row is longer than 1048576 bytes", "2 MB name")
        #expect(try run(["ingest", "--db", db, file]).stderr.contains("PLACER_MAX_ROW_BYTES"))
        #expect(try run(["ingest", "--db", db, file], environment: ["PLACER_MAX_ROW_BYTES": "4194304"]).status == 0)
        expectOneLine(try run(["inspect", file], environment: ["PLACER_MAX_ROW_BYTES": "lots"]), 64, "PLACER_MAX_ROW_BYTES=lots", "bad variable")
    }

    @Test func deploymentAndCatalogNumbersAreRangeChecked() throws {
        let dir = try folder()
        let trace = try write("timestamp,function,duration_ms\n0,f,100\n1,f,100\n", "t.csv", in: dir)
        let deployment = try write("""
            targets:
              - id: aws-lambda-x86
                limits: {perInstanceConcurrency: 3000000000}
            """, "placer.yaml", in: dir)
        expectOneLine(try run(["simulate", trace, "--deployment", deployment]), 65, "perInstanceConcurrency", "perInstanceConcurrency override")
        let catalog = try folder()
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Pricing/Profiles/aws-lambda-x86.yaml")
        let text = try String(contentsOf: bundled, encoding: .utf8)
        let broken = try #require(text.range(of: "value: 0.20,") ?? text.range(of: "value: 0.2,"))
        let bad = try write(text.replacingCharacters(in: broken, with: "value: 0.2.0.5,"), "aws-lambda-x86.yaml", in: catalog)
        // `catalog validate` lists every issue as `file:line: path: message`, one per line.
        let line = text[..<broken.lowerBound].filter { $0 == "\n" }.count + 1
        expectOneLine(try run(["catalog", "validate", bad]), 65, "aws-lambda-x86.yaml:\(line): billing.requestPrice.value: expected a number, found '0.2.0.5'",
                      "catalog price 0.2.0.5", prefix: "aws-lambda-x86.yaml:\(line):")
    }

    @Test func anAliasBombIsRefusedQuickly() throws {
        let dir = try folder()
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...12 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "targets: *a12\n"
        let bomb = try write(yaml, "bomb.yaml", in: dir)
        let trace = try write("timestamp,function,duration_ms\n0,f,100\n", "t.csv", in: dir)
        let started = Date()
        expectOneLine(try run(["simulate", trace, "--deployment", bomb]), 65, "PLACER_MAX_YAML_NODES", "alias bomb")
        #expect(Date().timeIntervalSince(started) < 60, "refused while copying, not after expanding 10^13 nodes")
    }

    @Test func aResultOutOfRangeOrTooDeepExits65InReport() throws {
        let dir = try folder()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MarkdownReportTests/Fixtures/simulated.json")
        let text = try String(contentsOf: fixture, encoding: .utf8)
        let huge = try write(text.replacingOccurrences(of: #""spanMinutes": 180"#, with: #""spanMinutes": 1e300"#), "huge.json", in: dir)
        #expect(text.contains(#""spanMinutes": 180"#))
        expectOneLine(try run(["report", huge, "--out", dir.appendingPathComponent("huge.md").path]), 65, "out of range", "spanMinutes 1e300")
        let deep = try write(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "deep.json", in: dir)
        expectOneLine(try run(["report", deep, "--out", dir.appendingPathComponent("deep.md").path]), 65, "PLACER_MAX_JSON_DEPTH", "deep JSON")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("huge.md").path))
    }

    @Test func aFileSizeLimitDuringWritesExits73AndLeavesNothingHalfWritten() throws {
        let dir = try folder()
        // Ingest: the database keeps the first file, and the second leaves no trace in it.
        let db = dir.appendingPathComponent("t.db").path
        let small = try write("timestamp,function,duration_ms\n0,f,100\n", "small.csv", in: dir)
        #expect(try run(["ingest", "--db", db, small]).status == 0)
        var rows = "timestamp,function,duration_ms\n"
        for i in 0..<200_000 { rows += "\(i),fn-\(i % 500),\(100 + i % 37)\n" }
        let big = try write(rows, "big.csv", in: dir)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int)
        let ingest = try run(["ingest", "--db", db, big], fileBlocks: (size + 256 << 10) / 512)
        expectOneLine(ingest, 73, "as it was before this file", "ingest past a file-size limit")
        let store = try TraceStore(path: db)
        #expect(try store.scalar("SELECT COUNT(*) FROM trace_file") == 1)
        #expect(try store.scalar("SELECT COALESCE(SUM(calls), 0) FROM invocation_block") == 1)
        // Report and result JSON: nothing under the final name, no temporary left.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MarkdownReportTests/Fixtures/simulated.json").path
        let out = dir.appendingPathComponent("out/report.md").path
        expectOneLine(try run(["report", fixture, "--out", out], fileBlocks: 1), 73, "cannot write", "report past a file-size limit")
        let json = dir.appendingPathComponent("result.json").path
        expectOneLine(try run(["simulate", small, "--target", "aws-lambda-x86", "--json", json], fileBlocks: 1), 73, "result.json", "JSON past a file-size limit")
        let left = try FileManager.default.subpathsOfDirectory(atPath: dir.path)
        #expect(!left.contains { $0.hasSuffix(".md") || $0.hasSuffix(".svg") || $0.hasSuffix(".placer-tmp") || $0 == "result.json" }, "\(left)")
    }
}
