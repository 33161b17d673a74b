import Foundation
import Testing

// `placer compare`, `scripts/ci-compare.sh` and `placer export infracost-usage` end to end.

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func temporary(_ name: String, _ text: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-compare-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// A small result: one Lambda target, a function called `name`, with this cost and p99.
private func result(cost: String = "100.00", p99: Double = 300, name: String = "checkout", schema: String = "placer.result/v1") -> String {
    let figures = { (c: String, p: Double, calls: Int, billed: Double) in
        #""invocations": \#(calls), "coldStarts": 10, "throttled": 0, "rejected": 0, "delayed": 0, "latencyMs": {"p50": 20, "p95": 100, "p99": \#(p)}, "peakInstances": 2, "instanceSeconds": 100, "memoryGBSeconds": 50, "billedGBSeconds": \#(billed), "monthlyCost": {"total": \#(c), "compute": \#(c), "requests": 0, "init": 0, "provisioned": 0, "freeGrantCredit": 0}"#
    }
    let quoted = String(decoding: try! JSONSerialization.data(withJSONObject: name, options: [.fragmentsAllowed]), as: UTF8.self)
    return #"{"schema": "\#(schema)", "seed": "1", "arrivals": "exponential", "spanMinutes": 720, "days": 0.5, "notes": [], "targets": [{"id": "aws-lambda-x86", "scalingUnit": "function", "keepAlive": "fixed idle 10 min", "notes": [], "series": {"minutes": 1, "instances": [1], "memoryMB": [512]}, \#(figures(cost, p99, 2000, 60)), "functions": [{"app": "shop", "function": \#(quoted), "scalingUnit": "function", "memoryMB": 512, \#(figures(cost, p99, 1000, 50))}, {"app": "shop", "function": "9-lives", "scalingUnit": "function", "memoryMB": 1024, \#(figures("0", 10, 1000, 10))}]}]}"#
}

@Suite(.serialized) struct CompareCLITests {
    @Test func identicalResultsShowNoChangeAndOnlyIfChangedIsQuiet() throws {
        let base = try temporary("base.json", result()), head = try temporary("head.json", result())
        let run = try runPlacer(["compare", base, head, "--fail-on-cost-increase", "0%", "--fail-on-p99-increase", "0ms"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("No material change"))
        #expect(run.stdout.contains("**Within thresholds** (2 checked)."))
        let quiet = try runPlacer(["compare", base, head, "--only-if-changed"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        #expect(quiet.stderr.isEmpty)
        let changed = try runPlacer(["compare", base, try temporary("head.json", result(cost: "100.50")), "--only-if-changed", "--materiality", "0.1%"])
        #expect(changed.status == 0)
        #expect(changed.stdout.contains("+\\$0.50 (+0.5%)"))
    }

    @Test func aBreachedThresholdExitsOneAndSaysWhich() throws {
        let base = try temporary("base.json", result()), head = try temporary("head.json", result(cost: "125.00", p99: 310))
        let run = try runPlacer(["compare", base, head, "--fail-on-cost-increase", "10%", "--fail-on-p99-increase", "20%"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("| ❌ breached | cost increase at most 10% | aws\\-lambda\\-x86 | +\\$25.00 (+25.0%) |"))
        #expect(run.stdout.contains("| ✅ ok | p99 increase at most 20% |"))
        #expect(run.stderr == "breached: cost increase at most 10% on aws-lambda-x86: +$25.00 (+25.0%)\n")
        let within = try runPlacer(["compare", base, head, "--fail-on-cost-increase", "30USD"])
        #expect(within.status == 0)
        let decrease = try runPlacer(["compare", head, base, "--require-cost-decrease", "15%"])
        #expect(decrease.status == 0, "125 → 100 is a 20% decrease")
        let notEnough = try runPlacer(["compare", head, base, "--require-cost-decrease", "25%"])
        #expect(notEnough.status == 1)
    }

    @Test func jsonOutputToAFile() throws {
        let base = try temporary("base.json", result()), head = try temporary("head.json", result(cost: "90.00"))
        let out = (base as NSString).deletingLastPathComponent + "/diff.json"
        let run = try runPlacer(["compare", base, head, "--format", "json", "--out", out])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(object["schema"] as? String == "placer.compare/v1")
        #expect(object["changed"] as? Bool == true)
        let again = try runPlacer(["compare", base, head, "--format", "json"])
        #expect(again.stdout == (try String(contentsOfFile: out, encoding: .utf8)))
    }

    @Test func maxSizeFallsBackToTheSummary() throws {
        let base = try temporary("base.json", result()), head = try temporary("head.json", result(cost: "150.00"))
        let full = try runPlacer(["compare", base, head])
        #expect(full.stdout.contains("### Changes per function"))
        let short = try runPlacer(["compare", base, head, "--max-size", "\(full.stdout.utf8.count - 1)"])
        #expect(short.status == 0)
        #expect(!short.stdout.contains("### "))
        #expect(short.stdout.contains("_The full comparison is longer than \(full.stdout.utf8.count - 1) bytes"))
        let fits = try runPlacer(["compare", base, head, "--max-size", "\(full.stdout.utf8.count)"])
        #expect(fits.stdout == full.stdout)
        #expect(try runPlacer(["compare", base, head, "--max-size", "0"]).status == 2)
    }

    @Test func hostileNameIsEscaped() throws {
        let evil = "a|b<script>alert(1)</script>[x](https://e.example)"
        let base = try temporary("base.json", result(name: evil)), head = try temporary("head.json", result(cost: "150.00", name: evil))
        let run = try runPlacer(["compare", base, head])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("<script>"))
        #expect(!run.stdout.contains("a|b"))
        #expect(run.stdout.contains("a\\|b&lt;script&gt;"))
    }

    @Test func hostileTargetIdIsEscapedInCompareAndReportAndCleanOnTheTerminal() throws {
        let evil = "x86|`t`<script>alert(1)</script>\u{1B}[31m\u{202E}red\n]\""
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: evil, options: [.fragmentsAllowed]), as: UTF8.self)
        func hostile(_ text: String) -> String { text.replacingOccurrences(of: "\"aws-lambda-x86\"", with: quoted) }
        let base = try temporary("base.json", hostile(result())), head = try temporary("head.json", hostile(result(cost: "150.00")))
        let run = try runPlacer(["compare", base, head, "--fail-on-cost-increase", "10%"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("x86\\|\\`t\\`&lt;script&gt;"))
        #expect(!run.stdout.contains("<script>") && !run.stdout.contains("x86|") && !run.stdout.contains("\u{1B}"))
        #expect(!run.stdout.unicodeScalars.contains("\u{202E}") && run.stdout.contains("&lt;U\\+202E&gt;"))
        // The breach names the target on one line, with no escape sequence and no bidi control.
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("on x86|`t`<script>alert(1)</script> [31m<U+202E>red ]\":"), "\(run.stderr)")
        #expect(!run.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
        let out = (head as NSString).deletingLastPathComponent + "/head.md"
        let report = try runPlacer(["report", head, "--out", out])
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOfFile: out, encoding: .utf8)
        #expect(markdown.contains("x86\\|\\`t\\`&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\[31m&lt;U\\+202E&gt;red \\]\\\""))
        #expect(!markdown.contains("<script>") && !markdown.contains("x86|`t`") && !markdown.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
    }

    @Test func badInputExits65WithOneLine() throws {
        let good = try temporary("good.json", result())
        let broken = try temporary("broken.json", "{\"schema\": \"placer.result/v1\", \"seed\": ")
        let run = try runPlacer(["compare", good, broken])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error: \(broken): not valid JSON"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
        let v2 = try temporary("v2.json", result(schema: "placer.result/v2"))
        let other = try runPlacer(["compare", v2, good])
        #expect(other.status == 65)
        #expect(other.stderr == "error: \(v2): schema 'placer.result/v2' is not supported; this Placer reads placer.result/v1\n")
        let missing = try runPlacer(["compare", good, "/nonexistent/head.json"])
        #expect(missing.status == 65)
        let badDeployment = try temporary("d.yaml", "targets: [aws-lambda-x86]\nfunctions:\n  - match: \"*\"\n    memoryMB: lots\n")
        let deployment = try runPlacer(["compare", badDeployment, badDeployment, "--trace", repository.appendingPathComponent("datasets/invocations").path])
        #expect(deployment.status == 65)
        #expect(deployment.stderr.contains("\(badDeployment):4: functions[0].memoryMB"))
    }

    @Test func usageErrorsExitTwo() throws {
        let good = try temporary("good.json", result())
        let deployment = try temporary("d.yaml", "targets: [aws-lambda-x86]\n")
        for arguments in [["compare", good], ["compare", good, good, "--bogus"], ["compare", good, good, "--fail-on-cost-increase", "10parsecs"],
                          ["compare", good, good, "--fail-on-p99-increase", "5USD"], ["compare", good, good, "--format", "xml"],
                          ["compare", good, good, "--materiality"], ["compare", good, deployment]] {
            let run = try runPlacer(arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(!run.stderr.isEmpty)
            #expect(run.stdout.isEmpty)
        }
        #expect(try runPlacer(["compare", good, good, "--fail-on-cost-increase", "10parsecs"]).stderr.contains("'10parsecs' is not a percentage (10%) or an amount (50USD)"))
        #expect(try runPlacer(["compare", good, deployment]).stderr.contains("give --trace"))
        // Other commands keep 64.
        #expect(try runPlacer(["simulate", "--bogus"]).status == 64)
    }

    @Test func ciScriptComparesTheCommittedDeploymentsOverTheSampleTrace() throws {
        let script = repository.appendingPathComponent("scripts/ci-compare.sh").path
        let base = repository.appendingPathComponent("datasets/deployments/base.yaml").path
        let head = repository.appendingPathComponent("datasets/deployments/head.yaml").path
        let trace = repository.appendingPathComponent("datasets/invocations").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("placer-comment-\(UUID().uuidString).md").path
        func runScript(_ options: [String], head: String = head) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script, base, head, trace, out] + options
            process.environment = ProcessInfo.processInfo.environment.merging(["PLACER": placerExecutable]) { $1 }
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
        }
        let (status, comment) = try runScript(["--fail-on-cost-increase", "1000%", "--fail-on-new-violation", "--no-free-tier"])
        #expect(status == 0)
        #expect(comment.hasPrefix("<!-- placer-compare -->\n## Placer: what this change does to cost and latency\n"))
        #expect(comment.contains("**Within thresholds** (2 checked)."))
        #expect(comment.contains("| aws\\-lambda\\-x86 | \\$5."))
        #expect(comment.contains("- openfaas: keep-alive fixed idle 15 min → fixed idle 30 min"))
        #expect(comment.contains("| app\\-000008/fn\\-000027 | aws\\-lambda\\-x86 | 256 → 512 |"))
        let (breached, breachComment) = try runScript(["--fail-on-cost-increase", "10%", "--no-free-tier"])
        #expect(breached == 1)
        #expect(breachComment.contains("| ❌ breached | cost increase at most 10% | aws\\-lambda\\-x86 | +\\$"))
        let (usage, usageComment) = try runScript(["--fail-on-cost-increase", "lots"])
        #expect(usage == 2)
        #expect(usageComment.contains("could not compare this change (exit status 2)"))
        // Nothing material with --only-if-changed: no comment file at all.
        let (same, _) = try runScript(["--only-if-changed"], head: base)
        #expect(same == 0)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aChangeOfTraceIsComparedWithBaseTrace() throws {
        let head = repository.appendingPathComponent("datasets/deployments/head.yaml").path
        let run = try runPlacer(["compare", head, head, "--trace", repository.appendingPathComponent("datasets/invocations").path,
                                 "--base-trace", repository.appendingPathComponent("datasets/invocations-week").path,
                                 "--target", "aws-lambda-x86", "--no-free-tier", "--top", "100"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("BASE and HEAD replayed windows of different length \\(10079 and 1440 minutes\\)"))
        #expect(run.stdout.contains(" (new) |"))
    }

    @Test func infracostUsageFromAResult() throws {
        let file = try temporary("result.json", result(name: "check out\n# evil: 1"))
        let run = try runPlacer(["export", "infracost-usage", "--json", file])
        #expect(run.status == 0, "\(run.stderr)")
        // 1,000 calls in 12 hours → 60,000 a month; 50 GB-s at 0.5 GB over 1,000 calls → 100 ms each.
        #expect(run.stdout.contains("""
            version: 0.1
            resource_usage:
              aws_lambda_function._9-lives:
                # shop/9-lives (1024 MB, 1000 calls replayed)
                monthly_requests: 60000
                request_duration_ms: 10
              aws_lambda_function.check_out___evil__1:
                # shop/check out?# evil: 1 (512 MB, 1000 calls replayed)
                monthly_requests: 60000
                request_duration_ms: 100

            """))
        let deployment = try temporary("placer.yaml", "functions:\n  - match: \"shop/*\"\n    resource: module.api.aws_lambda_function.shop\n")
        let mapped = try runPlacer(["export", "infracost-usage", "--json", file, "--deployment", deployment])
        #expect(mapped.status == 0, "\(mapped.stderr)")
        // Both functions behind one address: requests add up, durations are averaged per request.
        #expect(mapped.stdout.hasSuffix("""
              module.api.aws_lambda_function.shop:
                # shop/9-lives (1024 MB, 1000 calls replayed)
                # shop/check out?# evil: 1 (512 MB, 1000 calls replayed)
                monthly_requests: 120000
                request_duration_ms: 55

            """))
        let notLambda = try runPlacer(["export", "infracost-usage", "--json", file, "--target", "cloud-run"])
        #expect(notLambda.status == 64)
        let broken = try runPlacer(["export", "infracost-usage", "--json", try temporary("x.json", "[1, 2")])
        #expect(broken.status == 65)
    }
}
