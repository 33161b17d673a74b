import Foundation
import Testing

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-advise-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

/// Runs a tool from PATH (gzip, sha256sum) in the repository's folder.
private func tool(_ arguments: [String], stdout: String? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = repository
    if let stdout {
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
    }
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

@Suite(.serialized) struct AdviseCLITests {
    @Test func adviseWritesReportChartsAndJSONThatReportReproduces() throws {
        let dir = try scratch()
        let out = dir.appendingPathComponent("lambda.md").path
        let trace = repository.appendingPathComponent("datasets/lambda-log").path
        let run = try runPlacer(["advise", trace, "--targets", "aws-lambda-x86,aws-lambda-arm64,openfaas", "--out", out, "--workers", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote \(out)"))
        // Not a terminal: plain progress lines, no redrawing.
        #expect(run.stderr.contains("Replaying the trace on 3 targets…") && !run.stderr.contains("\r"))
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        #expect(markdown.hasPrefix("# Where to run these functions: Placer report\n"))
        for title in ["Verdict", "Targets side by side", "Placement per function", "Scaling", "Cost and volume", "Cold starts and idle memory",
                      "Lock-in and compliance", "Assumptions and sources"] {
            #expect(markdown.contains("\n## \(title)\n"), "missing \(title)")
        }
        // Placement ran (openfaas is the on-prem candidate): the verdict is a plan, with the plans compared.
        #expect(markdown.contains("## Verdict\n\n**Stay on aws-lambda-x86: $0.00 a month.**"))
        #expect(markdown.contains("| plan | what it does | USD / month | saving / month |"))
        #expect(markdown.contains("\n## How this was decided\n"))
        #expect(!markdown.contains("Placement was not computed"))
        let json = dir.appendingPathComponent("lambda.json").path
        let document = try #require(try JSONSerialization.jsonObject(with: read(json)) as? [String: Any])
        #expect(document["schema"] as? String == "placer.result/v1")
        #expect((document["profiles"] as? [Any])?.count == 3)
        #expect(document["placement"] is [String: Any] && document["breakEven"] is [String: Any])
        #expect(((document["keepAlive"] as? [String: Any])?["policies"] as? [Any])?.count == 3)
        // (Free grants cover this small trace everywhere: no cost chart of zeros.)
        #expect(!markdown.contains("lambda-cost.svg"))
        for chart in ["lambda-instances-cloud.svg", "lambda-instances-onprem.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(chart).path), "\(chart)")
            #expect(markdown.contains("[Chart as SVG](\(chart))"))
        }

        // `placer report` renders the same bytes from the JSON alone.
        let elsewhere = try scratch()
        let again = elsewhere.appendingPathComponent("lambda.md").path
        let report = try runPlacer(["report", json, "--out", again])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try read(again) == read(out))
        #expect(try read(elsewhere.appendingPathComponent("lambda-instances-cloud.svg").path) == read(dir.appendingPathComponent("lambda-instances-cloud.svg").path))

        // A folder that cannot be made: status 73, one line, nothing left behind.
        let unwritable = try runPlacer(["report", json, "--out", "/proc/placer-no-such/x.md"])
        #expect(unwritable.status == 73)
        #expect(unwritable.stderr.hasPrefix("error: cannot write /proc/placer-no-such/x.md") && unwritable.stderr.split(separator: "\n").count == 1)
        // (Same inputs and seed, same JSON bytes: UseCasesTests.)
    }

    @Test func hostileNamesFromATraceReachTheReportEscaped() throws {
        let dir = try scratch()
        let csv = dir.appendingPathComponent("hostile.csv").path
        let rows = ["timestamp,function,duration_ms,app",
                    "0.5,\"<script>alert(1)</script>\",120,\"[x](https://evil.example) @team\"",
                    "1.5,\"a|b **c**\",80,\"![i](http://e/x.png)\"",
                    "2.5,\"#12 www.evil.example\",30,\"`code`\""]
        try rows.joined(separator: "\n").appending("\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("hostile.md").path
        let run = try runPlacer(["advise", csv, "--targets", "aws-lambda-x86,openfaas", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        for raw in ["<script>", "](https://evil", "![i](", "@team", "a|b", "**c**", "#12", "www.evil", "`code`"] {
            #expect(!markdown.contains(raw), "\(raw) reached the report unescaped")
        }
        #expect(markdown.contains("&lt;script&gt;"))
    }

    @Test func brokenResultFilesExit65WithOneLine() throws {
        let dir = try scratch()
        let cases: [(String, String, String)] = [
            ("broken.json", "{\"schema\": \"placer.result/v1\", ", "not valid JSON"),
            ("other.json", "{\"schema\": \"placer.lockin/v1\"}", "schema 'placer.lockin/v1' is not supported"),
            ("missing.json", "{\"schema\": \"placer.result/v1\", \"seed\": \"1\", \"arrivals\": \"uniform\", \"spanMinutes\": 1, \"days\": 1, \"notes\": []}", "targets: missing"),
        ]
        for (name, text, message) in cases {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try runPlacer(["report", path, "--out", dir.appendingPathComponent("r.md").path])
            #expect(run.status == 65, "\(name)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("error: \(path): ") && lines[0].contains(message), "\(run.stderr)")
        }
        let absent = try runPlacer(["report", dir.appendingPathComponent("absent.json").path])
        #expect(absent.status == 65 && absent.stderr.contains("cannot read this file"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.md").path))
    }

    @Test func executeSampleAddsTheModelError() throws {
        let dir = try scratch()
        // Six short calls in the first seconds: the sample runs in about three seconds.
        let csv = dir.appendingPathComponent("calls.csv").path
        let rows = ["timestamp,function,duration_ms,app,memory_mb"] + (0..<6).map { "\(Double($0) * 0.5),f\($0 % 2),20,a,128" }
        try rows.joined(separator: "\n").appending("\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("x.md").path
        let run = try runPlacer(["advise", csv, "--targets", "aws-lambda-x86,openfaas", "--execute-sample", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: read(dir.appendingPathComponent("x.json").path)) as? [String: Any])
        let modelError = try #require(document["modelError"] as? [String: Any])
        #expect(modelError["target"] as? String == "openfaas")
        #expect((modelError["metrics"] as? [Any])?.isEmpty == false)
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        #expect(markdown.contains("\n## Model error\n") && markdown.contains("| cold starts |"))
        let wrongName = try runPlacer(["advise", repository.appendingPathComponent("datasets/lambda-log").path, "--out", dir.appendingPathComponent("x.txt").path])
        #expect(wrongName.status == 64)
    }

    /// reports/ holds what scripts/reports.sh made: its inputs are unchanged (checksums) and
    /// `placer report` of the committed JSON gives the committed markdown and charts byte for byte.
    /// `exampleReportsAreWhatTheCodeMakesToday` replays it again, so a change in Sources/ counts too.
    @Test func exampleReportsAreNotStale() throws {
        let manifest = "reports/azure2019.inputs.sha256"
        #expect(try tool(["sha256sum", "--check", "--quiet", manifest]) == 0,
                "the inputs of reports/azure2019.md changed: run scripts/reports.sh")
        // Every dataset file is in the manifest (a new file would change the report too).
        let listed = try String(contentsOfFile: repository.appendingPathComponent(manifest).path, encoding: .utf8)
        for file in try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("datasets/azure2019").path) {
            #expect(listed.contains("datasets/azure2019/\(file)\n"), "\(file) is not in \(manifest)")
        }
        let dir = try scratch()
        let json = dir.appendingPathComponent("azure2019.json").path
        #expect(try tool(["gzip", "-dc", "reports/azure2019.json.gz"], stdout: json) == 0)
        let out = dir.appendingPathComponent("azure2019.md").path
        let run = try runPlacer(["report", json, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try read(out) == read(repository.appendingPathComponent("reports/azure2019.md").path),
                "reports/azure2019.md differs from `placer report reports/azure2019.json.gz`: run scripts/reports.sh")
        for svg in try FileManager.default.contentsOfDirectory(atPath: dir.path) where svg.hasSuffix(".svg") {
            #expect(try read(dir.appendingPathComponent(svg).path) == read(repository.appendingPathComponent("reports/\(svg)").path), "\(svg)")
        }
    }

    /// The example report is what this build of Placer makes of its inputs today: the trace is
    /// replayed again exactly as scripts/reports.sh replays it (same command, seed and
    /// deployment, from the repository's folder, as the report names its inputs), and the result
    /// JSON, the markdown and every chart must equal the committed ones byte for byte. A change
    /// anywhere in Sources/ that moves a figure of the report fails here, not only a change of the
    /// files the checksums list. (The suite's dearest test: about five CPU-minutes in a debug build.)
    @Test func exampleReportsAreWhatTheCodeMakesToday() throws {
        let dir = try scratch()
        let out = dir.appendingPathComponent("azure2019.md").path
        let json = dir.appendingPathComponent("azure2019.json").path
        let run = try runPlacer(["advise", "datasets/azure2019", "--deployment", "docs/examples/lockin.yaml",
                                 "--seed", "1", "--out", out, "--json", json], directory: repository)
        #expect(run.status == 0, "\(run.stderr)")
        let committed = dir.appendingPathComponent("committed.json").path
        #expect(try tool(["gzip", "-dc", "reports/azure2019.json.gz"], stdout: committed) == 0)
        let stale = "is not what this build makes of the same inputs: run scripts/reports.sh (or find what changed the figures)"
        #expect(try read(json) == read(committed), "reports/azure2019.json.gz \(stale)")
        #expect(try read(out) == read(repository.appendingPathComponent("reports/azure2019.md").path), "reports/azure2019.md \(stale)")
        let charts = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") }
        let committedCharts = try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("reports").path)
            .filter { $0.hasPrefix("azure2019-") && $0.hasSuffix(".svg") }
        #expect(charts.sorted() == committedCharts.sorted())
        for svg in charts {
            #expect(try read(dir.appendingPathComponent(svg).path) == read(repository.appendingPathComponent("reports/\(svg)").path), "reports/\(svg) \(stale)")
        }
    }
}
