import Advice
import Deployment
import Pricing
import Testing

// A function pinned with `target:` is held to its requirements there, candidate or not.

private let bundled: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()

private let fleet = [
    FunctionUse(app: "clinic", function: "records", trigger: "http"),
    FunctionUse(app: "clinic", function: "saga", trigger: "orchestration"),
    FunctionUse(app: "shop", function: "cart", trigger: "http"),
]

private func analyse(_ yaml: String, candidates: [String] = ["azure-consumption", "knative"], current: String? = nil) throws -> LockInReport {
    Advisor.analyse(LockInRequest(functions: fleet, candidates: try candidates.map { try bundled.profile($0) }, catalog: bundled,
                                  deployment: try Deployment.parse(yaml, file: "placer.yaml"), current: current))
}

@Test func aPinThatBreaksAGlobalRequirementIsAViolation() throws {
    // HIPAA comes from the rule, the EU from the global section; OCI Functions (not a candidate)
    // has no BAA, Lambda (not a candidate either) holds HIPAA but scores 85 for an orchestration.
    let report = try analyse("""
        requirements:
          regions: [eu]
          maxLockIn: 80
        functions:
          - match: "clinic/records"
            dataClasses: [phi]
            target: oci-functions
          - match: "clinic/saga"
            target: aws-lambda-x86
          - match: "shop/*"
            target: azure-consumption
            region: westeurope
        """)
    let records = try #require(report.pinVerdict(app: "clinic", function: "records"))
    #expect(records.target == "oci-functions" && !records.allowed && records.reason.contains("hipaa"))
    let saga = try #require(report.pinVerdict(app: "clinic", function: "saga"))
    #expect(!saga.allowed && saga.reason == "lock-in 85 exceeds the allowed 80")
    let cart = try #require(report.pinVerdict(app: "shop", function: "cart"))
    #expect(cart.allowed && cart.regions.contains("westeurope"))
    // Both broken pins are violations, marked as pins; the allowed one is not.
    #expect(report.violations.map(\.function).sorted() == ["records", "saga"])
    #expect(report.violations.allSatisfy { $0.pinned })
    #expect(report.text().contains("clinic/records pinned to oci-functions: hipaa not recorded"))
    #expect(report.json().contains("\"pinned\" : true"))
}

@Test func anUnpinnedFunctionHasNoPinVerdictAndItsViolationIsNotAPin() throws {
    let report = try analyse("""
        functions:
          - match: "shop/*"
            onPremOnly: true
        """, current: "azure-consumption")
    #expect(report.functions.allSatisfy { $0.pin == nil })
    let cart = try #require(report.violations.first)
    #expect(report.violations.count == 1 && cart.function == "cart" && !cart.pinned && cart.reason.contains("must stay on-prem"))
    #expect(!report.json().contains("\"pin\" :"))
}

@Test func aPinToAnUnknownTargetIsNotAllowedAndAnError() throws {
    let report = try analyse("functions:\n  - match: \"shop/*\"\n    target: lambada\n")
    let cart = try #require(report.pinVerdict(app: "shop", function: "cart"))
    #expect(!cart.allowed && cart.reason == "target 'lambada' is not in the catalog")
    #expect(report.hasErrors)
}

@Test func pinVerdictWithoutAReportAgreesWithTheReport() throws {
    let yaml = """
        requirements:
          certifications: [soc2]
        functions:
          - match: "clinic/*"
            certifications: [hipaa]
            target: knative
        onprem:
          certifications: [soc2]
        """
    let plan = try Deployment.parse(yaml, file: "placer.yaml")
    let report = try analyse(yaml)
    for f in fleet where f.app == "clinic" {
        let settings = plan.settings(function: f.function, app: f.app)
        let direct = Advisor.pinVerdict(f, requirements: Requirements(settings), pin: "knative", catalog: bundled, site: plan.site)
        #expect(direct == report.pinVerdict(app: f.app, function: f.function))
        // The rule's HIPAA adds to the global SOC 2, and the site holds only SOC 2.
        #expect(!direct.allowed && direct.reason.contains("hipaa"))
    }
}
