import Foundation
import Testing
@testable import Pricing

// Every source Placer cites can be opened by its reader: an https address, or a file (and a
// section of it) inside this repository. Nothing points at notes kept outside the repository.

/// The repository's root, from this file's place in it (Tests/PricingTests/…).
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every regular file of the repository outside `.git`, `.build` and `.swiftpm`, as relative paths.
private func repositoryFiles() -> [String] {
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var files: [String] = []
    let base = root.standardizedFileURL.path + "/"
    for case let url as URL in walker {
        let path = url.standardizedFileURL.path.replacingOccurrences(of: base, with: "")
        if path.hasPrefix(".git") || path.hasPrefix(".build") || path.hasPrefix(".swiftpm") {
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { walker.skipDescendants() }
            continue
        }
        if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(path) }
    }
    return files.sorted()
}

/// GitHub's anchor for a markdown heading: lower case, spaces to '-', punctuation dropped.
private func anchor(_ heading: String) -> String {
    String(heading.lowercased().compactMap { c -> Character? in
        if c == " " { return "-" }
        return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
    })
}

@Test func noFileCitesNotesOutsideTheRepository() throws {
    // Spelled in pieces so this file does not match itself.
    let outside = ["placer:" + "reference", "../" + "shared", "shared/" + "reference"]
    var offenders: [String] = []
    for path in repositoryFiles() {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
              let text = String(data: data, encoding: .utf8) else { continue }  // binary files hold no citations
        for needle in outside where text.contains(needle) { offenders.append("\(path): \(needle)") }
    }
    #expect(offenders.isEmpty, "\(offenders)")
}

@Test func everySourceAddressIsHTTPSOrAPathInTheRepository() throws {
    let dataFiles = repositoryFiles().filter { $0.hasPrefix("Sources/") && $0.hasSuffix(".yaml") }
    #expect(dataFiles.count >= 17, "profiles and defaults not found under \(root.path)")
    var urls: [(file: String, url: String)] = []
    for file in dataFiles {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("url:") else { continue }
            urls.append((file, trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))))
        }
    }
    #expect(urls.count > 120, "every source of every profile and defaults file")
    for (file, url) in urls {
        if url.hasPrefix("https://") { continue }
        let parts = url.split(separator: "#", maxSplits: 1).map(String.init)
        let target = root.appendingPathComponent(parts[0])
        guard let text = try? String(contentsOf: target, encoding: .utf8) else {
            Issue.record("\(file): \(url) is neither https:// nor a file in the repository")
            continue
        }
        if parts.count == 2 {
            let anchors = text.split(separator: "\n").filter { $0.hasPrefix("#") }
                .map { anchor($0.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)) }
            #expect(anchors.contains(parts[1]), "\(file): \(url) names a section \(parts[0]) does not have")
        }
    }
}

@Test func publishedIsRejectedWithTheWordsToUseInstead() throws {
    let text = """
        schema: placer.profile/v1
        id: t
        name: T
        kind: onprem
        provider: P
        status: {state: active}
        sources:
          s: {url: "https://example.org/", read: 2026-12-01, checked: false, confidence: published}
        limits: {scalingUnit: function}
        keepAlive: {policy: fixed-idle, idle: {value: 1, unit: min, source: s}}
        """
    guard case .failure(let error) = Catalog.parse(text, file: "t.yaml") else {
        Issue.record("a profile with confidence: published was accepted")
        return
    }
    let message = "\(error)"
    #expect(message.contains("t.yaml:8"), "\(message)")
    #expect(message.contains("'published' is no longer a confidence"), "\(message)")
    #expect(message.contains("'provider'") && message.contains("'third-party'"), "\(message)")
    // An old-style source (no `checked`, `published`) is told both at once.
    let old = text.replacingOccurrences(of: "checked: false, ", with: "")
    guard case .failure(let both) = Catalog.parse(old, file: "t.yaml") else {
        Issue.record("an old-style source was accepted")
        return
    }
    #expect("\(both)".contains("sources.s.checked: missing") && "\(both)".contains("'published' is no longer"), "\(both)")
}

@Test func checkedIsADateOrFalseAndRequired() throws {
    func profile(source: String) -> String {
        """
        schema: placer.profile/v1
        id: t
        name: T
        kind: onprem
        provider: P
        status: {state: active}
        sources:
          s: \(source)
        limits: {scalingUnit: function}
        keepAlive: {policy: fixed-idle, idle: {value: 1, unit: min, source: s}}
        """
    }
    let checked = try Catalog.parse(profile(source: "{url: \"https://e.org/\", read: 2026-11-01, checked: 2026-12-01, confidence: provider}"), file: "t.yaml").get()
    #expect(checked.sources["s"]?.checked == .on("2026-12-01"))
    #expect(checked.sources["s"]?.lastConfirmed == "2026-12-01")
    let never = try Catalog.parse(profile(source: "{url: \"https://e.org/\", read: 2026-11-01, checked: false, confidence: third-party}"), file: "t.yaml").get()
    #expect(never.sources["s"]?.checked == .never)
    #expect(never.sources["s"]?.lastConfirmed == "2026-11-01")
    guard case .failure(let missing) = Catalog.parse(profile(source: "{url: \"https://e.org/\", read: 2026-11-01, confidence: provider}"), file: "t.yaml") else {
        Issue.record("a source without checked was accepted")
        return
    }
    #expect("\(missing)".contains("sources.s.checked: missing"), "\(missing)")
    guard case .failure(let bad) = Catalog.parse(profile(source: "{url: \"https://e.org/\", read: 2026-11-01, checked: yes, confidence: provider}"), file: "t.yaml") else {
        Issue.record("checked: yes was accepted")
        return
    }
    #expect("\(bad)".contains("or false"), "\(bad)")
}
