import Deployment
import Foundation
import Placement
import Pricing

/// The YAML a user or a pull request hands Placer: a deployment file and a target profile.
enum ConfigurationTargets {
    /// Read once: the bundled profiles are not the input.
    static let bundled = try? Catalog.bundled()

    /// A deployment file read as `--deployment` reads it, then what the commands take from it:
    /// each target's profile overrides applied to the bundled catalog (`simulate`, `price`),
    /// the settings of a function (rules, globs) and the on-prem section (`place`, `advise`).
    static let deployment = FuzzTarget("deployment", "Deployment.load, Catalog.overriding, OnPremInputs.read") { bytes in
        guard let scratch = ScratchFile("placer.yaml", bytes) else { return .violation("cannot write a scratch file") }
        defer { scratch.remove() }
        do {
            let plan = try Deployment.load(path: scratch.path)
            guard var catalog = bundled else { return .violation("the bundled catalog does not load") }
            for selection in plan.targets {
                guard let override = selection.override, catalog.profiles[selection.id] != nil else { continue }
                catalog = try catalog.overriding(selection.id, with: override, origin: plan.file, read: "2026-12-04")
            }
            _ = plan.settings(function: "checkout", app: "shop")
            _ = try OnPremInputs.read(plan)
            return .accepted
        } catch CatalogError.invalid(let issues) {
            // Overrides that break a profile: every issue on its own line, each naming the deployment file.
            return .issues(issues.description, in: "placer.yaml:")
        } catch let error as DeploymentError {
            return .refusal(error.description)
        } catch let error as CatalogError {
            return .refusal(error.description)
        } catch let error as OnPremInputError {
            return .refusal(error.description)
        } catch {
            return .unexpected(error)
        }
    }

    /// A target profile read as `--catalog DIR` reads each file in it.
    static let profile = FuzzTarget("profile", "Catalog.load on one profile file") { bytes in
        guard let scratch = ScratchFile("target.yaml", bytes) else { return .violation("cannot write a scratch file") }
        defer { scratch.remove() }
        switch Catalog.load(file: URL(fileURLWithPath: scratch.path)) {
        case .success: return .accepted
        case .failure(.invalid(let issues)):
            // Validation lists every issue, one per line, each located in the file.
            return .issues(issues.description, in: "target.yaml:")
        case .failure(let error): return .refusal(error.description)
        }
    }
}
