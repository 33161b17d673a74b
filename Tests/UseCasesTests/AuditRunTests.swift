import Foundation
import Pricing
import Results
import Simulation
import TerminalText
import Testing
import UseCases

// `placer catalog audit` over a result the replay wrote.

@Suite struct AuditRunTests {
    private func simulatedResult(in dir: URL) throws -> String {
        let trace = try twoFunctionTrace(in: dir)
        let run = try SimulationRun.run(SimulationRequest(paths: [trace], targets: ["aws-lambda-x86", "cloud-run", "knative"]))
        let path = dir.appendingPathComponent("result.json").path
        try Data(run.result.json().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func auditReBillsTheRecordedUsageExactlyAndRanksTheMoves() throws {
        let dir = try scratch()
        let result = try simulatedResult(in: dir)
        let report = try CatalogAuditRun.run(.init(asOf: "2026-12-04", result: result))
        #expect(report.targets.map(\.target) == ["aws-lambda-x86", "cloud-run", "knative"])
        for cloud in report.targets.prefix(2) {
            // The recorded usage, re-billed with the same catalog, gives the recorded bill.
            let rebilled = try #require(cloud.rebilled, "\(cloud.target): \(cloud.note ?? "")")
            let recorded = try #require(cloud.recorded)
            #expect(abs(rebilled - recorded) <= Decimal(string: "0.000001")!, "\(cloud.target)")
            #expect(cloud.note == nil, "\(cloud.target): \(cloud.note ?? "")")
        }
        let lambda = report.targets[0]
        #expect(lambda.needsReplay.contains { $0.path == "keepAlive.idle" }, "keep-alive is assumed and needs a replay")
        #expect(!lambda.swings.contains { FigureScaling.isRebillable($0.row.path) == false })
        let knative = report.targets[2]
        #expect(knative.rebilled == nil && knative.recorded == nil && knative.note?.contains("on-prem") == true)
        // Ranked: largest move first, every move measured from the re-bill.
        let ranking = report.ranking
        #expect(!ranking.isEmpty)
        #expect(zip(ranking, ranking.dropFirst()).allSatisfy { $0.magnitude >= $1.magnitude })
        #expect(ranking.allSatisfy { $0.row.doubtful })
        // Same inputs, same bytes.
        let again = try CatalogAuditRun.run(.init(asOf: "2026-12-04", result: result))
        #expect(CatalogAuditRun.json(report) == CatalogAuditRun.json(again))
        #expect(CatalogAuditText.render(report) == CatalogAuditText.render(again))
        #expect(CatalogAuditText.render(report).contains("needs a replay: "))
    }

    @Test func auditOfAResultWithoutUsageSaysSoAndBadInputsHaveTheirKinds() throws {
        let dir = try scratch()
        let result = try simulatedResult(in: dir)
        // A result written before usage was recorded: its bills' usage is gone.
        var text = try String(contentsOfFile: result, encoding: .utf8)
        text = text.replacingOccurrences(of: #""usage":"#, with: #""usageGone":"#)
        let old = try write(text, "old.json", in: dir)
        let report = try CatalogAuditRun.run(.init(asOf: "2026-12-04", result: old))
        #expect(report.targets[0].rebilled == nil && report.targets[0].note?.contains("records no usage") == true)
        let gz = try write("\u{1F}\u{8B}", "r.json.gz", in: dir)
        #expect(useCaseError { _ = try CatalogAuditRun.run(.init(asOf: "2026-12-04", result: gz)) }?.kind == .badInput)
        #expect(useCaseError { _ = try CatalogAuditRun.run(.init(asOf: "4 Dec")) }?.kind == .usage)
        #expect(useCaseError { _ = try CatalogAuditRun.run(.init(asOf: "2026-12-04", olderThanDays: -1)) }?.kind == .usage)
        let listed = try CatalogAuditRun.run(.init(asOf: "2026-12-04", olderThanDays: 3))
        #expect(!listed.rows.isEmpty && listed.rows.allSatisfy { $0.ageDays > 3 })
        #expect(listed.rows.contains { $0.owner == "onprem-defaults" }, "the on-prem defaults are audited too")
    }
}
