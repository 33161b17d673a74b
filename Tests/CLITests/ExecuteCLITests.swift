import Foundation
import XCTest

/// `placer execute` as a user runs it: exit statuses, messages, Ctrl-C, the process table.
final class ExecuteCLITests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-exec-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A per-invocation trace: `count` calls of two functions, `gap` seconds apart, `ms` each.
    func trace(count: Int, gap: Double, ms: Double) throws -> String {
        var text = "timestamp,function,duration_ms,memory_mb\n"
        for i in 0..<count { text += "\(Double(i) * gap),\(i % 2 == 0 ? "alpha" : "beta"),\(ms),32\n" }
        let path = folder.appendingPathComponent("trace.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Processes whose command line holds `marker`.
    func processes(with marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(marker) ? "\(pid): \(line)" : nil
        }
    }

    func testReplayWritesTheCSVAndTheSummary() throws {
        let out = folder.appendingPathComponent("inv.csv").path
        let run = try runPlacer(["execute", try trace(count: 6, gap: 0.1, ms: 5), "--out", out, "--compare-simulation",
                                 "--json", folder.appendingPathComponent("e.json").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Executed 6 of 6 invocations"), run.stdout)
        XCTAssertTrue(run.stdout.contains("Model error on openwhisk"), run.stdout)
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 7)
        XCTAssertTrue(rows[0].hasPrefix("invocationID,function,app,instance,startTime,requestedDuration,responseTime,actualDuration"))
        let json = try String(contentsOfFile: folder.appendingPathComponent("e.json").path, encoding: .utf8)
        XCTAssertTrue(json.contains("\"metric\": \"coldStarts\""), json)
    }

    func testDryRunPrintsTheScheduleAndRunsNothing() throws {
        let out = folder.appendingPathComponent("inv.csv").path
        let run = try runPlacer(["execute", try trace(count: 4, gap: 1, ms: 5), "--out", out, "--dry-run", "--speedup", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").map(String.init), [
            "index,scheduledMs,app,function,durationMs,memoryMB",
            "0,0.000,alpha,alpha,5.000,32", "1,500.000,beta,beta,5.000,32",
            "2,1000.000,alpha,alpha,5.000,32", "3,1500.000,beta,beta,5.000,32",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testUsageErrors() throws {
        let path = try trace(count: 4, gap: 0.1, ms: 5)
        let out = folder.appendingPathComponent("x.csv").path
        let cases: [([String], Int32, String)] = [
            (["--function", "gamma=python3"], 64, "no function gamma"),
            (["--function", "alpha="], 64, "the command is missing"),
            (["--function", "alpha=/no/such/program"], 64, "cannot find the program"),
            (["--backend", "http"], 64, "give --route"),
            (["--backend", "http", "--route", "openfaas"], 64, "give --gateway"),
            (["--gateway", "http://127.0.0.1:1"], 64, "--gateway is an option of --backend http"),
            (["--window", "5"], 64, "expected FROM..TO"),
            (["--window", "1x..2"], 64, "not a time: 1x"),
            (["--window", "5..2"], 64, "--window"),
            (["--functions", "nothing*"], 64, "no function of the trace matches"),
        ]
        for (extra, status, message) in cases {
            let run = try runPlacer(["execute", path, "--out", out] + extra)
            XCTAssertEqual(run.status, status, extra.joined(separator: " "))
            XCTAssertTrue(run.stderr.hasPrefix("error: ") && run.stderr.contains(message), run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        let unwritable = try runPlacer(["execute", path, "--out", "/no/such/folder/x.csv"])
        XCTAssertEqual(unwritable.status, 73, unwritable.stderr)
    }

    func testCtrlCKeepsWhatWasMeasuredAndLeavesNoProcess() throws {
        let out = folder.appendingPathComponent("inv.csv").path
        let marker = "0.777"  // the workers' --init-ms, to find them in the process table
        let process = Process()
        process.executableURL = URL(fileURLWithPath: placerExecutable)
        process.arguments = ["execute", try trace(count: 400, gap: 0.05, ms: 30), "--out", out, "--init-ms", marker]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        XCTAssertFalse(processes(with: "placer-worker --init-ms \(marker)").isEmpty, "no instance was running")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(rows.count, 5)
        XCTAssertLessThan(rows.count, 401)
        XCTAssertEqual(processes(with: "placer-worker --init-ms \(marker)"), [])
    }

    /// Runs `argv` (a path and its arguments) and returns its status, standard output and error.
    func runTool(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// In a container the executor is often PID 1, so every worker's parent is 1: that must not
    /// read as "the parent died". `unshare` (a user and a PID namespace, no root needed) puts
    /// placer at PID 1 as a container's entry point would be.
    func testEveryWorkerServesWhenTheExecutorIsPID1() throws {
        let unshare = ["/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"]
        let probe = try? runTool(unshare + ["/bin/sh", "-c", "echo $$"])
        try XCTSkipUnless(probe?.status == 0 && probe?.stdout == "1\n", "unshare cannot make a PID namespace here: \(probe?.stderr ?? "no unshare")")
        let out = folder.appendingPathComponent("inv.csv").path
        let run = try runTool(unshare + [placerExecutable, "execute", try trace(count: 6, gap: 0.1, ms: 5), "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Executed 6 of 6 invocations"), run.stdout)
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 7)
        let header = rows[0].split(separator: ",", omittingEmptySubsequences: false)
        let outcome = try XCTUnwrap(header.firstIndex(of: "outcome") ?? header.firstIndex(of: "status"), "\(header)")
        for row in rows.dropFirst() {
            XCTAssertEqual(row.split(separator: ",", omittingEmptySubsequences: false)[outcome], "ok", String(row))
        }
    }
}
