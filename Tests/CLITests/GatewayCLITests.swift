import Foundation
import Gateway
import Testing

/// `placer gateway-replay` end to end, against the gateway double started here.
@Suite(.serialized) struct GatewayCLITests {
    private static func trace() throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rows = "timestamp,function,duration_ms,app,memory_mb\n"
        for i in 0..<12 { rows += "\(Double(i) * 0.05),\(i % 3 == 0 ? "thumb" : "resize"),\(5 + i),images,256\n" }
        let path = folder.appendingPathComponent("calls.csv").path
        try Data(rows.utf8).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test func replaysEveryCallAndWritesOneRowEach() throws {
        let (folder, path) = try Self.trace()
        let double = try GatewayDouble(behavior: .init(failIndices: [3]))
        defer { double.stop() }
        let out = folder.appendingPathComponent("out.csv").path
        let run = try runPlacer(["gateway-replay", path, "--gateway", double.url.absoluteString, "--route", "openfaas",
                                 "--concurrency", "4", "--timeout", "5", "--out", out, "--json", out + ".json"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first.map(String.init) == GatewayRecord.header)
        #expect(lines.count == 13)
        #expect(double.requests.count == 12)
        #expect(Set(double.requests.compactMap(\.function)) == ["resize", "thumb"])
        #expect(double.maxInFlight <= 4)
        #expect(run.stdout.contains("outcomes: http-500 1, ok 11"), "\(run.stdout)")
        #expect(run.stdout.contains("HTTP status: 200 11, 500 1"))
        // Per function: calls and failures (call 3 is thumb's second, at 0.15 s).
        let rows = run.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.prefix(3) == ["resize", "8", "0"] }, "\(run.stdout)")
        #expect(rows.contains { $0.prefix(3) == ["thumb", "4", "1"] }, "\(run.stdout)")
        let json = try String(contentsOfFile: out + ".json", encoding: .utf8)
        #expect(json.contains("\"schema\": \"placer.gateway-replay/v1\""))
        #expect(json.contains("\"outcomes\": {\n    \"http-500\": 1,\n    \"ok\": 11\n  }"), "\(json)")
        #expect(json.contains("\"route\": \"openfaas\""))
    }

    @Test func anUnreachableGatewayExitsNonZeroWithOneLine() throws {
        let (folder, path) = try Self.trace()
        let double = try GatewayDouble()
        let port = double.port
        double.stop()
        let out = folder.appendingPathComponent("out.csv").path
        let run = try runPlacer(["gateway-replay", path, "--gateway", "http://127.0.0.1:\(port)", "--route", "openfaas", "--out", out])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").last == "error: cannot reach gateway http://127.0.0.1:\(port): connection refused")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let (_, path) = try Self.trace()
        let badWindow = try runPlacer(["gateway-replay", path, "--gateway", "http://127.0.0.1:1", "--route", "openfaas", "--window", "5m", "--dry-run"])
        #expect(badWindow.status == 64 && badWindow.stderr.contains("--window: expected FROM..TO"))
        let noRoute = try runPlacer(["gateway-replay", path, "--gateway", "http://127.0.0.1:1", "--dry-run"])
        #expect(noRoute.status == 64 && noRoute.stderr.contains("give --route"))
        let badURL = try runPlacer(["gateway-replay", path, "--gateway", "ftp://x", "--route", "openfaas", "--dry-run"])
        #expect(badURL.status == 64 && badURL.stderr.contains("not an http(s) URL"))
        let unknown = try runPlacer(["gateway-replay", path, "--gateway", "http://127.0.0.1:1", "--route", "openfaas", "--functions", "nope*", "--dry-run"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no function matches nope*"))
        let badOut = try runPlacer(["gateway-replay", path, "--gateway", "http://127.0.0.1:1", "--route", "openfaas", "--out", "/nonexistent/dir/out.csv"])
        #expect(badOut.status == 73 && badOut.stderr.contains("cannot write here"))
        let badMap = try runPlacer(["gateway-replay", path, "--route", "lambda-url", "--function-map", path, "--dry-run"])
        #expect(badMap.status == 65 && badMap.stderr.contains("\(path):1:1: expected NAME=VALUE"), "\(badMap.stderr)")
        let noURL = try runPlacer(["gateway-replay", path, "--route", "lambda-url", "--dry-run"])
        #expect(noURL.status == 65 && noURL.stderr.contains("no function URL for"))
    }

    @Test func dryRunPrintsTheSameScheduleForTheSameSeed() throws {
        let (_, path) = try Self.trace()
        let args = ["gateway-replay", path, "--gateway", "http://127.0.0.1:1", "--route", "openfaas", "--dry-run",
                    "--speedup", "2", "--window", "0.1..0.5", "--functions", "resize"]
        let a = try runPlacer(args), b = try runPlacer(args)
        #expect(a.status == 0 && a.stdout == b.stdout)
        let rows = a.stdout.split(separator: "\n").dropFirst()
        // resize at 0.10, 0.20, 0.25, 0.35, 0.40 s (thumb is every third); times from the window's start, halved.
        #expect(rows.map { $0.split(separator: ",")[3] } == ["0", "50000", "75000", "125000", "150000"])
        #expect(rows.allSatisfy { $0.split(separator: ",")[1] == "resize" })
    }
}

extension GatewayCLITests {
    @Test func ctrlCKeepsWhatWasMeasured() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Ten calls a second for 30 s: Ctrl-C once three were answered leaves most unsent.
        var rows = "timestamp,function,duration_ms\n"
        for i in 0..<300 { rows += "\(Double(i) * 0.1),f,1\n" }
        let trace = folder.appendingPathComponent("calls.csv").path
        try Data(rows.utf8).write(to: URL(fileURLWithPath: trace))
        let double = try GatewayDouble()
        defer { double.stop() }
        let out = folder.appendingPathComponent("out.csv").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: placerExecutable)
        process.arguments = ["gateway-replay", trace, "--gateway", double.url.absoluteString, "--route", "openfaas", "--out", out]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        // Interrupt once calls are flowing (the handler is installed before the first is sent).
        for _ in 0..<200 where double.requests.count < 3 { Thread.sleep(forTimeInterval: 0.05) }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(lines.count == 300)
        let sent = lines.filter { $0.contains(",ok,") }.count
        #expect(sent > 0 && sent < 300)
        #expect(lines.filter { $0.contains(",not-sent,") }.count == 300 - sent)
        #expect(double.requests.count == sent)
    }
}
