import Advice
import Deployment
import Foundation
import Pricing
import Testing

// MARK: - Helpers

private let catalog: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()

private func profile(_ id: String) throws -> Profile { try catalog.profile(id) }
private var allProfiles: [Profile] { catalog.ids.compactMap { catalog.profiles[$0] } }

private func use(_ trigger: String?, bindings: [String] = [], name: String = "f") -> FunctionUse {
    FunctionUse(app: "app", function: name, trigger: trigger, bindings: bindings)
}

private func score(_ trigger: String?, on id: String, bindings: [String] = []) throws -> Int {
    try #require(LockInModel.score(use(trigger, bindings: bindings), on: try profile(id))).score
}

private func estimate(_ trigger: String?, _ from: String, _ to: String, bindings: [String] = []) throws -> MigrationEstimate {
    try #require(MigrationModel.estimate(use(trigger, bindings: bindings), from: try profile(from), to: try profile(to)))
}

private func deployment(_ yaml: String) throws -> Deployment { try Deployment.parse(yaml, file: "placer.yaml") }

/// Country of every region a profile offers.
private func country(_ region: String, on p: Profile) -> String? { p.compliance?.regions[region] }

// MARK: - Lock-in scores

/// Azure by hand: handler proprietary 25, HTTP trigger binding native 25, runtime open and
/// self-hostable 0, active 0 → 50. An orchestrator adds Durable Functions as its trigger (25)
/// and its workflow (20) in place of the HTTP trigger → 70.
@Test func orchestrationScoresHigherOnAzureThanHTTPByHand() throws {
    #expect(try score("http", on: "azure-consumption") == 50)
    #expect(try score("orchestration", on: "azure-consumption") == 70)
    let breakdown = try #require(LockInModel.score(use("orchestration"), on: try profile("azure-consumption")))
    #expect(breakdown.components.map(\.points).reduce(0, +) == breakdown.score)
    #expect(breakdown.components.contains { $0.name == "orchestration" && $0.reason.contains("Durable Functions") })
}

/// On every target that owns an orchestration service, an orchestration function is more
/// locked-in than an HTTP one, and more locked-in than on a target whose orchestration is open
/// source. (A target with none scores its orchestration parts as high: MissingCapabilityTests.
/// This test used to expect less there, the rule issue 17 reversed.)
@Test func orchestrationScoresHigherOnTheProviderThatOwnsIt() throws {
    let owners = allProfiles.filter { $0.lockIn?.triggers["orchestration"]?.kind == .native }
    #expect(Set(owners.map(\.id)).isSuperset(of: ["azure-consumption", "azure-flex", "aws-lambda-x86", "aws-lambda-arm64"]))
    for p in owners {
        #expect(try score("orchestration", on: p.id) > score("http", on: p.id), "\(p.id)")
        for other in allProfiles where other.lockIn?.triggers["orchestration"]?.kind == .open {
            #expect(try score("orchestration", on: p.id) > score("orchestration", on: other.id), "\(p.id) vs \(other.id)")
        }
    }
    // Declared as a binding, orchestration counts too.
    #expect(try score("http", on: "azure-consumption", bindings: ["orchestration"]) > score("http", on: "azure-consumption"))
}

@Test func scoresStayWithinBoundsAndPortableTargetsScoreLowest() throws {
    for p in allProfiles {
        for trigger in LockIn.triggerGroups + ["unheard-of"] {
            for bindings in [[], ["queue", "storage"], ["orchestration", "event"]] {
                let s = try #require(LockInModel.score(use(trigger, bindings: bindings), on: p))
                #expect((0...100).contains(s.score), "\(p.id) \(trigger)")
                #expect(s.components.allSatisfy { $0.points >= 0 && $0.points <= $0.max })
            }
        }
    }
    #expect(try score("http", on: "knative") == 0)
    #expect(try score("http", on: "openfaas") == 0)
    #expect(try score("http", on: "aws-lambda-x86") > score("http", on: "cloud-run"))
}

// MARK: - Migration

@Test func migrationIsSymmetricOnlyWhereContractsAre() throws {
    for trigger in ["http", "queue", "orchestration"] {
        // Same contract, same services: only the redeploy, both ways.
        #expect(try estimate(trigger, "aws-lambda-x86", "aws-lambda-arm64").points == MigrationModel.redeploy)
        #expect(try estimate(trigger, "aws-lambda-arm64", "aws-lambda-x86").points == MigrationModel.redeploy)
        #expect(try estimate(trigger, "azure-consumption", "azure-flex").steps.map(\.kind) == ["redeploy"])
        // Two HTTP-in-an-image platforms: symmetric, except for what only one of them offers.
        if trigger != "orchestration" {
            #expect(try estimate(trigger, "openfaas", "knative").points == estimate(trigger, "knative", "openfaas").points)
        }
        // Two proprietary clouds: equally hard both ways.
        #expect(try estimate(trigger, "aws-lambda-x86", "azure-consumption").points == estimate(trigger, "azure-consumption", "aws-lambda-x86").points)
    }
    // Off Lambda onto Knative means wrapping the handler and building an image; back only needs
    // the Lambda Web Adapter: asymmetric, and cheaper towards the adapter.
    let out = try estimate("http", "aws-lambda-x86", "knative")
    let back = try estimate("http", "knative", "aws-lambda-x86")
    #expect(out.points == 9 && back.points == 5)
    #expect(out.steps.map(\.kind) == ["adapt-handler", "replace-trigger", "repackage", "redeploy"])
    #expect(back.steps.contains { $0.reason.contains("adapter") })
    // Knative has Sequence/Parallel flows, OpenFaaS has no orchestration: a workflow built on
    // Knative must be rebuilt on the way out, while the team's own workflow code moves in with
    // only the redeploy.
    #expect(try estimate("orchestration", "openfaas", "knative").points == MigrationModel.redeploy)
    #expect(try estimate("orchestration", "knative", "openfaas").points == MigrationModel.buildOrchestration + MigrationModel.redeploy)
    // IronFunctions imports Lambda functions; nothing imports IronFunctions.
    #expect(try estimate("http", "aws-lambda-x86", "ironfunctions").steps.contains { $0.reason.contains("imports") })
    // Staying put costs nothing, for every target and usage.
    for p in allProfiles {
        for trigger in LockIn.triggerGroups {
            #expect(MigrationModel.estimate(use(trigger, bindings: ["queue"]), from: p, to: p)?.points == 0, "\(p.id) \(trigger)")
        }
    }
}

@Test func movingOrchestrationOffAzureMeansRewritingDurableFunctions() throws {
    let toLambda = try estimate("orchestration", "azure-consumption", "aws-lambda-x86")
    #expect(toLambda.steps.contains { $0.kind == "replace-orchestration" && $0.reason == "rewrite Durable Functions orchestration as Step Functions" })
    let toOpenFaaS = try estimate("orchestration", "azure-consumption", "openfaas")
    let step = try #require(toOpenFaaS.steps.first { $0.kind == "replace-orchestration" })
    #expect(step.points == MigrationModel.buildOrchestration)
    #expect(step.reason.contains("openfaas has none"))
    // An HTTP function moving the same way needs no orchestration work.
    #expect(try !estimate("http", "azure-consumption", "openfaas").steps.contains { $0.kind == "replace-orchestration" })
    let summary = MigrationSummary(from: "azure-consumption", to: "aws-lambda-x86",
                                   estimates: [toLambda, try estimate("http", "azure-consumption", "aws-lambda-x86")])
    #expect(summary.functions == 2 && summary.points == toLambda.points + 6 + MigrationModel.redeploy)
    #expect(summary.steps.first { $0.kind == "adapt-handler" }?.functions == 2)
}

// MARK: - Compliance

private let sites = [OnPremSite(), OnPremSite(certifications: ["hipaa"], regions: ["de"]),
                     OnPremSite(certifications: ["soc2"], regions: ["us"]), OnPremSite(certifications: ["fedramp-high", "hipaa"], regions: ["eu"])]

@Test func phiIsNeverAllowedWithoutHIPAAEligibility() throws {
    let variants = [Requirements(dataClasses: ["phi"]), Requirements(dataClasses: ["phi", "eu-personal"]),
                    Requirements(dataClasses: ["phi"], regions: [["us"]]), Requirements(dataClasses: ["phi", "pci"])]
    var allowedSomewhere = 0
    for p in allProfiles {
        for site in sites {
            for req in variants {
                let v = ComplianceModel.verdict(req, on: p, site: site)
                let eligible = p.kind == .onprem ? site.certifications.contains("hipaa") : !(p.compliance?.certification("hipaa").isEmpty ?? true)
                if v.allowed {
                    allowedSomewhere += 1
                    #expect(eligible, "\(p.id) allowed phi without HIPAA: \(v.reason)")
                }
                if !eligible { #expect(!v.allowed) }
            }
        }
    }
    #expect(allowedSomewhere > 0, "the test must see both outcomes")
    let oci = ComplianceModel.verdict(Requirements(dataClasses: ["phi"]), on: try profile("oci-functions"), site: OnPremSite())
    #expect(!oci.allowed && oci.reason.contains("hipaa"))
}

@Test func euOnlyFunctionNeverRunsOutsideTheEU() throws {
    let eu: Set<String> = ["at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it",
                           "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se"]
    var seenAllowed = 0, seenRefused = 0
    for p in allProfiles {
        for site in sites + [OnPremSite(regions: ["us", "de"])] {
            for req in [Requirements(regions: [["eu"]]), Requirements(dataClasses: ["pci"], regions: [["eu"]])] {
                let v = ComplianceModel.verdict(req, on: p, site: site)
                if v.allowed {
                    seenAllowed += 1
                    #expect(!v.regions.isEmpty)
                    for region in v.regions {
                        let c = p.kind == .cloud ? country(region, on: p) : region
                        #expect(c.map { eu.contains($0) || $0 == "eu" } == true, "\(p.id) allowed in \(region)")
                    }
                } else {
                    seenRefused += 1
                }
            }
        }
    }
    #expect(seenAllowed > 0 && seenRefused > 0)
    // Switzerland and the UK are in Europe but not in the EU.
    let lambda = ComplianceModel.verdict(Requirements(regions: [["eu"]]), on: try profile("aws-lambda-x86"), site: OnPremSite())
    #expect(lambda.allowed && lambda.regions.contains("eu-central-1") && !lambda.regions.contains("eu-central-2") && !lambda.regions.contains("eu-west-2"))
    let onPremUS = ComplianceModel.verdict(Requirements(regions: [["eu"]]), on: try profile("knative"), site: OnPremSite(regions: ["us"]))
    #expect(!onPremUS.allowed && onPremUS.reason.contains("no region in eu"))
    let undeclared = ComplianceModel.verdict(Requirements(regions: [["eu"]]), on: try profile("knative"), site: OnPremSite())
    #expect(!undeclared.allowed && undeclared.reason.contains("onprem.regions"))
}

@Test func certificationsScopedToRegionsAndImplied() throws {
    // CUI needs FedRAMP Moderate in the US: Azure holds High (which covers Moderate) in US regions only.
    let azure = ComplianceModel.verdict(Requirements(dataClasses: ["cui"]), on: try profile("azure-consumption"), site: OnPremSite())
    #expect(azure.allowed && azure.regions.contains("eastus") && !azure.regions.contains("canadacentral"))
    // Lambda's High is GovCloud only: a fedramp-high function in an EU region cannot run there.
    let lambda = ComplianceModel.verdict(Requirements(certifications: ["fedramp-high"], regions: [["eu"]]), on: try profile("aws-lambda-x86"), site: OnPremSite())
    #expect(!lambda.allowed && lambda.reason.contains("fedramp-high only in us-gov-east-1, us-gov-west-1"))
    // A verdict resting on assumed data says so.
    let pci = ComplianceModel.verdict(Requirements(dataClasses: ["pci"]), on: try profile("aws-lambda-x86"), site: OnPremSite())
    #expect(pci.allowed && pci.assumed.contains("aws-lambda-x86:aws-scope-assumed"))
}

@Test func onPremOnlyAndMaxLockInAreRequirements() throws {
    let stay = Requirements(onPremOnly: true)
    #expect(!ComplianceModel.verdict(stay, on: try profile("cloud-run"), site: OnPremSite()).allowed)
    #expect(ComplianceModel.verdict(stay, on: try profile("knative"), site: OnPremSite()).allowed)
    let loose = Requirements(maxLockIn: 40)
    let lambda = ComplianceModel.verdict(loose, on: try profile("aws-lambda-x86"), site: OnPremSite(), lockIn: try score("http", on: "aws-lambda-x86"))
    #expect(!lambda.allowed && lambda.reason == "lock-in 65 exceeds the allowed 40")
    #expect(ComplianceModel.verdict(loose, on: try profile("knative"), site: OnPremSite(), lockIn: 0).allowed)
}

// MARK: - Deployment vocabulary and the whole analysis

@Test(arguments: [
    ("defaults:\n  dataClasses: [phi, secret-sauce]\n", "unknown data class 'secret-sauce'"),
    ("requirements:\n  certifications: [hipa]\n", "unknown certification 'hipa'"),
    ("functions:\n  - match: \"*\"\n    bindings: [queues]\n", "unknown binding 'queues'"),
    ("onprem:\n  certifications: [iso9001]\n", "unknown certification 'iso9001'"),
])
func badVocabularyInTheDeploymentIsRejectedWithLineAndChoices(yaml: String, message: String) throws {
    do {
        _ = try deployment(yaml)
        Issue.record("accepted: \(yaml)")
    } catch let error as DeploymentError {
        #expect(error.message.contains(message), "\(error)")
        #expect(error.message.contains("known: "))
        #expect(error.line != nil && error.line! > 0)
        #expect(error.description.hasPrefix("placer.yaml:"))
    }
}

private let fleet = [
    FunctionUse(app: "shop", function: "checkout", trigger: "http", invocations: 10),
    FunctionUse(app: "shop", function: "order-saga", trigger: "orchestration", invocations: 5),
    FunctionUse(app: "clinic", function: "records", trigger: "queue", invocations: 7),
    FunctionUse(app: "clinic", function: "nightly", trigger: nil, invocations: 1),
]

@Test func analysisReportsViolationsUnmetRequirementsAndUnknownRegions() throws {
    let plan = try deployment("""
        requirements:
          regions: [europe]
        functions:
          - match: "clinic/*"
            dataClasses: [phi]
            regions: [eu, mars-1]
            target: oci-functions
          - match: "checkout"
            region: eastus
            bindings: [storage]
        onprem:
          regions: [de]
        """)
    let candidates = try ["aws-lambda-x86", "azure-consumption", "oci-functions", "knative"].map(profile)
    let report = Advisor.analyse(LockInRequest(functions: fleet, candidates: candidates, catalog: catalog, deployment: plan, current: "azure-consumption"))
    // The made-up region is an error naming the rule; nothing passes silently.
    #expect(report.diagnostics.contains { $0.severity == .error && $0.message.contains("region 'mars-1'") && $0.subject.contains("clinic/*") })
    #expect(report.hasErrors)
    // PHI pinned to OCI Functions: a violation, and the reason says HIPAA.
    let records = try #require(report.violations.first { $0.function == "records" })
    #expect(records.target == "oci-functions" && records.reason.contains("hipaa"))
    // checkout runs in eastus, outside Europe.
    let checkout = try #require(report.violations.first { $0.function == "checkout" })
    #expect(checkout.region == "eastus" && checkout.reason.contains("outside the allowed places"))
    // A current region that is no region of the current target is reported, not judged.
    let loose = Advisor.analyse(LockInRequest(functions: fleet, candidates: candidates, catalog: catalog,
                                              deployment: try deployment("defaults:\n  region: eu-west\nrequirements:\n  regions: [eu]\n"), current: "azure-consumption"))
    #expect(loose.violations.isEmpty)
    #expect(loose.diagnostics.contains { $0.message.contains("region 'eu-west' is not a region of azure-consumption") })
    // Declared bindings reach the score.
    let row = try #require(report.functions.first { $0.function == "checkout" })
    #expect(row.usage == "http+storage")
    #expect(row.lockIn["azure-consumption"] == 60)
    // Every function has one verdict per candidate, in candidate order.
    #expect(report.functions.allSatisfy { $0.compliance.map(\.target) == candidates.map(\.id) })
    // The trigger-less function is flagged.
    #expect(report.diagnostics.contains { $0.message.contains("no trigger in the trace") })
    // Migrations from each current target (the pin, else --current) to each other candidate.
    #expect(Set(report.migrations.filter { $0.from == "azure-consumption" }.map(\.to)) == ["aws-lambda-x86", "knative", "oci-functions"])
    #expect(report.migrations.first { $0.from == "oci-functions" }?.functions == 2)
}

@Test func aRequirementNoCandidateMeetsIsAWarningNotASilentPass() throws {
    let plan = try deployment("""
        functions:
          - match: "*"
            dataClasses: [phi]
            onPremOnly: true
        """)
    let report = Advisor.analyse(LockInRequest(functions: Array(fleet.prefix(2)), candidates: [try profile("aws-lambda-x86"), try profile("knative")],
                                               catalog: catalog, deployment: plan))
    let warning = try #require(report.diagnostics.first { $0.subject.contains("phi") })
    #expect(warning.severity == .warning)
    #expect(warning.message.contains("2 functions may run on no candidate target"))
    #expect(warning.message.contains("aws-lambda-x86: must stay on-prem"))
    #expect(warning.message.contains("knative: the on-prem site does not declare hipaa"))
    #expect(report.diagnostics.contains { $0.subject == "onprem" })
}

@Test func jsonIsStableAndRoundTrips() throws {
    let request = LockInRequest(functions: fleet.reversed(), candidates: allProfiles, catalog: catalog, current: "aws-lambda-x86")
    let first = Advisor.analyse(request).json()
    #expect(first == Advisor.analyse(request).json())
    let decoded = try JSONDecoder().decode(LockInReport.self, from: Data(first.utf8))
    #expect(decoded.schema == "placer.lockin/v1")
    #expect(decoded == Advisor.analyse(request))
    #expect(decoded.usages.first?.functions == 1 && decoded.targets.count == allProfiles.count)
    #expect(first.contains("\"schema\" : \"placer.lockin/v1\""))
}

/// A team with its own BAA for OCI Functions records it as a deployment override; the verdict follows.
@Test func complianceCanBeExtendedByADeploymentOverride() throws {
    let phi = Requirements(dataClasses: ["phi"])
    #expect(!ComplianceModel.verdict(phi, on: try profile("oci-functions"), site: OnPremSite()).allowed)
    let plan = try deployment("""
        targets:
          - id: oci-functions
            sources:
              our-baa: {url: "https://example.com/contracts/oci-baa.pdf", read: 2026-11-01, checked: 2026-11-01, confidence: provider}
            compliance:
              certifications:
                hipaa: {source: our-baa}
        """)
    let selection = try #require(plan.targets.first)
    let extended = try catalog.overriding("oci-functions", with: try #require(selection.override), origin: plan.file, read: "2026-11-29")
    let verdict = ComplianceModel.verdict(phi, on: try extended.profile("oci-functions"), site: OnPremSite())
    #expect(verdict.allowed && verdict.assumed.isEmpty)
}
