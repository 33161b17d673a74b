import Foundation
import Testing

/// Nothing in a trace, a deployment or a result file makes Placer run a command, open a network
/// connection or write outside the outputs named on its command line: each command runs under
/// `strace`, which records every `execve`, `connect` and file opened for writing, over files
/// whose names, ids and values are shell commands, URLs, paths and YAML tags.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
struct HostileInputCLITests {
    static let payloads = ["$(touch PWNED)", "`touch PWNED`", "; touch PWNED", "http://127.0.0.1:9/x", "../../PWNED", "/tmp/PWNED-placer"]

    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// What the run did: its status, the programs it executed, the internet connections it
    /// attempted and the files it opened to write.
    private func traced(_ arguments: [String], in dir: URL) throws -> (status: Int32, execs: [String], connects: [String], writes: [String]) {
        let log = dir.appendingPathComponent("strace.log").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        process.arguments = ["-f", "-qq", "-e", "trace=execve,connect,open,openat,creat", "-o", log, placerExecutable] + arguments
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        try FileManager.default.removeItem(atPath: log)
        let writes = lines.filter { $0.contains("open") && ($0.contains("O_WRONLY") || $0.contains("O_RDWR") || $0.contains("O_CREAT")) && !$0.contains("= -1") }
            .compactMap { line -> String? in
                guard let start = line.firstIndex(of: "\""), let end = line[line.index(after: start)...].firstIndex(of: "\"") else { return nil }
                return String(line[line.index(after: start)..<end])
            }
        return (process.terminationStatus, lines.filter { $0.contains("execve(") }, lines.filter { $0.contains("connect(") && $0.contains("AF_INET") }, writes)
    }

    private func expectConfined(_ run: (status: Int32, execs: [String], connects: [String], writes: [String]), in dir: URL,
                                allowed: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.execs.count == 1, "\(what): executed \(run.execs)", sourceLocation: sourceLocation)
        #expect(run.connects.isEmpty, "\(what): connected \(run.connects)", sourceLocation: sourceLocation)
        for path in run.writes where !path.hasPrefix("/dev/") {
            let absolute = path.hasPrefix("/") ? path : dir.appendingPathComponent(path).path
            #expect(allowed.contains { absolute == $0 || absolute.hasPrefix($0 + ".") || absolute.hasPrefix($0 + "-") },
                    "\(what): wrote \(path)", sourceLocation: sourceLocation)
        }
        let left = (try? FileManager.default.subpathsOfDirectory(atPath: dir.path)) ?? []
        #expect(!left.contains { $0.contains("PWNED") } && !FileManager.default.fileExists(atPath: "/tmp/PWNED-placer")
                && !FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("PWNED").path),
                "\(what): a payload ran", sourceLocation: sourceLocation)
    }

    @Test func aTraceIsOnlyData() throws {
        let dir = try folder()
        var text = "timestamp,function,duration_ms,app\n"
        for (i, p) in Self.payloads.enumerated() { text += "\(i),\"\(p)\",100,\"\(p)\"\n" }
        let trace = dir.appendingPathComponent("trace.csv")
        try Data(text.utf8).write(to: trace)
        let db = dir.appendingPathComponent("t.db").path
        let ingest = try traced(["ingest", "--db", db, trace.path], in: dir)
        #expect(ingest.status == 0)
        expectConfined(ingest, in: dir, allowed: [db], "ingest")
        let json = dir.appendingPathComponent("r.json").path
        let simulate = try traced(["simulate", db, "--target", "aws-lambda-x86", "--json", json], in: dir)
        #expect(simulate.status == 0)
        expectConfined(simulate, in: dir, allowed: [json, db], "simulate")
    }

    @Test func aDeploymentIsOnlyData() throws {
        let dir = try folder()
        try Data("timestamp,function,duration_ms\n0,f,100\n".utf8).write(to: dir.appendingPathComponent("trace.csv"))
        let quoted = Self.payloads.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }
        let yaml = """
            targets:
              - aws-lambda-x86
            defaults:
              memoryMB: 256
              region: \(quoted[0])
            functions:
              - match: \(quoted[2])
                runtime: \(quoted[3])
                dataClasses: [\(quoted[4]), \(quoted[5])]
              - match: "*"
                runtime: !!python/object/apply:os.system ["touch PWNED"]
            """
        let deployment = dir.appendingPathComponent("placer.yaml")
        try Data(yaml.utf8).write(to: deployment)
        let json = dir.appendingPathComponent("r.json").path
        let run = try traced(["simulate", dir.appendingPathComponent("trace.csv").path, "--deployment", deployment.path, "--json", json], in: dir)
        #expect(run.status == 0 || run.status == 65)
        expectConfined(run, in: dir, allowed: [json], "simulate --deployment")
    }

    @Test func aResultIsOnlyData() throws {
        let dir = try folder()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MarkdownReportTests/Fixtures/simulated.json")
        var text = try String(contentsOf: fixture, encoding: .utf8)
        for (i, p) in Self.payloads.enumerated() {
            let quoted = String(decoding: try JSONSerialization.data(withJSONObject: p, options: .fragmentsAllowed), as: UTF8.self)
            text = text.replacingOccurrences(of: "\"notes\": [", with: "\"notes\": [\(quoted), ", options: [], range: nil)
            if i == 0 { text = text.replacingOccurrences(of: "\"aws-lambda-arm64\"", with: quoted) }
        }
        let result = dir.appendingPathComponent("hostile.json")
        try Data(text.utf8).write(to: result)
        let out = dir.appendingPathComponent("out/report.md").path
        let run = try traced(["report", result.path, "--out", out], in: dir)
        #expect(run.status == 0)
        expectConfined(run, in: dir, allowed: [dir.appendingPathComponent("out").path + "/report"], "report")
        let compare = try traced(["compare", result.path, result.path, "--out", dir.appendingPathComponent("diff.md").path], in: dir)
        #expect(compare.status == 0)
        expectConfined(compare, in: dir, allowed: [dir.appendingPathComponent("diff.md").path], "compare")
    }
}
