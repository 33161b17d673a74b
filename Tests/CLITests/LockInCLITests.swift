import Foundation
import Testing

// `placer lockin` end to end: table, JSON, exit statuses.


private let azureFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TracesTests/Fixtures/azure2019").path

private func deploymentFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("placer-lockin-\(UUID().uuidString).yaml").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite(.serialized) struct LockInCLITests {
    @Test func tableAndJSONForAnAzureTrace() throws {
        let table = try runPlacer(["lockin", azureFixture, "--targets", "azure-consumption,aws-lambda-x86,knative"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Lock-in score per function"))
        #expect(table.stdout.contains("Moving off azure-consumption"))
        #expect(table.stderr.contains("current target taken as azure-consumption"))
        let json = try runPlacer(["lockin", azureFixture, "--json", "--targets", "knative,openfaas"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "placer.lockin/v1")
        #expect((object["targets"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["knative", "openfaas"])
    }

    @Test func badVocabularyExits65WithOneLocatedLine() throws {
        let file = try deploymentFile("functions:\n  - match: \"*\"\n    dataClasses: [phi, medical]\n")
        let run = try runPlacer(["lockin", azureFixture, "--deployment", file])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error: \(file):3: functions[0].dataClasses: unknown data class 'medical'"))
        #expect(run.stdout.isEmpty)
    }

    @Test func unknownRegionIsAnErrorAndUnmetRequirementFailsOnlyWhenStrict() throws {
        let region = try deploymentFile("requirements:\n  regions: [atlantis]\n")
        let bad = try runPlacer(["lockin", azureFixture, "--deployment", region, "--targets", "knative"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("region 'atlantis' is not a region, country or area"))
        let unmet = try deploymentFile("requirements:\n  dataClasses: [phi]\n  onPremOnly: true\n")
        let lenient = try runPlacer(["lockin", azureFixture, "--deployment", unmet, "--targets", "aws-lambda-x86"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning: requirements 'phi; hipaa; on-prem only'"))
        #expect(lenient.stdout.contains("not allowed on aws-lambda-x86: must stay on-prem"))
        let strict = try runPlacer(["lockin", azureFixture, "--deployment", unmet, "--targets", "aws-lambda-x86", "--strict"])
        #expect(strict.status == 65)
    }
}
