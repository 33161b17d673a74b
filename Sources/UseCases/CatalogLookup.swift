import Foundation
import Pricing

/// `placer catalog`: the targets' profiles listed, one shown, profile files checked (module Pricing).
public enum CatalogLookup {
    /// The bundled catalog with the user's folder added.
    public static func list(catalog: String?) throws -> Catalog { try Inputs.catalog(catalog) }

    /// One target's profile; an unknown id is a usage error.
    public static func show(_ id: String, catalog: String?) throws -> Profile {
        let catalog = try Inputs.catalog(catalog)
        do { return try catalog.profile(id) } catch { throw UseCaseError.usage("\(error)") }
    }

    /// Each file read as a profile: the profile, or every problem found in it.
    public static func validate(_ files: [String]) -> [(file: String, outcome: Result<Profile, CatalogError>)] {
        files.map { ($0, Catalog.load(file: URL(fileURLWithPath: $0))) }
    }
}
