import Foundation
import Pricing

/// A bundled defaults file (`Data/onprem-defaults.yaml`, `Data/decision-defaults.yaml`): named
/// sources, each with its address, dates and confidence, and figures that name one. Both readers
/// take their figures through it, so a source is checked the same way as a profile's.
public struct DefaultsFile: Sendable {
    /// One default: its key path, its value as written and the name of its source.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var source: String
        public var line: Int
    }

    public var file: String
    public var sources: [String: Source]
    public var entries: [Entry]

    /// The bundled on-prem cost defaults.
    public static func onPrem() throws -> DefaultsFile { try bundled("onprem-defaults", what: "on-prem defaults") }

    /// The bundled decision defaults.
    public static func decision() throws -> DefaultsFile { try bundled("decision-defaults", what: "decision defaults") }

    static func bundled(_ name: String, what: String) throws -> DefaultsFile {
        let file = name + ".yaml"
        guard let url = Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Data"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw OnPremInputError(file: file, line: nil, message: "the bundled \(what) are missing from this build")
        }
        return try parse(text, file: file)
    }

    /// Reads `sources` (url, read, checked, confidence, note) and `figures` (value, source).
    static func parse(_ text: String, file: String) throws -> DefaultsFile {
        let tree: YAMLTree
        do { tree = try YAMLTree.parse(text) } catch { throw OnPremInputError(file: file, line: nil, message: "\(error)") }
        guard case .mapping(let sourceNodes, _)? = tree["sources"], case .mapping(let figures, _)? = tree["figures"] else {
            throw OnPremInputError(file: file, line: tree.line, message: "expected 'sources' and 'figures'")
        }
        var sources: [String: Source] = [:]
        for (name, node) in sourceNodes {
            sources[name] = try source(node, name: name, file: file)
        }
        var entries: [Entry] = []
        for (key, figure) in figures {
            guard case .scalar(let name, _)? = figure["source"], sources[name] != nil else {
                throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a source with url, read, checked and confidence")
            }
            guard case .scalar(let value, _)? = figure["value"] else {
                throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a value")
            }
            entries.append(Entry(key: key, value: value, source: name, line: figure.line))
        }
        // On-prem site figures (`sites: {SITE: {KEY: {value, source}}}`), listed as `sites.SITE.KEY`.
        if case .mapping(let siteNodes, _)? = tree["sites"] {
            for (site, node) in siteNodes {
                guard case .mapping(let pairs, _) = node else { continue }
                for (key, figure) in pairs {
                    guard case .scalar(let name, _)? = figure["source"], sources[name] != nil,
                          case .scalar(let value, _)? = figure["value"] else {
                        throw OnPremInputError(file: file, line: figure.line, message: "sites.\(site).\(key): needs a value and a source with url, read, checked and confidence")
                    }
                    entries.append(Entry(key: "sites.\(site).\(key)", value: value, source: name, line: figure.line))
                }
            }
        }
        return DefaultsFile(file: file, sources: sources, entries: entries)
    }

    private static func source(_ node: YAMLTree, name: String, file: String) throws -> Source {
        func field(_ key: String) throws -> (String, Int) {
            guard case .scalar(let text, let line)? = node[key] else {
                throw OnPremInputError(file: file, line: node.line, message: "sources.\(name).\(key): missing")
            }
            return (text, line)
        }
        let (url, _) = try field("url")
        let (read, _) = try field("read")
        let (checkedText, checkedLine) = try field("checked")
        let (confidenceText, confidenceLine) = try field("confidence")
        let confidence: Confidence
        switch Confidence.parse(confidenceText) {
        case .success(let value): confidence = value
        case .failure(let error):
            throw OnPremInputError(file: file, line: confidenceLine, message: "sources.\(name).confidence: \(error)")
        }
        let checked: Checked
        if checkedText == "false" {
            checked = .never
        } else if checkedText.count == 10, checkedText.split(separator: "-").count == 3 {
            checked = .on(checkedText)
        } else {
            throw OnPremInputError(file: file, line: checkedLine,
                                   message: "sources.\(name).checked: expected a date YYYY-MM-DD or false, found '\(checkedText)'")
        }
        var note: String?
        if case .scalar(let text, _)? = node["note"] { note = text }
        return Source(url: url, read: read, checked: checked, confidence: confidence, note: note)
    }

    /// `url (read DATE, confidence)` for a figure's source, as the origins tables print it.
    func origin(_ entry: Entry) -> String {
        guard let s = sources[entry.source] else { return entry.source }
        return "\(s.url) (read \(s.read), \(s.confidence.rawValue))"
    }
}
