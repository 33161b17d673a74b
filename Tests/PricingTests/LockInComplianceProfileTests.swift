import Foundation
import Testing
@testable import Pricing

// Lock-in and compliance sections of the profiles: present, sourced, and validated.

private func lambdaText(_ replace: String, with replacement: String) throws -> String {
    let url = try #require(Catalog.bundledDirectory)
    let text = try String(contentsOf: url.appendingPathComponent("aws-lambda-x86.yaml"), encoding: .utf8)
    #expect(text.contains(replace), "fixture text to replace is missing: \(replace)")
    return text.replacingOccurrences(of: replace, with: replacement)
}

private func problems(_ text: String) -> [ProfileIssue] {
    switch Catalog.parse(text, file: "broken.yaml") {
    case .success: return []
    case .failure(.invalid(let found)): return found.issues
    case .failure(let other): return [ProfileIssue(file: "broken.yaml", line: 0, path: "", message: other.description)]
    }
}

@Test func everyBundledTargetHasLockInAndEveryCloudTargetCompliance() throws {
    let catalog = try Catalog.bundled()
    for id in catalog.ids {
        let p = try catalog.profile(id)
        let lockIn = try #require(p.lockIn, "\(id) has no lockIn section")
        #expect(Set(lockIn.triggers.keys) == Set(LockIn.triggerGroups), "\(id)")
        for name in [lockIn.handler.source, lockIn.packagingSource, lockIn.runtime.source] + lockIn.triggers.values.map(\.source) {
            #expect(p.sources[name] != nil, "\(id): source \(name)")
        }
        if p.kind == .cloud {
            let compliance = try #require(p.compliance, "\(id) has no compliance section")
            #expect(!compliance.regions.isEmpty)
            for c in compliance.certifications {
                #expect(ComplianceVocabulary.certifications[c.id] != nil)
                #expect(p.sources[c.source]?.read == "2026-11-29", "\(id).\(c.id)")
            }
        } else {
            #expect(p.compliance == nil, "\(id): on-prem compliance comes from the deployment")
        }
    }
    // The facts the issue's tests lean on.
    #expect(try catalog.profile("azure-consumption").lockIn?.triggers["orchestration"]?.service == "Durable Functions")
    #expect(try catalog.profile("aws-lambda-x86").compliance?.certification("hipaa").isEmpty == false)
    #expect(try catalog.profile("oci-functions").compliance?.certification("hipaa").isEmpty == true)
    // FedRAMP High implies Moderate, only in the regions it covers.
    let azure = try #require(try catalog.profile("azure-consumption").compliance)
    #expect(azure.certification("fedramp-moderate").first?.regions?.contains("eastus") == true)
    #expect(azure.certification("fedramp-moderate").first?.regions?.contains("westeurope") == false)
}

@Test func unknownCertificationIsRejectedWithTheKnownList() throws {
    let text = try lambdaText("    soc1: {source: aws-scope-assumed}\n", with: "    soc-two: {source: aws-scope-assumed}\n")
    let issue = try #require(problems(text).first { $0.path == "compliance.certifications.soc-two" })
    #expect(issue.message.contains("unknown certification 'soc-two'"))
    #expect(issue.message.contains("hipaa"))
    #expect(issue.line > 0)
}

@Test func badCountryAreaAsRegionAndUnofferedCertificationRegionAreRejected() throws {
    let country = try lambdaText("      eu-west-1: ie\n", with: "      eu-west-1: Ireland\n")
    #expect(problems(country).contains { $0.path == "compliance.regions.offered.eu-west-1" && $0.message.contains("two-letter") })
    let area = try lambdaText("      eu-west-1: ie\n", with: "      eu: ie\n")
    #expect(problems(area).contains { $0.message.contains("names an area") })
    let scope = try lambdaText("regions: [us-gov-west-1, us-gov-east-1]", with: "regions: [us-gov-west-1, us-gov-north-9]")
    #expect(problems(scope).contains { $0.path == "compliance.certifications.fedramp-high.regions" && $0.message.contains("us-gov-north-9") })
}

@Test func lockInVocabularyAndCompletenessAreChecked() throws {
    let kind = try lambdaText("queue: {kind: native, service: \"SQS\"", with: "queue: {kind: managed, service: \"SQS\"")
    let issue = try #require(problems(kind).first { $0.path == "lockIn.triggers.queue.kind" })
    #expect(issue.message.contains("native, open, portable, none"))
    let missing = try lambdaText("    storage: {kind: native, service: \"S3 event notifications\", source: lockin-aws}\n", with: "")
    #expect(problems(missing).contains { $0.path == "lockIn.triggers.storage" && $0.message == "missing" })
    let api = try lambdaText("handler: {api: proprietary", with: "handler: {api: lambda")
    #expect(problems(api).contains { $0.path == "lockIn.handler.api" })
    let unsourced = try lambdaText("activity: active, note: \"managed service; no self-hosted Lambda\", source: lockin-aws}", with: "activity: active, source: nowhere}")
    #expect(problems(unsourced).contains { $0.path == "lockIn.runtime.source" && $0.message.contains("'nowhere' is not defined") })
}

@Test func onPremComplianceSectionIsRejected() throws {
    let url = try #require(Catalog.bundledDirectory)
    let text = try String(contentsOf: url.appendingPathComponent("knative.yaml"), encoding: .utf8)
        + "compliance:\n  certifications: {}\n"
    #expect(problems(text).contains { $0.path == "compliance" && $0.message.contains("onprem.certifications") })
}
