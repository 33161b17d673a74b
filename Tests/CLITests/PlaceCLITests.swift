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
    @Test func placesAnAzureTraceWithTotalsReasonsAndBreakEven() throws {
        let out1 = try tempFile("a.json"), out2 = try tempFile("b.json")
        let args = ["place", azureFixture, "--targets", "aws-lambda-x86,azure-consumption", "--onprem", "openfaas", "--workers", "2"]
        let run = try runPlacer(args + ["--json", out1])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Plans (saving against stay;"), "\(run.stdout)")
        #expect(run.stdout.contains("\nRecommended plan: "))
        #expect(run.stdout.contains("Break-even: on-prem overtakes"))
        let again = try runPlacer(args + ["--workers", "1", "--json", out2])
        #expect(again.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out1))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: out2))), "same inputs and seed, same bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let placement = try #require(object["placement"] as? [String: Any])
        let options = try #require(placement["options"] as? [[String: Any]])
        #expect(options.map { $0["id"] as? String } == ["stay", "fewest-moves", "one-provider", "cheapest"])
        #expect(options.last?["algorithm"] as? String == "exact")
        #expect(options.contains { $0["id"] as? String == placement["recommended"] as? String && $0["feasible"] as? Bool == true })
        let functions = try #require(placement["functions"] as? [[String: Any]])
        #expect(!functions.isEmpty && functions.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
        let breakEven = try #require(object["breakEven"] as? [String: Any])
        #expect((breakEven["scales"] as? [Double])?.count == 10)
        #expect((breakEven["crossovers"] as? [[String: Any]])?.count == 2)
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
