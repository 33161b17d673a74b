import Foundation
import InputLimits
import Yams

/// A parsed YAML document as plain, `Sendable` values, with the line each node started on.
///
/// Yams' `Node` carries weak anchors and is not `Sendable`; profiles are shared across
/// threads by the simulation, so the tree is copied once into this form. This is the only
/// file in the module that imports Yams.
public indirect enum YAMLTree: Sendable, Equatable {
    case scalar(String, line: Int)
    case mapping([(key: String, value: YAMLTree)], line: Int)
    case sequence([YAMLTree], line: Int)

    public static func == (lhs: YAMLTree, rhs: YAMLTree) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, _), .scalar(b, _)): return a == b
        case let (.sequence(a, _), .sequence(b, _)): return a == b
        case let (.mapping(a, _), .mapping(b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The 1-based line the node starts on (0 when unknown, e.g. a node built in code).
    public var line: Int {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): return line
        }
    }

    /// Parses the first document of `text`; an empty document is an empty mapping. A document
    /// that expands (through aliases) to more than `maxNodes` nodes is refused while it is being
    /// copied, before it is built: a few hundred bytes of nested aliases name billions of nodes.
    public static func parse(_ text: String, maxNodes: Int = InputLimits.current.maxYAMLNodes) throws -> YAMLTree {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLSyntaxError(message: Self.describe(error))
        }
        guard let node else { return .mapping([], line: 1) }
        var budget = maxNodes
        return try convert(node, budget: &budget, maxNodes: maxNodes)
    }

    /// Parses every document of `text` (a deployment file may hold several).
    public static func parseAll(_ text: String, maxNodes: Int = InputLimits.current.maxYAMLNodes) throws -> [YAMLTree] {
        var result: [YAMLTree] = []
        var budget = maxNodes
        do {
            var documents = try Yams.compose_all(yaml: text)
            while let node = documents.next() { result.append(try convert(node, budget: &budget, maxNodes: maxNodes)) }
            if let error = documents.error { throw error }
        } catch let error as YamlError {
            throw YAMLSyntaxError(message: Self.describe(error))
        }
        return result
    }

    private static func convert(_ node: Node, budget: inout Int, maxNodes: Int) throws -> YAMLTree {
        let line = node.mark?.line ?? 0
        budget -= 1
        guard budget >= 0 else {
            throw YAMLSyntaxError(message: """
                line \(line): the document expands to more than \(maxNodes) nodes (aliases repeating \
                aliases?) \(InputLimits.Name.yamlNodes.hint)
                """)
        }
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, line: line)
        case .sequence(let sequence):
            var items: [YAMLTree] = []
            for item in sequence { items.append(try convert(item, budget: &budget, maxNodes: maxNodes)) }
            return .sequence(items, line: line)
        case .mapping(let mapping):
            var pairs: [(key: String, value: YAMLTree)] = []
            var seen = Set<String>()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLSyntaxError(message: "line \(key.mark?.line ?? 0): mapping keys must be plain strings")
                }
                guard seen.insert(keyScalar.string).inserted else {
                    throw YAMLSyntaxError(message: "line \(key.mark?.line ?? 0): key '\(keyScalar.string)' appears twice")
                }
                pairs.append((keyScalar.string, try convert(value, budget: &budget, maxNodes: maxNodes)))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw YAMLSyntaxError(message: "line \(line): YAML aliases are not supported in profiles")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        // YamlError's description spans several lines with a snippet; the first line is the message.
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "invalid YAML"
    }

    /// Value at `key` when this node is a mapping.
    public subscript(key: String) -> YAMLTree? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// Deep merge: mappings merge key by key (the override's keys win, new keys are appended);
    /// anything else in `override` replaces what is here.
    public func merging(_ override: YAMLTree) -> YAMLTree {
        guard case .mapping(var pairs, let line) = self, case .mapping(let extra, _) = override else {
            return override
        }
        for (key, value) in extra {
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value = pairs[index].value.merging(value)
            } else {
                pairs.append((key, value))
            }
        }
        return .mapping(pairs, line: line)
    }

    /// Renders the tree back as block YAML (used by `catalog show` and to write overrides).
    public func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .scalar(let text, _):
            return pad + Self.quoteIfNeeded(text) + "\n"
        case .sequence(let items, _):
            return items.map { item -> String in
                switch item {
                case .scalar(let text, _): return pad + "- " + Self.quoteIfNeeded(text) + "\n"
                default:
                    let body = item.rendered(indent: indent + 1)
                    return pad + "-" + body.dropFirst(pad.count + 1)
                }
            }.joined()
        case .mapping(let pairs, _):
            return pairs.map { key, value -> String in
                switch value {
                case .scalar(let text, _): return pad + key + ": " + Self.quoteIfNeeded(text) + "\n"
                case .mapping(let inner, _) where inner.isEmpty: return pad + key + ": {}\n"
                case .sequence(let inner, _) where inner.isEmpty: return pad + key + ": []\n"
                default: return pad + key + ":\n" + value.rendered(indent: indent + 1)
                }
            }.joined()
        }
    }

    private static func quoteIfNeeded(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "._-/ ()%+,".contains($0) }
        if plain, !text.isEmpty, text.first != " ", text.last != " " { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A YAML file that could not be parsed at all.
public struct YAMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
