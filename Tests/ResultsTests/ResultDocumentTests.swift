import Foundation
import Testing
@testable import Results

@Suite struct ResultDocumentTests {
    static let minimal = """
    {"schema": "placer.result/v1", "seed": "1", "arrivals": "exponential", "spanMinutes": 2, "days": 0.0014,
     "notes": ["n"], "targets": [{"id": "aws-lambda-x86", "scalingUnit": "function", "keepAlive": "fixed idle 10 min",
       "invocations": 10, "coldStarts": 2, "throttled": 0, "rejected": 0, "delayed": 0,
       "latencyMs": {"p50": 1.5, "p95": 2, "p99": 3}, "peakInstances": 1, "instanceSeconds": 120, "memoryGBSeconds": 60,
       "billedGBSeconds": 1.25, "monthlyCost": {"total": 0.123457, "compute": 0.1, "requests": 0.023457, "init": 0,
       "provisioned": 0, "freeGrantCredit": 0}, "notes": [], "series": {"minutes": 2, "instances": [1, 0.5], "memoryMB": [512, 256]},
       "functions": [{"app": "a", "function": "f", "scalingUnit": "function", "memoryMB": 512,
         "invocations": 10, "coldStarts": 2, "throttled": 0, "rejected": 0, "delayed": 0,
         "latencyMs": {"p50": 1.5, "p95": 2, "p99": 3}, "peakInstances": 1, "instanceSeconds": 120, "memoryGBSeconds": 60,
         "billedGBSeconds": 1.25, "monthlyCost": null}]}],
     "placement": {"monthlyCost": 1}}
    """

    @Test func readsTheFiguresAndKeepsMoneyExact() throws {
        let doc = try ResultDocument.parse(Data(Self.minimal.utf8), file: "r.json")
        #expect(doc.targets.count == 1)
        let t = try #require(doc.target("aws-lambda-x86"))
        #expect(t.figures.coldStartRate == 0.2)
        #expect(t.figures.monthlyCost?.total == Decimal(string: "0.123457"))
        #expect(t.instancesPerMinute == [1, 0.5])
        #expect(t.functions.first?.id == "a/f")
        #expect(t.functions.first?.figures.monthlyCost == nil)
        #expect(doc.section("placement")?["monthlyCost"]?.double == 1)
        #expect(doc.section("breakEven") == nil)
    }

    @Test func rejectsOtherSchemasAndBrokenFiles() {
        func message(_ text: String) -> String {
            do { _ = try ResultDocument.parse(Data(text.utf8), file: "r.json"); return "" } catch { return "\(error)" }
        }
        #expect(message(#"{"schema": "placer.result/v2"}"#) == "r.json: schema 'placer.result/v2' is not supported; this Placer reads placer.result/v1")
        #expect(message(#"{"targets": []}"#).contains("no \"schema\" field"))
        #expect(message("{not json").hasPrefix("r.json: not valid JSON"))
        #expect(message(#"[1, 2]"#).contains("expected a JSON object"))
        var tree = try! JSONSerialization.jsonObject(with: Data(Self.minimal.utf8)) as! [String: Any]
        var targets = tree["targets"] as! [[String: Any]]
        var functions = targets[0]["functions"] as! [[String: Any]]
        functions[0]["coldStarts"] = nil
        targets[0]["functions"] = functions
        tree["targets"] = targets
        let missing = String(decoding: try! JSONSerialization.data(withJSONObject: tree), as: UTF8.self)
        #expect(message(missing) == "r.json: targets[0].functions[0].coldStarts: missing")
    }

    @Test func readsTheCommittedExampleResult() throws {
        // `placer advise`'s own output reads back: the example report's result, kept (compressed)
        // in the repository, so the test never depends on a file a script may not have made.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let compressed = repository.appendingPathComponent("reports/azure2019.json.gz").path
        try #require(FileManager.default.fileExists(atPath: compressed), "reports/azure2019.json.gz is committed")
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gunzip.arguments = ["gzip", "-dc", compressed]
        let output = Pipe()
        gunzip.standardOutput = output
        try gunzip.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        try #require(gunzip.terminationStatus == 0)
        let doc = try ResultDocument.parse(data, file: compressed)
        // Every catalog target replayed, each with its functions and a bill.
        #expect(doc.targets.count == 15)
        #expect(doc.targets.allSatisfy { !$0.functions.isEmpty })
        #expect(Set(doc.targets.map(\.id)).count == doc.targets.count)
    }
}

@Suite struct JSONNodeTests {
    /// Found by the result-json fuzz target: two targets with one id trapped the report.
    @Test func aTargetIdTwiceIsRefused() throws {
        var tree = try #require(try JSONSerialization.jsonObject(with: Data(ResultDocumentTests.minimal.utf8)) as? [String: Any])
        let targets = try #require(tree["targets"] as? [[String: Any]])
        tree["targets"] = targets + targets
        let twice = try JSONSerialization.data(withJSONObject: tree)
        #expect(throws: ResultError.self) { try ResultDocument.parse(twice, file: "r.json") }
        do { _ = try ResultDocument.parse(twice, file: "r.json") } catch {
            #expect("\(error)" == "r.json: targets[1].id: 'aws-lambda-x86' appears twice")
        }
    }

    @Test func booleansAreNotNumbers() throws {
        let node = try JSONNode.parse(Data(#"{"t": true, "f": false, "one": 1, "zero": 0, "x": 0.008219}"#.utf8), file: "x")
        guard case .bool(true) = node["t"]?.value, case .bool(false) = node["f"]?.value else { Issue.record("booleans"); return }
        #expect(node["one"]?.double == 1)
        #expect(node["zero"]?.double == 0)
        #expect(node["x"]?.decimal == Decimal(string: "0.008219"))
    }
}
