@testable import Export
import Foundation
import Testing

@Suite struct InfracostUsageTests {
    @Test func namesBecomeTerraformIdentifiers() {
        #expect(InfracostUsage.address(function: "resize") == "aws_lambda_function.resize")
        #expect(InfracostUsage.address(function: "9lives") == "aws_lambda_function._9lives")
        #expect(InfracostUsage.address(function: "-x") == "aws_lambda_function._-x")
        #expect(InfracostUsage.address(function: "a.b/c d") == "aws_lambda_function.a_b_c_d")
        #expect(InfracostUsage.address(function: "café") == "aws_lambda_function.caf_")
        #expect(InfracostUsage.address(function: "") == "aws_lambda_function._")
    }

    @Test func clashesTakeTheAppThenANumber() throws {
        var fixture = Fixture()
        fixture.targets[0].functions = [
            Fixture.Function(app: "a", name: "resize", billedGBSeconds: 25),
            Fixture.Function(app: "b", name: "resize", billedGBSeconds: 25),
            Fixture.Function(app: "c", name: "a.b"),
            Fixture.Function(app: "c", name: "a_b"),
        ]
        let doc = try fixture.document()
        let entries = try InfracostUsage.entries(doc, target: doc.targets[0]) { _ in nil }
        // `a.b` and `a_b` clash, and still clash with their app: the second in id order gets `_2`.
        #expect(entries.map(\.address) == ["aws_lambda_function.a_resize", "aws_lambda_function.b_resize",
                                           "aws_lambda_function.c_a_b", "aws_lambda_function.c_a_b_2"])
        #expect(entries[2].functions.first?.hasPrefix("c/a.b ") == true)
        // 1,000 calls a day → 30,000 a month; 25 GB-s at 0.25 GB over 1,000 calls → 100 ms.
        #expect(entries[0].monthlyRequests == 30000)
        #expect(entries[0].requestDurationMs == 100)
    }

    @Test func anExplicitAddressMustLookLikeOne() throws {
        let doc = try Fixture().document()
        #expect(throws: InfracostUsage.AddressError.self) {
            try InfracostUsage.entries(doc, target: doc.targets[0]) { _ in "aws_lambda_function.x\nversion: 2" }
        }
        let quoted = try InfracostUsage.entries(doc, target: doc.targets[0]) { f in f.function == "search" ? #"module.m["k"].aws_lambda_function.s"# : nil }
        let yaml = InfracostUsage.yaml(quoted, result: doc, target: doc.targets[0])
        #expect(yaml.contains(#"  "module.m[\"k\"].aws_lambda_function.s":"#))
        #expect(yaml.hasPrefix("# Infracost usage file"))
        #expect(yaml.contains("\nversion: 0.1\nresource_usage:\n"))
    }
}
