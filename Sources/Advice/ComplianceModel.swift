import Deployment
import Pricing

/// What a function demands of the place it runs, from its deployment settings.
public struct Requirements: Sendable, Equatable, Hashable, Codable {
    public var dataClasses: [String]
    /// Certifications stated directly (data classes add theirs, see `allCertifications`).
    public var certifications: [String]
    /// Region lists stated (`FunctionSettings.regionConstraints`): each a list of region ids,
    /// country codes or areas such as `eu`, any of which will do; every list must hold. Empty
    /// means anywhere.
    public var regions: [[String]]
    public var onPremOnly: Bool
    public var maxLockIn: Int?

    public init(dataClasses: [String] = [], certifications: [String] = [], regions: [[String]] = [], onPremOnly: Bool = false, maxLockIn: Int? = nil) {
        self.dataClasses = dataClasses
        self.certifications = certifications
        self.regions = regions
        self.onPremOnly = onPremOnly
        self.maxLockIn = maxLockIn
    }

    public init(_ settings: FunctionSettings) {
        self.init(dataClasses: settings.dataClasses, certifications: settings.certifications, regions: settings.regionConstraints,
                  onPremOnly: settings.onPremOnly ?? false, maxLockIn: settings.maxLockIn.map { Int($0.rounded(.down)) })
    }

    /// True when nothing is demanded.
    public var isEmpty: Bool { dataClasses.isEmpty && certifications.isEmpty && regions.isEmpty && !onPremOnly && maxLockIn == nil }

    /// Stated certifications plus those the data classes need, sorted, without repeats.
    public var allCertifications: [String] {
        Array(Set(certifications + dataClasses.flatMap { ComplianceVocabulary.dataClasses[$0]?.certifications ?? [] })).sorted()
    }

    /// Each inner list is one constraint (any of its tokens will do); every constraint must hold.
    public var regionConstraints: [[String]] {
        var result = regions.filter { !$0.isEmpty }
        for dataClass in dataClasses.sorted() {
            if let rule = ComplianceVocabulary.dataClasses[dataClass], !rule.regions.isEmpty { result.append(rule.regions) }
        }
        return result
    }

    /// One line for tables: `phi, eu-personal; hipaa; regions eu`.
    public var summary: String {
        var parts: [String] = []
        if !dataClasses.isEmpty { parts.append(dataClasses.joined(separator: ", ")) }
        if !allCertifications.isEmpty { parts.append(allCertifications.joined(separator: ", ")) }
        if !regionConstraints.isEmpty { parts.append("in " + regionConstraints.map { $0.joined(separator: "|") }.joined(separator: " & ")) }
        if onPremOnly { parts.append("on-prem only") }
        if let maxLockIn { parts.append("lock-in ≤ \(maxLockIn)") }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }
}

/// Whether a function may run on a target, where, and why (not).
public struct Verdict: Sendable, Equatable, Codable {
    public var target: String
    public var allowed: Bool
    /// Regions (or on-prem site entries) where it may run; empty when not allowed.
    public var regions: [String]
    public var reason: String
    /// Sources with confidence `assumed` the verdict relies on (`target:source`).
    public var assumed: [String]
}

/// A place a target can run code: a cloud region, or an entry of the on-prem site.
struct Place {
    var id: String
    var tokens: Set<String>

    static func cloud(_ region: String, country: String) -> Place {
        Place(id: region, tokens: ComplianceVocabulary.tokens(region: region, country: country))
    }

    /// A site entry: a country code, an area, or a name only that name matches.
    static func site(_ entry: String) -> Place {
        if ComplianceVocabulary.isCountryCode(entry), ComplianceVocabulary.areas[entry] == nil {
            return Place(id: entry, tokens: ComplianceVocabulary.tokens(region: entry, country: entry))
        }
        if let members = ComplianceVocabulary.areas[entry] {
            // A site "in eu" satisfies every area that contains the whole EU.
            let covering = ComplianceVocabulary.areas.filter { members.isSubset(of: $0.value) }.map(\.key)
            return Place(id: entry, tokens: Set(covering + [entry]))
        }
        return Place(id: entry, tokens: [entry])
    }
}

/// Compliance and residency verdicts.
public enum ComplianceModel {
    /// The verdict for a function with `requirements` on `profile`. On-prem targets take their
    /// certifications and regions from `site`; `lockIn` is the function's score there, checked
    /// against `maxLockIn`.
    public static func verdict(_ requirements: Requirements, on profile: Profile, site: OnPremSite, lockIn: Int? = nil) -> Verdict {
        func no(_ reason: String, _ assumed: [String] = []) -> Verdict {
            Verdict(target: profile.id, allowed: false, regions: [], reason: reason, assumed: assumed)
        }
        if requirements.isEmpty {
            return Verdict(target: profile.id, allowed: true, regions: [], reason: "no requirements", assumed: [])
        }
        if requirements.onPremOnly, profile.kind != .onprem {
            return no("must stay on-prem; \(profile.id) is a cloud service")
        }
        if let max = requirements.maxLockIn, let lockIn, lockIn > max {
            return no("lock-in \(lockIn) exceeds the allowed \(max)")
        }
        var assumed: Set<String> = []
        func note(_ source: String) {
            if profile.sources[source]?.confidence == .assumed { assumed.insert("\(profile.id):\(source)") }
        }
        // Where the target runs, and which certifications hold in each place.
        var places: [Place]
        var held: (String) -> [(regions: [String]?, source: String?)]
        switch profile.kind {
        case .cloud:
            guard let compliance = profile.compliance else {
                if requirements.allCertifications.isEmpty, requirements.regionConstraints.isEmpty {
                    return Verdict(target: profile.id, allowed: true, regions: [], reason: "no requirements (no compliance data recorded)", assumed: [])
                }
                return no("no compliance data recorded for \(profile.id)")
            }
            places = compliance.regions.sorted { $0.key < $1.key }.map { Place.cloud($0.key, country: $0.value) }
            held = { id in compliance.certification(id).map { ($0.regions, $0.source) } }
            if !requirements.regionConstraints.isEmpty { note(compliance.regionsSource) }
        case .onprem:
            places = site.regions.map(Place.site)
            if places.isEmpty {
                if !requirements.regionConstraints.isEmpty {
                    return no("the on-prem site declares no regions (onprem.regions in the deployment)")
                }
                places = [Place(id: "onprem", tokens: [])]
            }
            held = { id in
                site.certifications.contains { $0 == id || ComplianceVocabulary.implied(by: $0).contains(id) } ? [(nil, nil)] : []
            }
        }
        // Residency.
        for constraint in requirements.regionConstraints {
            let wanted = Set(constraint)
            let before = places
            places = places.filter { !$0.tokens.isDisjoint(with: wanted) }
            if places.isEmpty {
                let offered = Set(before.flatMap { $0.tokens.filter(ComplianceVocabulary.isCountryCode) }).sorted()
                let list = offered.isEmpty ? before.map(\.id).joined(separator: ", ") : offered.joined(separator: ", ")
                return no("no region in \(constraint.joined(separator: " or ")) (offers: \(list))", assumed.sorted())
            }
        }
        // Certifications, per place.
        for id in requirements.allCertifications {
            let holdings = held(id)
            if holdings.isEmpty {
                let what = profile.kind == .onprem ? "the on-prem site does not declare \(id) (onprem.certifications)"
                                                  : "\(id) not recorded for \(profile.id)" + (id == "hipaa" ? " (no HIPAA BAA eligibility)" : "")
                return no(what, assumed.sorted())
            }
            let before = places
            places = places.filter { place in holdings.contains { $0.regions.map { $0.contains(place.id) } ?? true } }
            for h in holdings { if let s = h.source { note(s) } }
            if places.isEmpty {
                let scope = Set(holdings.flatMap { $0.regions ?? [] }).sorted().joined(separator: ", ")
                return no("\(id) only in \(scope), none of which is among the allowed regions (\(before.map(\.id).joined(separator: ", ")))", assumed.sorted())
            }
        }
        let ids = places.map(\.id)
        let reason: String
        if requirements.allCertifications.isEmpty, requirements.regionConstraints.isEmpty {
            reason = "meets \(requirements.summary)"
        } else {
            let shown = ids.prefix(4).joined(separator: ", ") + (ids.count > 4 ? " (+\(ids.count - 4))" : "")
            reason = "meets \(requirements.summary); runs in \(shown)"
        }
        return Verdict(target: profile.id, allowed: true, regions: ids, reason: reason, assumed: assumed.sorted())
    }
}
