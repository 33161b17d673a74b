import Foundation
@testable import FuzzTargets
import Testing

/// Every input a fuzzer found failing, kept in `Fixtures/<target>/` and fed to the same target
/// again: the parser must now accept it or refuse it with its own one-line error. A trap would
/// end this test process, as it ended the fuzzer.
@Suite struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The fixture folders, each named after a target.
    static var folders: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted()
    }

    @Test func everyFixtureFolderNamesATarget() {
        #expect(!Self.folders.isEmpty, "no fixtures found at \(Self.fixtures.path)")
        for folder in Self.folders {
            #expect(FuzzTarget.named(folder) != nil, "Fixtures/\(folder) names no fuzz target")
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func fixturesAreReadCleanly(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = Self.fixtures.appendingPathComponent(name)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
            let outcome = target.run(bytes)
            if case .violation(let why) = outcome { Issue.record("\(name)/\(file): \(why)") }
        }
    }
}
