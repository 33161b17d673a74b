import Foundation
import Testing

// `placer place` end to end: a placement with its sections, the same bytes twice, located errors.

private let azureFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TracesTests/Fixtures/azure2019").path

private func tempFile(_ name: String, _ text: String? = nil) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("placer-place-\(UUID().uuidString)-\(name)").path
    if let text { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
    return path
}

@Suite(.serialized) struct PlaceCLITests {
    /// What only the process shows: the plans on standard output and the JSON file written (the
    /// plans, their feasibility and the same bytes on any thread count: UseCasesTests).
    @Test func placesAnAzureTraceWithTotalsReasonsAndBreakEven() throws {
        let out = try tempFile("a.json")
        let run = try runPlacer(["place", azureFixture, "--targets", "aws-lambda-x86,azure-consumption", "--onprem", "openfaas", "--json", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Plans (saving against stay;"), "\(run.stdout)")
        #expect(run.stdout.contains("\nRecommended plan: "))
        #expect(run.stdout.contains("Break-even: on-prem overtakes"))
        #expect(run.stderr == "note: current target taken as azure-consumption (the trace is Azure's); --current to change\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(object["placement"] is [String: Any] && object["breakEven"] is [String: Any])
    }

    @Test func badOnPremInputExits65WithItsLine() throws {
        let file = try tempFile("placer.yaml", "onprem:\n  server:\n    cores: 64\n    priceUSD: cheap\n")
        let run = try runPlacer(["place", azureFixture, "--deployment", file, "--targets", "aws-lambda-x86"])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error: \(file):4: onprem.server.priceUSD: expected a number"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let cloud = try runPlacer(["place", azureFixture, "--onprem", "aws-lambda-x86"])
        #expect(cloud.status == 64)
    }
}
