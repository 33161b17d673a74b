import Foundation

/// Why a catalog or a target could not be used. Every case reads as one line for a user.
public enum CatalogError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A profile file failed validation; each issue names the file, line and key path.
    case invalid(ProfileIssues)
    /// A file or folder could not be read or parsed as YAML.
    case unreadable(path: String, reason: String)
    case unknownTarget(id: String, known: [String])
    case duplicateTarget(id: String, files: [String])
    /// A deployment file's `targets:` entry is malformed.
    case badDeployment(path: String, reason: String)

    public static func == (lhs: CatalogError, rhs: CatalogError) -> Bool { lhs.description == rhs.description }

    public var description: String {
        switch self {
        case .invalid(let issues): return issues.description
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .unknownTarget(let id, let known):
            return "unknown target '\(id)' (known: \(known.joined(separator: ", ")))"
        case .duplicateTarget(let id, let files):
            return "target '\(id)' is defined twice in one folder: \(files.joined(separator: ", "))"
        case .badDeployment(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// The set of target profiles Placer knows: the bundled ones, plus the user's own folder
/// (`--catalog DIR`), plus per-target overrides from a deployment file.
public struct Catalog: Sendable {
    /// Profiles by id.
    public private(set) var profiles: [String: Profile]
    /// Where each profile was read from (file name, plus any override origins).
    public private(set) var origins: [String: String]

    /// Every id, sorted: cloud targets first, then on-prem, each alphabetically.
    public var ids: [String] {
        profiles.values.sorted { ($0.kind == .cloud ? 0 : 1, $0.id) < ($1.kind == .cloud ? 0 : 1, $1.id) }.map(\.id)
    }

    /// The least memory any cloud target of the catalog bills an instance for (each profile's
    /// sourced `billing.memory.min`), MB: a floor for inferred memory. Nil without cloud targets.
    public var smallestCloudMemoryMB: Double? {
        profiles.values.compactMap { $0.billing.map { NSDecimalNumber(decimal: $0.memory.min.value).doubleValue } }.min()
    }

    public init(profiles: [Profile] = []) {
        self.profiles = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.origins = Dictionary(profiles.map { ($0.id, $0.id + ".yaml") }, uniquingKeysWith: { _, last in last })
    }

    /// The profiles shipped inside the package (`Sources/Pricing/Profiles`).
    public static func bundled() throws -> Catalog {
        guard let url = bundledDirectory else {
            throw CatalogError.unreadable(path: "Profiles", reason: "the bundled profiles are missing from this build")
        }
        return try Catalog().adding(directory: url)
    }

    /// The folder of bundled profile files.
    static var bundledDirectory: URL? { Bundle.module.url(forResource: "Profiles", withExtension: nil) }

    /// Adds every `*.yaml`/`*.yml` file in `directory`; a profile with an existing id replaces it.
    public func adding(directory: URL) throws -> Catalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CatalogError.unreadable(path: directory.path, reason: "cannot list this folder")
        }
        var result = self
        var seen: [String: String] = [:]
        var problems: [ProfileIssue] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let url = directory.appendingPathComponent(name)
            switch Self.load(file: url) {
            case .success(let profile):
                if let earlier = seen[profile.id] {
                    throw CatalogError.duplicateTarget(id: profile.id, files: [earlier, name])
                }
                seen[profile.id] = name
                result.profiles[profile.id] = profile
                result.origins[profile.id] = name
            case .failure(let error):
                switch error {
                case .invalid(let issues): problems += issues.issues
                default: throw error
                }
            }
        }
        if !problems.isEmpty { throw CatalogError.invalid(ProfileIssues(issues: problems)) }
        return result
    }

    /// Reads and validates one profile file.
    public static func load(file url: URL) -> Result<Profile, CatalogError> {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            return .failure(.unreadable(path: url.path, reason: "cannot read this file"))
        }
        return parse(text, file: url.lastPathComponent)
    }

    /// Validates profile text; `file` names it in messages.
    public static func parse(_ text: String, file: String) -> Result<Profile, CatalogError> {
        let tree: YAMLTree
        do {
            tree = try YAMLTree.parse(text)
        } catch {
            return .failure(.unreadable(path: file, reason: "not valid YAML: \(error)"))
        }
        return ProfileReader.read(tree, file: file).mapError { .invalid($0) }
    }

    /// The profile for `id`, or an error listing the known ids.
    public func profile(_ id: String) throws -> Profile {
        guard let profile = profiles[id] else { throw CatalogError.unknownTarget(id: id, known: ids) }
        return profile
    }

    /// Applies a user's override (a mapping of profile fields) to target `id` and re-validates.
    ///
    /// A figure the override changes without naming a source gets the source `override`:
    /// `origin` as its address, `read` as its date, confidence `assumed` (Placer cannot check a
    /// user's own figure; reports say so). A bare number may stand for a figure's value, e.g.
    /// `billing: {memoryPrice: 0.000015}` keeps the unit and replaces value and source. A number
    /// with a unit written together stands for a figure with that unit (`idle: 600s`, `10m`,
    /// `1h`, `250ms`, `512MB`), and `policy: fixed` for `fixed-idle`, as DESIGN.md writes them.
    public func overriding(_ id: String, with override: YAMLTree, origin: String, read: String) throws -> Catalog {
        let base = try profile(id)
        var usedOverride = false
        var merged = Self.merge(base.document, Self.expandShortForms(override), usedOverride: &usedOverride)
        if usedOverride {
            let source = YAMLTree.mapping([
                ("url", .scalar(origin, line: 0)), ("read", .scalar(read, line: 0)), ("checked", .scalar("false", line: 0)),
                ("confidence", .scalar(Confidence.assumed.rawValue, line: 0)),
                ("note", .scalar("user override", line: 0)),
            ], line: 0)
            merged = merged.merging(.mapping([("sources", .mapping([("override", source)], line: 0))], line: 0))
        }
        let file = "\(origins[id] ?? id + ".yaml") + overrides from \(origin)"
        switch ProfileReader.read(merged, file: file, requireSourcesUsed: false) {
        case .success(let profile):
            guard profile.id == id else {
                throw CatalogError.badDeployment(path: origin, reason: "an override may not change a target's id ('\(id)' → '\(profile.id)')")
            }
            var result = self
            result.profiles[id] = profile
            result.origins[id] = file
            return result
        case .failure(let issues):
            throw CatalogError.invalid(issues)
        }
    }

    /// Short spellings a deployment may use, turned into the profile's own: a scalar quantity
    /// (`600s`) into `{value: 600, unit: s}`, and the keep-alive policy `fixed` into `fixed-idle`.
    static func expandShortForms(_ tree: YAMLTree, key: String = "") -> YAMLTree {
        switch tree {
        case .mapping(let pairs, let line):
            return .mapping(pairs.map { (key: $0.key, value: expandShortForms($0.value, key: $0.key)) }, line: line)
        case .sequence(let items, let line):
            return .sequence(items.map { expandShortForms($0, key: key) }, line: line)
        case .scalar(let text, let line):
            if key == "policy", text == "fixed" { return .scalar(KeepAlive.Policy.fixedIdle.rawValue, line: line) }
            // `provisioned: 2` (a bare count where the profile has no such figure yet).
            if key == "provisioned", ProfileReader.decimal(text) != nil {
                return .mapping([("value", .scalar(text, line: line)), ("unit", .scalar("instances", line: line))], line: line)
            }
            guard let (value, unit) = quantity(text) else { return tree }
            return .mapping([("value", .scalar(value, line: line)), ("unit", .scalar(unit, line: line))], line: line)
        }
    }

    /// `600s` → ("600", "s"); `10m` → ("10", "min"); nil for a plain number or any other text.
    static func quantity(_ text: String) -> (String, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let split = trimmed.firstIndex(where: { !("0123456789._".contains($0)) }), split != trimmed.startIndex else { return nil }
        let number = String(trimmed[..<split])
        var symbol = trimmed[split...].trimmingCharacters(in: .whitespaces)
        if symbol == "m" { symbol = "min" }
        guard ProfileReader.decimal(number) != nil, Unit.named(symbol) != nil else { return nil }
        return (number, symbol)
    }

    /// Deep merge that marks changed figures as coming from the override.
    private static func merge(_ base: YAMLTree, _ override: YAMLTree, usedOverride: inout Bool) -> YAMLTree {
        let baseIsFigure = base["value"] != nil && base["unit"] != nil
        switch override {
        case .scalar(let text, let line) where baseIsFigure:
            usedOverride = true
            return base.merging(.mapping([("value", .scalar(text, line: line)), ("source", .scalar("override", line: line))], line: line))
        case .mapping(let pairs, let line):
            guard case .mapping(var result, let baseLine) = base else {
                return markFigures(override, usedOverride: &usedOverride)
            }
            for (key, value) in pairs {
                if let index = result.firstIndex(where: { $0.key == key }) {
                    result[index].value = merge(result[index].value, value, usedOverride: &usedOverride)
                } else {
                    result.append((key, markFigures(value, usedOverride: &usedOverride)))
                }
            }
            if baseIsFigure, override["source"] == nil, override["value"] != nil || override["unit"] != nil,
               let index = result.firstIndex(where: { $0.key == "source" }) {
                usedOverride = true
                result[index].value = .scalar("override", line: line)
            }
            return .mapping(result, line: baseLine)
        default:
            return markFigures(override, usedOverride: &usedOverride)
        }
    }

    /// New subtrees from an override: any `{value, unit}` without a source gets `override`.
    private static func markFigures(_ tree: YAMLTree, usedOverride: inout Bool) -> YAMLTree {
        switch tree {
        case .mapping(let pairs, let line):
            var result = pairs.map { ($0.key, markFigures($0.value, usedOverride: &usedOverride)) }
            if tree["value"] != nil, tree["unit"] != nil, tree["source"] == nil {
                usedOverride = true
                result.append(("source", .scalar("override", line: line)))
            }
            return .mapping(result.map { (key: $0.0, value: $0.1) }, line: line)
        case .sequence(let items, let line):
            return .sequence(items.map { markFigures($0, usedOverride: &usedOverride) }, line: line)
        case .scalar:
            return tree
        }
    }
}

/// One entry of a deployment file's `targets:` list: an id, optional profile overrides, and an
/// optional negotiated discount.
public struct TargetSelection: Sendable {
    public var id: String
    /// Profile fields to merge onto the target's profile (everything but `id` and `discount`).
    public var override: YAMLTree?
    /// Flat negotiated discount on the target's bill, in percent.
    public var discountPercent: Decimal?
    /// `account: new`: the account is new, so the provider's lower quota for new accounts applies
    /// (`limits.newAccountConcurrency`) instead of the usual `limits.concurrency`.
    public var newAccount: Bool

    public init(id: String, override: YAMLTree? = nil, discountPercent: Decimal? = nil, newAccount: Bool = false) {
        self.id = id
        self.override = override
        self.discountPercent = discountPercent
        self.newAccount = newAccount
    }

    /// Reads the `targets:` list of a deployment document. Each item is a bare id, or a mapping
    /// with `id`, optional `discount` (percent, e.g. `12` or `12%`), optional `account` (`new` or
    /// `established`, the default) and any profile fields.
    public static func list(in deployment: YAMLTree, file: String) throws -> [TargetSelection] {
        guard let node = deployment["targets"] else { return [] }
        guard case .sequence(let items, _) = node else {
            throw CatalogError.badDeployment(path: "\(file):\(node.line)", reason: "targets: expected a list")
        }
        return try items.enumerated().map { index, item in
            let whereText = "\(file):\(item.line)"
            switch item {
            case .scalar(let id, _):
                return TargetSelection(id: id)
            case .mapping(let pairs, let line):
                guard case .scalar(let id, _)? = item["id"] else {
                    throw CatalogError.badDeployment(path: whereText, reason: "targets[\(index)]: an entry with overrides needs an 'id'")
                }
                var discount: Decimal?
                if let d = item["discount"] {
                    guard case .scalar(let text, _) = d,
                          let value = ProfileReader.decimal(text.hasSuffix("%") ? String(text.dropLast()) : text),
                          value >= 0, value <= 100 else {
                        throw CatalogError.badDeployment(path: whereText, reason: "targets[\(index)].discount: expected a percentage between 0 and 100")
                    }
                    discount = value
                }
                var newAccount = false
                if let a = item["account"] {
                    guard case .scalar(let text, _) = a, ["new", "established"].contains(text) else {
                        throw CatalogError.badDeployment(path: "\(file):\(a.line)", reason: "targets[\(index)].account: expected new or established")
                    }
                    newAccount = text == "new"
                }
                let rest = pairs.filter { !["id", "discount", "account"].contains($0.key) }
                return TargetSelection(id: id, override: rest.isEmpty ? nil : .mapping(rest, line: line), discountPercent: discount,
                                       newAccount: newAccount)
            case .sequence:
                throw CatalogError.badDeployment(path: whereText, reason: "targets[\(index)]: expected an id or a mapping")
            }
        }
    }
}
