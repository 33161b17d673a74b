import Foundation
import Store
import Testing
import Traces


private func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite(.serialized) struct CLITests {
    @Test func badInputIsOneLineAndStatus65() throws {
        let dir = try folder()
        let db = dir.appendingPathComponent("t.db").path
        let good = try write("timestamp,function,duration_ms\n1,a,2\n", "good.csv", in: dir)
        let bad = try write("timestamp,function,duration_ms\n1,a,2\n2,b,fast\n", "bad.csv", in: dir)
        let result = try runPlacer(["ingest", "--db", db, good, bad])
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "error: \(bad):3:3: duration_ms is not a number: \"fast\"")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"))
        // The good file before it stays; the bad one left nothing.
        let store = try TraceStore(path: db)
        #expect(try store.scalar("SELECT COALESCE(SUM(calls), 0) FROM invocation_block") == 1)
        #expect(try store.scalar("SELECT COUNT(*) FROM trace_file") == 1)
    }

    @Test func everyBrokenKindExits65WithoutACrash() throws {
        let dir = try folder()
        let cases: [(String, Data)] = [
            ("empty.csv", Data()),
            ("json.csv", Data("[{\"a\": 1}]\n".utf8)),
            ("binary.csv", Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 1])),
            ("quote.csv", Data("timestamp,function,duration_ms\n1,\"a,2\n".utf8)),
            ("nan.csv", Data("timestamp,function,duration_ms\n1,a,NaN\n".utf8)),
            ("few.csv", Data("timestamp,function,duration_ms\n1,a\n".utf8)),
        ]
        for (name, data) in cases {
            let path = dir.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            let result = try runPlacer(["ingest", "--db", dir.appendingPathComponent("t.db").path, path])
            #expect(result.status == 65, "\(name)")
            #expect(result.stderr.hasPrefix("error: \(path)"), "\(name): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(name)")
        }
        let missing = try runPlacer(["ingest", "--db", dir.appendingPathComponent("t.db").path, "/nonexistent/trace.csv"])
        #expect(missing.status == 65 && missing.stderr.contains("no such file"))
        let inspectFolder = try runPlacer(["inspect", dir.path + "/nothing-here"])
        #expect(inspectFolder.status == 65)
        let notADatabase = try write("just text\n", "notes.db", in: dir)
        let opened = try runPlacer(["ingest", "--db", notADatabase, dir.appendingPathComponent("nan.csv").path])
        #expect(opened.status == 65 && opened.stderr.contains("cannot use this database"))
    }

    @Test func skipInvalidRowsReportsWhy() throws {
        let dir = try folder()
        let path = try write("timestamp,function,duration_ms\n1,a,2\n2,b,x\n3,c\n4,d,5\n", "x.csv", in: dir)
        let result = try runPlacer(["ingest", "--db", dir.appendingPathComponent("t.db").path, "--skip-invalid-rows", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("2 rows; skipped 2 invalid rows (1 non-numeric value, 1 wrong field count)"))
    }

    @Test func secondIngestOfTheSameFileIsSkipped() throws {
        let dir = try folder()
        let db = dir.appendingPathComponent("t.db").path
        let path = try write("timestamp,function,duration_ms\n1,a,2\n", "x.csv", in: dir)
        #expect(try runPlacer(["ingest", "--db", db, path]).status == 0)
        let again = try runPlacer(["ingest", "--db", db, path])
        #expect(again.status == 0 && again.stdout.contains("already ingested"))
    }

    /// A process killed at any point of an ingest leaves the database as it was before that file.
    @Test func aKilledIngestLeavesNoPartialFile() throws {
        let dir = try folder()
        let db = dir.appendingPathComponent("t.db").path
        let first = try write("timestamp,function,duration_ms\n0,warm,1\n", "first.csv", in: dir)
        #expect(try runPlacer(["ingest", "--db", db, first]).status == 0)
        var text = "timestamp,function,duration_ms\n"
        for i in 0..<300_000 { text += "\(i),fn\(i % 97),\(i % 1000)\n" }
        let big = try write(text, "big.csv", in: dir)
        var killedMidway = 0
        for delay in [0.05, 0.15, 0.3, 0.6] {
            let result = try runPlacer(["ingest", "--db", db, big], killAfter: delay)
            let rows = try TraceStore(path: db).scalar("SELECT COALESCE(SUM(calls), 0) FROM invocation_block") ?? -1
            if result.killedBySignal {
                #expect(rows == 1 || rows == 300_001, "killed after \(delay) s: \(rows) rows")
                if rows == 1 { killedMidway += 1 }
            }
            if rows == 300_001 { break }  // it finished: later runs would only skip the file
        }
        #expect(killedMidway > 0, "no kill landed during the ingest; make the file larger")
    }

    /// The same for the first file of a new database, which is written in rollback-journal mode:
    /// killed at any point, the database opens with no file in it (or the whole file).
    @Test func aKilledFirstIngestLeavesANewDatabaseEmpty() throws {
        let dir = try folder()
        var text = "timestamp,function,duration_ms\n"
        for i in 0..<300_000 { text += "\(i),fn\(i % 97),\(i % 1000)\n" }
        let big = try write(text, "big.csv", in: dir)
        var killedMidway = 0
        for (k, delay) in [0.05, 0.15, 0.3, 0.6].enumerated() {
            let db = dir.appendingPathComponent("t\(k).db").path
            let result = try runPlacer(["ingest", "--db", db, big], killAfter: delay)
            let existed = FileManager.default.fileExists(atPath: db)
            let store = try TraceStore(path: db)
            let rows = try store.scalar("SELECT COALESCE(SUM(calls), 0) FROM invocation_block") ?? -1
            #expect(try store.scalar("SELECT COUNT(*) FROM trace_file") == (rows == 0 ? 0 : 1))
            if result.killedBySignal {
                #expect(rows == 0 || rows == 300_000, "killed after \(delay) s: \(rows) rows")
                if rows == 0 && existed { killedMidway += 1 }
            }
            #expect(!FileManager.default.fileExists(atPath: db + "-journal"), "the journal was rolled back and removed")
            #expect(try runPlacer(["ingest", "--db", db, big]).status == 0, "and the file goes in whole afterwards")
            if rows == 300_000 { break }
        }
        #expect(killedMidway > 0, "no kill landed during the ingest; make the file larger")
    }

    @Test func generateIngestInspectRoundTrip() throws {
        let dir = try folder()
        let out = dir.appendingPathComponent("trace").path
        let generated = try runPlacer(["generate", "--preset", "azure2019", "--functions", "30", "--days", "1", "--seed", "3", "--out", out])
        #expect(generated.status == 0)
        let db = dir.appendingPathComponent("t.db").path
        #expect(try runPlacer(["ingest", "--db", db, out]).status == 0)
        let inspected = try runPlacer(["inspect", db])
        #expect(inspected.status == 0 && inspected.stdout.contains("functions      30"))
        // Inspecting the files directly says the same.
        let direct = try runPlacer(["inspect", out])
        #expect(direct.stdout.split(separator: "\n").dropFirst(5) == inspected.stdout.split(separator: "\n").dropFirst(5))
    }

    /// The table on standard output, the JSON file and the exit statuses (the same bytes twice and
    /// the lock-in section: UseCasesTests).
    @Test func simulateWritesItsJSONAndRejectsUnknownTargets() throws {
        let dir = try folder()
        var rows = "timestamp,function,duration_ms\n"
        for k in 0..<400 { rows += "\(k * 7),\(k % 3 == 0 ? "a" : "b"),\(50 + k % 13)\n" }
        let trace = try write(rows, "calls.csv", in: dir)
        let first = dir.appendingPathComponent("1.json").path
        let one = try runPlacer(["simulate", trace, "--target", "aws-lambda-x86", "--target", "azure-consumption", "--target", "knative", "--json", first])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("aws-lambda-x86") && one.stdout.contains("on-prem"))
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: first))) as? [String: Any]
        #expect(result?["schema"] as? String == "placer.result/v1" && result?["lockIn"] != nil)
        let unknown = try runPlacer(["simulate", trace, "--target", "aws-lambda-z80"])
        #expect(unknown.status == 64 && unknown.stderr.hasPrefix("error: "))
        let none = try runPlacer(["simulate", trace])
        #expect(none.status == 64)
    }

    /// Diagnostics only when asked, on standard error, wherever the option stands; the output
    /// and the user's messages do not change.
    @Test func verboseLogsDiagnosticsToStandardErrorOnly() throws {
        let dir = try folder()
        let trace = try write("timestamp,function,duration_ms\n0.5,f,10\n", "a.csv", in: dir)
        let quiet = try runPlacer(["simulate", trace, "--target", "aws-lambda-x86"])
        let verbose = try runPlacer(["simulate", trace, "--target", "aws-lambda-x86", "--verbose"])
        let leading = try runPlacer(["--log-level", "debug", "simulate", trace, "--target", "aws-lambda-x86"])
        #expect(quiet.status == 0 && verbose.status == 0 && leading.status == 0)
        #expect(verbose.stdout == quiet.stdout && leading.stdout == quiet.stdout)
        #expect(!quiet.stderr.contains(" debug "))
        #expect(verbose.stderr.contains(" debug placer.usecases: ") && verbose.stderr.contains("replaying 1 scaling groups on aws-lambda-x86"))
        // The user's own lines are still there, as they were.
        let userLines = quiet.stderr.split(separator: "\n")
        #expect(userLines.allSatisfy { verbose.stderr.split(separator: "\n").contains($0) })
        let warningsOnly = try runPlacer(["simulate", trace, "--target", "aws-lambda-x86", "--log-level=warning"])
        #expect(warningsOnly.stderr == quiet.stderr)
        let bad = try runPlacer(["simulate", trace, "--log-level", "loud"])
        #expect(bad.status == 64 && bad.stderr == "error: --log-level loud: expected one of trace, debug, info, notice, warning, error, critical\n")
    }
}

/// Every message on its own line: a warning or an error never follows other text on a line,
/// also on a terminal, where a progress bar is drawn without a newline (run under `script`,
/// which gives the command a terminal).
@Suite struct MessageLineTests {
    private func untimedLog() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("placer-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = (0..<20).map { "REPORT RequestId: r\($0)\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t" }
        let path = dir.appendingPathComponent("orders.log").path
        try Data((log.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// What a terminal shows of each line: the text after the last "clear line" sequence.
    private func shownLines(_ text: String) -> [Substring] {
        // A terminal turns each newline into CR LF; Swift reads "\r\n" as one character.
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map { line in
            let afterClear = line.components(separatedBy: "\u{1B}[2K").last ?? String(line)
            return Substring(afterClear.replacingOccurrences(of: "\r", with: ""))
        }
    }

    private func expectOwnLines(_ text: String) {
        for line in shownLines(text) {
            for word in ["error:", "warning:", "note:"] {
                if let range = line.range(of: word) {
                    #expect(range.lowerBound == line.startIndex, "'\(word)' after other text: \(line)")
                }
            }
        }
    }

    @Test func aLogWithoutTimesFailsWithOneMessagePerLine() throws {
        let log = try untimedLog()
        let run = try runPlacer(["advise", log, "--targets", "aws-lambda-x86", "--out", log + ".md"])
        #expect(run.status == 65)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("warning: ") && $0.contains("no times") })
        #expect(lines.contains { $0.hasPrefix("error: ") && $0.contains("--period") })
        expectOwnLines(run.stderr)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func onATerminalTheProgressBarIsClearedBeforeAMessage() throws {
        let log = try untimedLog()
        let command = "\(placerExecutable) advise \(log) --targets aws-lambda-x86 --out \(log).md"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 65)
        #expect(text.contains("error: the trace's 20 invocations carry no times"))
        expectOwnLines(text)
    }
}

/// `placer calibrate --from`: the fit in two commands, and its usage errors.
@Suite struct CalibrateCLITests {
    @Test func calibrationInTwoCommands() throws {
        let dir = try folder()
        let logs = dir.appendingPathComponent("logs").path
        let generated = try runPlacer(["generate", "--preset", "lambda-log", "--functions", "20", "--max-daily-rate", "3000", "--idle-timeout", "300", "--out", logs])
        #expect(generated.status == 0)
        #expect(generated.stdout.contains("cold starts"))
        let fit = dir.appendingPathComponent("fit.yaml").path
        let calibrated = try runPlacer(["calibrate", "--from", logs, "--target", "aws-lambda-x86", "--out", fit])
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        #expect(calibrated.stdout.hasPrefix("aws-lambda-x86: keep-alive "))
        let json = dir.appendingPathComponent("r.json").path
        let simulated = try runPlacer(["simulate", logs, "--target", "aws-lambda-x86", "--calibration", fit, "--json", json])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("\"calibration\": {"))
        #expect(text.contains("\"predictedColdStarts\""))
    }

    @Test func fromWithoutATargetIsAUsageError() throws {
        let result = try runPlacer(["calibrate", "--from", "somewhere"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--target"))
    }

    @Test func anIdleTimeoutOnAPresetWithoutInstancesIsAUsageError() throws {
        let dir = try folder()
        let result = try runPlacer(["generate", "--preset", "azure2019", "--functions", "2", "--idle-timeout", "60", "--out", dir.path])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
