import Foundation

/// A profile with one figure multiplied, for asking how much a bill depends on it.
///
/// Only figures `BillingEngine` reads from a month's usage can be re-billed without a replay:
/// prices, volume tiers, free grants and region multipliers. Rounding, minimum billed time,
/// memory sizes and CPU coupling shape the usage while it is recorded, and keep-alive, cold
/// starts and limits shape the replay itself: changing those needs a new replay.
public enum FigureScaling {
    /// Whether the figure at `path` can be re-billed on recorded usage.
    public static func isRebillable(_ path: String) -> Bool {
        guard path.hasPrefix("billing.") else { return false }
        if path.hasPrefix("billing.regions.") || path.contains(".freeGrant.") { return true }
        let last = path.split(separator: ".").last.map(String.init) ?? ""
        return ["requestPrice", "memoryPrice", "cpuPrice", "executionMemoryPrice", "egressPrice", "price", "from"].contains(last)
    }

    /// Figures that are one figure written twice: the base memory price is the first volume
    /// tier's price (the reader requires it), so scaling one scales both.
    public static func twin(of path: String) -> String? {
        switch path {
        case "billing.memoryPrice": return "billing.memoryTiers[0].price"
        case "billing.memoryTiers[0].price": return "billing.memoryPrice"
        default: return nil
        }
    }

    /// `profile` with the figure at `path` (and its twin, when the profile has it) multiplied by
    /// `factor`, re-read and re-validated; a result the schema rejects (e.g. tiers out of order)
    /// throws with the reader's reason.
    public static func scaled(_ profile: Profile, path: String, by factor: Decimal) throws -> Profile {
        var tree = profile.document
        guard try scale(&tree, at: components(path)[...], by: factor) else {
            throw CatalogError.badDeployment(path: profile.id, reason: "\(path) is not a figure of \(profile.id)")
        }
        if let twin = twin(of: path), profile.figures.contains(where: { $0.path == twin }) {
            _ = try scale(&tree, at: components(twin)[...], by: factor)
        }
        switch ProfileReader.read(tree, file: "\(profile.id) with \(path) × \(factor)", requireSourcesUsed: false) {
        case .success(let scaled): return scaled
        case .failure(let issues): throw CatalogError.invalid(issues)
        }
    }

    /// `billing.memoryTiers[1].price` → `billing`, `memoryTiers`, `#1`, `price`.
    private static func components(_ path: String) -> [String] {
        path.split(separator: ".").flatMap { part -> [String] in
            guard let open = part.firstIndex(of: "["), part.hasSuffix("]") else { return [String(part)] }
            let index = part[part.index(after: open)..<part.index(before: part.endIndex)]
            return [String(part[..<open]), "#" + index]
        }
    }

    private static func scale(_ node: inout YAMLTree, at path: ArraySlice<String>, by factor: Decimal) throws -> Bool {
        guard let head = path.first else {
            guard case .mapping(var pairs, let line) = node, let i = pairs.firstIndex(where: { $0.key == "value" }),
                  case .scalar(let text, let valueLine) = pairs[i].value, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            else { return false }
            pairs[i].value = .scalar((value * factor).description, line: valueLine)
            node = .mapping(pairs, line: line)
            return true
        }
        switch node {
        case .mapping(var pairs, let line):
            guard let i = pairs.firstIndex(where: { $0.key == head }) else { return false }
            var child = pairs[i].value
            guard try scale(&child, at: path.dropFirst(), by: factor) else { return false }
            pairs[i].value = child
            node = .mapping(pairs, line: line)
            return true
        case .sequence(var items, let line):
            guard head.hasPrefix("#"), let i = Int(head.dropFirst()), items.indices.contains(i) else { return false }
            guard try scale(&items[i], at: path.dropFirst(), by: factor) else { return false }
            node = .sequence(items, line: line)
            return true
        case .scalar:
            return false
        }
    }
}
