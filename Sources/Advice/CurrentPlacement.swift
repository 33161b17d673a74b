import Deployment
import Pricing

/// Where functions run today — a `target:` pin, else `--current` — judged against their
/// requirements: a pin is held to the same verdict as any candidate (docs/lockin.md).
extension Advisor {
    /// Whether `use` (with the deployment's bindings, as `analyse` resolves it) and its
    /// `requirements` may run on its pinned target `pin`: the compliance
    /// verdict there (residency, certifications, on-prem only, and its lock-in score against
    /// `maxLockIn`), or not allowed when the catalog has no such target. The p99 objective is not
    /// judged here: it needs the simulated latency (`FunctionSettings.p99LatencyMs`).
    public static func pinVerdict(_ use: FunctionUse, requirements: Requirements, pin: String,
                                  catalog: Catalog, site: OnPremSite) -> Verdict {
        guard let profile = catalog.profiles[pin] else { return unknownPin(pin) }
        let lockIn = requirements.maxLockIn == nil ? nil : LockInModel.score(use, on: profile)?.score
        return ComplianceModel.verdict(requirements, on: profile, site: site, lockIn: lockIn)
    }

    static func unknownPin(_ pin: String) -> Verdict {
        Verdict(target: pin, allowed: false, regions: [], reason: "target '\(pin)' is not in the catalog", assumed: [])
    }

    /// The violation of `use` running on `profile` today, given its verdict there: not allowed at
    /// all, or allowed but running in a region outside the allowed places. A current region the
    /// target does not have (a loose `eu-west`) cannot be judged: a warning, once, instead.
    static func violation(_ use: FunctionUse, settings: FunctionSettings, on profile: Profile, verdict v: Verdict,
                          site: OnPremSite, diagnostics: inout [Diagnostic]) -> Violation? {
        let pinned = settings.target == profile.id
        if !v.allowed {
            return Violation(app: use.app, function: use.function, target: profile.id, region: settings.region, reason: v.reason, pinned: pinned)
        }
        guard let region = settings.region, !v.regions.isEmpty, !v.regions.contains(region) else { return nil }
        let places = profile.kind == .cloud ? Set(profile.compliance?.regions.keys.map { $0 } ?? []) : Set(site.regions)
        guard places.contains(region) else {
            let message = "region '\(region)' is not a region of \(profile.id): the current residency of its functions is not checked"
            if !diagnostics.contains(where: { $0.message == message }) {
                diagnostics.append(Diagnostic(severity: .warning, subject: "current deployment", message: message))
            }
            return nil
        }
        let shown = v.regions.prefix(6).joined(separator: ", ") + (v.regions.count > 6 ? ", …" : "")
        return Violation(app: use.app, function: use.function, target: profile.id, region: region,
                         reason: "runs in \(region), outside the allowed places (\(shown))", pinned: pinned)
    }
}
