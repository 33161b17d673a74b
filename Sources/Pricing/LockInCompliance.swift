import Foundation

/// What leaving a target costs, as data: the handler contract, how each trigger group is served,
/// the packaging it takes, whether its runtime is open and self-hostable, and import paths.
///
/// Every attribute names a source in the profile's `sources`. How these become a score is
/// Advice's model (`docs/lockin.md`), not the profile's.
public struct LockIn: Sendable, Equatable {
    /// The handler contract a function is written against.
    public enum HandlerAPI: String, Sendable, CaseIterable, Codable {
        /// A provider's own signature and event shapes (Lambda `handler(event, context)`).
        case proprietary
        /// A platform-specific but open-source contract (OpenWhisk `main(params)`, Fn FDK).
        case platform
        /// Any program serving plain HTTP in an OCI image.
        case http
        /// CloudEvents over HTTP.
        case cloudevents
    }

    /// How a target serves one trigger group.
    public enum Binding: String, Sendable, CaseIterable, Codable {
        /// A provider's managed service or programming model (SQS, Durable Functions).
        case native
        /// Platform-specific but open source and self-hostable (Knative Eventing, OpenWhisk feeds).
        case open
        /// A standard protocol any platform speaks (plain HTTP, cron, CloudEvents).
        case portable
        /// Not offered: a function with this trigger needs glue the team builds and runs.
        case none
    }

    /// How packaged code is delivered.
    public enum Package: String, Sendable, CaseIterable, Codable { case zip, image, source }

    /// How far the platform itself can be taken elsewhere.
    public enum Activity: String, Sendable, CaseIterable, Codable { case active, stale, abandoned }

    public struct Handler: Sendable, Equatable {
        public var api: HandlerAPI
        /// Functions of the same family move without a rewrite (e.g. `fn` for Fn and OCI Functions).
        public var family: String
        /// Other contracts it runs through an adapter (Lambda Web Adapter runs `http` images).
        public var accepts: [HandlerAPI]
        public var note: String?
        public var source: String
    }

    public struct Trigger: Sendable, Equatable {
        public var kind: Binding
        /// The service behind it (`SQS`, `Durable Functions`); same service on both sides = no work.
        public var service: String?
        public var source: String
    }

    public struct Runtime: Sendable, Equatable {
        public var openSource: Bool
        public var selfHostable: Bool
        public var activity: Activity
        public var note: String?
        public var source: String
    }

    public var handler: Handler
    /// Formats accepted, the default first.
    public var packaging: [Package]
    public var packagingSource: String
    /// By trigger group (`LockIn.triggerGroups`); every group is present.
    public var triggers: [String: Trigger]
    public var runtime: Runtime
    /// Target ids whose functions this target imports directly.
    public var importsFrom: [String]
    public var importsSource: String?

    /// The trigger groups of the Azure 2019 trace, also the vocabulary of a deployment's `bindings:`.
    public static let triggerGroups = ["http", "timer", "event", "queue", "storage", "orchestration", "others"]
}

/// Certifications and regions a cloud target offers. On-prem targets take theirs from the
/// deployment's `onprem:` section (what the team declares for its own data centre).
public struct Compliance: Sendable, Equatable {
    public struct Certification: Sendable, Equatable {
        /// An id from `ComplianceVocabulary.certifications`.
        public var id: String
        /// Regions the attestation covers; nil means every region offered.
        public var regions: [String]?
        public var note: String?
        public var source: String
    }

    public var certifications: [Certification]
    /// Region id → ISO 3166 country code (lower case).
    public var regions: [String: String]
    public var regionsSource: String

    /// The certification `id`, or one that implies it (FedRAMP High covers Moderate).
    public func certification(_ id: String) -> [Certification] {
        certifications.filter { $0.id == id || ComplianceVocabulary.implied(by: $0.id).contains(id) }
    }
}

/// The words Placer understands in profiles and deployment files, with what each requires.
public enum ComplianceVocabulary {
    /// Certification and attestation ids, with what they mean.
    public static let certifications: [String: String] = [
        "hipaa": "HIPAA: the provider signs a Business Associate Agreement covering this service",
        "pci-dss": "PCI DSS: the service is in the provider's PCI DSS attestation of compliance",
        "soc1": "SOC 1 report covers the service",
        "soc2": "SOC 2 report covers the service",
        "soc3": "SOC 3 report covers the service",
        "iso27001": "ISO/IEC 27001 certificate covers the service",
        "iso27017": "ISO/IEC 27017 (cloud security controls)",
        "iso27018": "ISO/IEC 27018 (personal data in public clouds)",
        "fedramp-moderate": "FedRAMP Moderate authorisation",
        "fedramp-high": "FedRAMP High authorisation (covers Moderate)",
        "c5": "BSI C5 attestation (Germany)",
    ]

    /// What one data class demands of a target.
    public struct DataClassRule: Sendable, Equatable {
        public var certifications: [String]
        /// Region tokens (areas, countries, region ids); the function may run only there.
        public var regions: [String]
        public var summary: String
    }

    /// Data classes a deployment may name.
    public static let dataClasses: [String: DataClassRule] = [
        "public": DataClassRule(certifications: [], regions: [], summary: "no requirement"),
        "internal": DataClassRule(certifications: [], regions: [], summary: "no requirement"),
        "pii": DataClassRule(certifications: [], regions: [], summary: "no requirement by itself; state certifications or regions"),
        "phi": DataClassRule(certifications: ["hipaa"], regions: [], summary: "protected health information: needs a HIPAA BAA"),
        "pci": DataClassRule(certifications: ["pci-dss"], regions: [], summary: "cardholder data: needs PCI DSS"),
        "eu-personal": DataClassRule(certifications: [], regions: ["eea"], summary: "EU personal data: kept in the EEA (Placer's reading of GDPR without transfer safeguards)"),
        "cui": DataClassRule(certifications: ["fedramp-moderate"], regions: ["us"], summary: "US controlled unclassified information: FedRAMP Moderate, in the US"),
    ]

    /// Certifications a held one also satisfies.
    public static func implied(by id: String) -> [String] {
        id == "fedramp-high" ? ["fedramp-moderate"] : []
    }

    static let eu = ["at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it",
                     "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se"]

    /// Named areas as sets of country codes.
    public static let areas: [String: Set<String>] = [
        "eu": Set(eu),
        "eea": Set(eu + ["is", "li", "no"]),
        "europe": Set(eu + ["is", "li", "no", "gb", "ch"]),
        "us": ["us"],
    ]

    /// Whether `text` reads as an ISO 3166 alpha-2 code (two lower-case letters).
    public static func isCountryCode(_ text: String) -> Bool {
        text.count == 2 && text.allSatisfy { $0.isASCII && $0.isLowercase }
    }

    /// Names a region token may match: the region id, its country, and every area holding it.
    public static func tokens(region: String, country: String) -> Set<String> {
        var result: Set<String> = [region, country]
        for (area, members) in areas where members.contains(country) { result.insert(area) }
        return result
    }
}

extension ProfileReader {
    mutating func readLockIn(_ node: YAMLTree, at path: String) -> LockIn? {
        guard let m = mapping(node, at: path, allowed: ["handler", "packaging", "triggers", "runtime", "imports"],
                              required: ["handler", "packaging", "triggers", "runtime"]) else { return nil }
        var handler: LockIn.Handler?
        if let h = mapping(m["handler"], at: path + ".handler", allowed: ["api", "family", "accepts", "note", "source"],
                           required: ["api", "family", "source"]) {
            let api: LockIn.HandlerAPI? = choice(h["api"], at: path + ".handler.api")
            let family = string(h["family"], at: path + ".handler.family")
            let accepts: [LockIn.HandlerAPI] = choices(h["accepts"], at: path + ".handler.accepts")
            let note = h["note"].flatMap { string($0, at: path + ".handler.note") }
            let source = sourceRef(h["source"], at: path + ".handler.source")
            if let api, let family, let source {
                handler = LockIn.Handler(api: api, family: family, accepts: accepts, note: note, source: source)
            }
        }
        var packaging: [LockIn.Package] = []
        var packagingSource: String?
        if let p = mapping(m["packaging"], at: path + ".packaging", allowed: ["formats", "source"], required: ["formats", "source"]) {
            packaging = choices(p["formats"], at: path + ".packaging.formats")
            if p["formats"] != nil, packaging.isEmpty {
                issue(p["formats"], path + ".packaging.formats", "expected at least one of \(LockIn.Package.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            packagingSource = sourceRef(p["source"], at: path + ".packaging.source")
        }
        var triggers: [String: LockIn.Trigger] = [:]
        if let t = mapping(m["triggers"], at: path + ".triggers", allowed: LockIn.triggerGroups, required: LockIn.triggerGroups) {
            for group in LockIn.triggerGroups {
                let p = "\(path).triggers.\(group)"
                guard let node = t[group],
                      let g = mapping(node, at: p, allowed: ["kind", "service", "source"], required: ["kind", "source"]) else { continue }
                let kind: LockIn.Binding? = choice(g["kind"], at: p + ".kind")
                let service = g["service"].flatMap { string($0, at: p + ".service") }
                let source = sourceRef(g["source"], at: p + ".source")
                if kind == LockIn.Binding.none, service != nil {
                    issue(g["service"], p + ".service", "a trigger of kind 'none' names no service")
                }
                if let kind, let source { triggers[group] = LockIn.Trigger(kind: kind, service: service, source: source) }
            }
        }
        var runtime: LockIn.Runtime?
        if let r = mapping(m["runtime"], at: path + ".runtime", allowed: ["openSource", "selfHostable", "activity", "note", "source"],
                           required: ["openSource", "selfHostable", "activity", "source"]) {
            let open = bool(r["openSource"], at: path + ".runtime.openSource")
            let hostable = bool(r["selfHostable"], at: path + ".runtime.selfHostable")
            let activity: LockIn.Activity? = choice(r["activity"], at: path + ".runtime.activity")
            let note = r["note"].flatMap { string($0, at: path + ".runtime.note") }
            let source = sourceRef(r["source"], at: path + ".runtime.source")
            if let open, let hostable, let activity, let source {
                runtime = LockIn.Runtime(openSource: open, selfHostable: hostable, activity: activity, note: note, source: source)
            }
        }
        var importsFrom: [String] = []
        var importsSource: String?
        if let node = m["imports"], let i = mapping(node, at: path + ".imports", allowed: ["from", "source"], required: ["from", "source"]) {
            importsFrom = list(i["from"], at: path + ".imports.from")
            importsSource = sourceRef(i["source"], at: path + ".imports.source")
        }
        guard let handler, let packagingSource, !packaging.isEmpty, triggers.count == LockIn.triggerGroups.count, let runtime else { return nil }
        return LockIn(handler: handler, packaging: packaging, packagingSource: packagingSource, triggers: triggers,
                      runtime: runtime, importsFrom: importsFrom, importsSource: importsSource)
    }

    mutating func readCompliance(_ node: YAMLTree, at path: String, kind: Profile.Kind) -> Compliance? {
        if kind == .onprem {
            issue(node, path, "an on-prem target takes its certifications and regions from the deployment's onprem section (onprem.certifications, onprem.regions)")
            return nil
        }
        guard let m = mapping(node, at: path, allowed: ["certifications", "regions"], required: ["certifications", "regions"]) else { return nil }
        var regions: [String: String] = [:]
        var regionsSource: String?
        if let r = mapping(m["regions"], at: path + ".regions", allowed: ["offered", "source"], required: ["offered", "source"]) {
            regionsSource = sourceRef(r["source"], at: path + ".regions.source")
            if case .mapping(let pairs, _)? = r["offered"], !pairs.isEmpty {
                for (region, value) in pairs {
                    guard let country = string(value, at: "\(path).regions.offered.\(region)") else { continue }
                    if !ComplianceVocabulary.isCountryCode(country) {
                        issue(value, "\(path).regions.offered.\(region)", "expected a two-letter country code (ISO 3166, lower case), found '\(country)'")
                    } else if ComplianceVocabulary.areas[region] != nil {
                        issue(value, "\(path).regions.offered.\(region)", "'\(region)' names an area, not a region")
                    } else {
                        regions[region] = country
                    }
                }
            } else if r["offered"] != nil {
                issue(r["offered"], path + ".regions.offered", "expected a mapping of region ids to country codes, e.g. {eu-west-1: ie}")
            }
        }
        var certifications: [Compliance.Certification] = []
        if let node = m["certifications"] {
            if case .mapping(let pairs, _) = node {
                for (id, value) in pairs {
                    let p = "\(path).certifications.\(id)"
                    if ComplianceVocabulary.certifications[id] == nil {
                        issue(value, p, "unknown certification '\(id)' (known: \(ComplianceVocabulary.certifications.keys.sorted().joined(separator: ", ")))")
                    }
                    guard let c = mapping(value, at: p, allowed: ["regions", "note", "source"], required: ["source"]) else { continue }
                    let scope: [String]? = c["regions"].map { list($0, at: p + ".regions") }
                    for region in scope ?? [] where regions[region] == nil && !regions.isEmpty {
                        issue(c["regions"], p + ".regions", "region '\(region)' is not among regions.offered")
                    }
                    let note = c["note"].flatMap { string($0, at: p + ".note") }
                    if let source = sourceRef(c["source"], at: p + ".source"), ComplianceVocabulary.certifications[id] != nil {
                        certifications.append(Compliance.Certification(id: id, regions: scope, note: note, source: source))
                    }
                }
            } else {
                issue(node, path + ".certifications", "expected a mapping of certification ids to {source, regions, note}")
            }
        }
        guard let regionsSource, !regions.isEmpty else { return nil }
        return Compliance(certifications: certifications, regions: regions, regionsSource: regionsSource)
    }

    /// A list of plain text values (a single value counts as a list of one).
    mutating func list(_ node: YAMLTree?, at path: String) -> [String] {
        switch node {
        case .scalar(let text, _)? where !text.isEmpty: return [text]
        case .sequence(let items, _)?:
            return items.enumerated().compactMap { string($1, at: "\(path)[\($0)]") }
        case nil: return []
        default:
            issue(node, path, "expected a list")
            return []
        }
    }

    /// A list of vocabulary words.
    mutating func choices<E: RawRepresentable & CaseIterable>(_ node: YAMLTree?, at path: String) -> [E] where E.RawValue == String {
        guard let node else { return [] }
        switch node {
        case .scalar: return [choice(node, at: path)].compactMap { $0 }
        case .sequence(let items, _): return items.enumerated().compactMap { choice($1, at: "\(path)[\($0)]") }
        default:
            issue(node, path, "expected a list")
            return []
        }
    }
}
