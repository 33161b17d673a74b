import Advice
import Pricing
import Testing

// A trigger or feature a target lacks is the team's to build and run: never less lock-in, and
// never less migration effort, than the same capability as a provider's proprietary service
// (docs/lockin.md, "A missing capability").

private let bundled: Catalog = {
    do { return try Catalog.bundled() } catch { preconditionFailure("bundled catalog does not load: \(error)") }
}()
private var everyTarget: [Profile] { bundled.ids.compactMap { bundled.profiles[$0] } }

private let features = ["orchestration", "timer", "queue"]

/// The ways a function uses `feature`, each with the same function without it: as the trigger
/// the trace records, and as a binding an HTTP function declares.
private func usages(of feature: String) -> [(with: FunctionUse, without: FunctionUse)] {
    [(FunctionUse(app: "a", function: "f", trigger: feature), FunctionUse(app: "a", function: "f", trigger: nil)),
     (FunctionUse(app: "a", function: "g", trigger: "http", bindings: [feature]), FunctionUse(app: "a", function: "g", trigger: "http"))]
}

private func kind(_ feature: String, on p: Profile) -> LockIn.Binding? { p.lockIn?.triggers[feature]?.kind }

private func score(_ use: FunctionUse, on p: Profile) throws -> Int {
    try #require(LockInModel.score(use, on: p), "\(p.id) has no lock-in data").score
}

private func effort(_ use: FunctionUse, from s: Profile, to t: Profile) throws -> Int {
    try #require(MigrationModel.estimate(use, from: s, to: t), "\(s.id) → \(t.id)").points
}

/// The part of the lock-in score on `p` the feature accounts for.
private func lockInShare(_ u: (with: FunctionUse, without: FunctionUse), on p: Profile) throws -> Int {
    try score(u.with, on: p) - score(u.without, on: p)
}

/// The part of the effort from `s` to `t` the feature accounts for.
private func effortShare(_ u: (with: FunctionUse, without: FunctionUse), from s: Profile, to t: Profile) throws -> Int {
    try effort(u.with, from: s, to: t) - effort(u.without, from: s, to: t)
}

/// Every target lacking the feature against every target offering it as a proprietary service,
/// moving from every target of the catalog: the feature's share of the lock-in score and of the
/// migration effort is at least as high where it is missing. (Totals also carry each target's
/// own handler, runtime and packaging; the next test compares totals with those held equal.)
@Test(arguments: features)
func aMissingCapabilityIsNeverLessLockInNorLessEffortThanAProprietaryOne(feature: String) throws {
    let lacking = everyTarget.filter { kind(feature, on: $0) == LockIn.Binding.none }
    let proprietary = everyTarget.filter { kind(feature, on: $0) == .native }
    #expect(!lacking.isEmpty && !proprietary.isEmpty, "the catalog must hold both for \(feature)")
    for u in usages(of: feature) {
        for l in lacking {
            for n in proprietary {
                #expect(try lockInShare(u, on: l) >= lockInShare(u, on: n), "\(feature) (\(u.with.usage)): \(l.id) vs \(n.id)")
                for source in everyTarget {
                    #expect(try effortShare(u, from: source, to: l) >= effortShare(u, from: source, to: n),
                            "\(feature) (\(u.with.usage)) from \(source.id): to \(l.id) vs to \(n.id)")
                }
            }
        }
    }
}

/// Every target of the catalog as two variants that differ only in `feature`: offered as a
/// proprietary service, and not offered. The variant without it scores at least as high in
/// total, and costs at least as much to reach from every target of the catalog.
@Test(arguments: features)
func withAllElseEqualLackingAFeatureNeverLowersTheTotals(feature: String) throws {
    for p in everyTarget {
        var offered = p, missing = p
        offered.lockIn?.triggers[feature]?.kind = .native
        offered.lockIn?.triggers[feature]?.service = "a proprietary \(feature) service"
        missing.lockIn?.triggers[feature]?.kind = LockIn.Binding.none
        missing.lockIn?.triggers[feature]?.service = nil
        #expect(kind(feature, on: offered) == .native && kind(feature, on: missing) == LockIn.Binding.none, "\(p.id)")
        for u in usages(of: feature) {
            #expect(try score(u.with, on: missing) >= score(u.with, on: offered), "\(p.id) \(u.with.usage)")
            for source in everyTarget + [offered] {
                #expect(try effort(u.with, from: source, to: missing) >= effort(u.with, from: source, to: offered),
                        "\(u.with.usage) from \(source.id) to \(p.id)")
            }
        }
    }
}

/// By hand: an orchestrator on OCI Functions (no orchestration service) is 15 (Fn FDK handler) +
/// 25 + 20 (the orchestration parts, in full) = 60; on Lambda 25 + 25 + 20 + 15 (closed runtime)
/// = 85. The orchestration parts are 45 on both; it used to be 24 on OCI, 9 of it orchestration.
@Test func anOrchestratorOnOCIFunctionsByHand() throws {
    let saga = FunctionUse(app: "a", function: "saga", trigger: "orchestration")
    let oci = try bundled.profile("oci-functions"), lambda = try bundled.profile("aws-lambda-x86")
    let breakdown = try #require(LockInModel.score(saga, on: oci))
    #expect(breakdown.score == 60)
    #expect(breakdown.components.filter { ["trigger", "orchestration"].contains($0.name) }.map(\.points) == [25, 20])
    #expect(try score(saga, on: lambda) == 85)
    // Off Azure, Durable Functions becomes Step Functions on Lambda (8) or an engine the team
    // adopts and runs on OCI Functions (13).
    let azure = try bundled.profile("azure-consumption")
    let toOCI = try #require(MigrationModel.estimate(saga, from: azure, to: oci)).steps.first { $0.kind == "replace-orchestration" }
    let toLambda = try #require(MigrationModel.estimate(saga, from: azure, to: lambda)).steps.first { $0.kind == "replace-orchestration" }
    #expect(toOCI?.points == MigrationModel.buildOrchestration && toLambda?.points == MigrationModel.replaceOrchestration)
    #expect(MigrationModel.buildOrchestration > MigrationModel.replaceOrchestration)
    #expect(MigrationModel.buildTrigger > MigrationModel.replaceTrigger && MigrationModel.buildBinding > MigrationModel.replaceBinding)
}
