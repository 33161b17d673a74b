import Advice
import Deployment
import Pricing
import Testing

// `placer lockin` checks a function against the global requirements and its rules' together.

private let bundled: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()

private let clinic = FunctionUse(app: "clinic", function: "records", trigger: "http")
private let shop = FunctionUse(app: "shop", function: "cart", trigger: "http")

private func analyse(_ yaml: String, candidates: [String]) throws -> LockInReport {
    let plan = try Deployment.parse(yaml, file: "placer.yaml")
    return Advisor.analyse(LockInRequest(functions: [clinic, shop], candidates: try candidates.map { try bundled.profile($0) },
                                         catalog: bundled, deployment: plan, current: "knative"))
}

@Test func soc2GloballyAndHIPAAInARuleAreBothChecked() throws {
    let yaml = """
        requirements:
          certifications: [soc2]
        functions:
          - match: "clinic/*"
            certifications: [hipaa]
        onprem:
          certifications: [%@]
        """
    // A site with HIPAA but not SOC 2 fails the global requirement, one with SOC 2 only the rule's.
    let hipaaOnly = try analyse(yaml.replacingOccurrences(of: "%@", with: "hipaa"), candidates: ["knative"])
    let records = try #require(hipaaOnly.functions.first { $0.function == "records" })
    #expect(records.requirements.certifications == ["soc2", "hipaa"])
    #expect(records.compliance.first?.allowed == false)
    #expect(records.compliance.first?.reason.contains("soc2") == true)
    let soc2Only = try analyse(yaml.replacingOccurrences(of: "%@", with: "soc2"), candidates: ["knative"])
    let again = try #require(soc2Only.functions.first { $0.function == "records" })
    #expect(again.compliance.first?.allowed == false && again.compliance.first?.reason.contains("hipaa") == true)
    #expect(soc2Only.functions.first { $0.function == "cart" }?.compliance.first?.allowed == true)
    let both = try analyse(yaml.replacingOccurrences(of: "%@", with: "soc2, hipaa"), candidates: ["knative"])
    #expect(both.functions.allSatisfy { $0.compliance.allSatisfy(\.allowed) })
}

@Test func regionListsIntersectAndTheLowerLockInCeilingHolds() throws {
    let report = try analyse("""
        requirements:
          regions: [europe]
          maxLockIn: 60
        functions:
          - match: "clinic/*"
            regions: [de, us-east-1]
            maxLockIn: 90
        """, candidates: ["aws-lambda-x86", "azure-consumption"])
    let records = try #require(report.functions.first { $0.function == "records" })
    #expect(records.requirements.maxLockIn == 60)
    #expect(records.requirements.regions == [["europe"], ["de", "us-east-1"]])
    // Lambda scores 65 for an HTTP function: over the global 60, though under the rule's 90.
    let lambda = try #require(records.compliance.first { $0.target == "aws-lambda-x86" })
    #expect(!lambda.allowed && lambda.reason == "lock-in 65 exceeds the allowed 60")
    // Europe and (Germany or us-east-1): Germany only, never us-east-1 nor another European country.
    let azure = try #require(records.compliance.first { $0.target == "azure-consumption" })
    #expect(azure.allowed && !azure.regions.isEmpty, "\(azure.reason)")
    #expect(azure.regions.allSatisfy { bundled.profiles["azure-consumption"]?.compliance?.regions[$0] == "de" })
    // The shop function has the global requirements only: anywhere in Europe.
    let cart = try #require(report.functions.first { $0.function == "cart" })
    #expect(cart.compliance.first { $0.target == "azure-consumption" }?.regions.contains("westeurope") == true)
}
